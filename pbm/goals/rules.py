"""Goal review rules (绩效目标审核): G1–G13 (G1–G7 as the vendors' budget systems check goals,
G9/G11 from local forms, the rest pbm's own), structure checks, the 事前绩效评估 rule, weights
against the configured total, and the review grade (the grades of 财预〔2015〕88号 第二十五条).

Each rule takes a ``GoalProject`` (typed values with their cells) and yields findings; the
zh/en texts and the review dimension of each code live in pbm/messages/goals.toml.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from typing import Any

from pbm.findings import Finding, catalogue
from pbm.goals.department import REQUIRED_FIELDS as DEPARTMENT_FIELDS
from pbm.goals.department import allowed_categories, coverage_needed, dimension_name
from pbm.indicators import COMPARISONS, TypedLine, TypedTable
from pbm.values import ParsedValue, parse_value, plain_decimal, sums_differ
from pbm.values.placeholders import is_dash
from pbm.values.units import unit_in_name
from pbm.workbook.department import FUND_PARTS, is_department
from pbm.workbook.table import IndicatorTable, ProjectRead

DIMENSIONS = ("完整性", "相关性", "适当性", "可行性")

#: The categories of the indicator framework: 2020 (财预〔2020〕10号's 产出/效益/满意度 with 成本
#: under 产出), also accepting 成本指标 as a level 1 of its own (财预〔2021〕101号's core-indicator
#: guidance, as many local templates since 2022 write it); "2021" moves 成本 out of 产出.
LEVEL1_ALLOWED = {
    "2020": {"产出指标": {"数量指标", "质量指标", "时效指标", "成本指标"},
             "效益指标": {"经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"},
             "满意度指标": {"服务对象满意度指标"},
             "成本指标": {"经济成本指标", "社会成本指标", "生态环境成本指标"}},
}
LEVEL1_ALLOWED["2021"] = {**LEVEL1_ALLOWED["2020"],
                          "产出指标": {"数量指标", "质量指标", "时效指标"}}


@cache
def categories_of(schema: str, department: bool = False) -> dict[str, set[str]]:
    """The 一级 → 二级 categories a table may use: the project framework of ``schema``, and
    for a 部门整体 table the department framework's besides (pbm.goals.department)."""
    allowed = LEVEL1_ALLOWED.get(schema, LEVEL1_ALLOWED["2020"])
    return allowed_categories(allowed) if department else allowed


_EMPTY_WORDS = re.compile(r"加强|做好|推进|落实|努力|积极|重视|进一步|持续|不断|全力|切实")
_MEASURABLE = re.compile(r"有效|明显|显著|达到|符合|标准|提升|提高|改善|合格|达标|降低|减少|增加|"
                         r"优|良|\d|是|否|完成|实现|无|不超|以内|控制在|每[日天周月季年]|按[日周月季年]|"
                         r"^[一二三四五甲乙丙A-Da-d][级等]$")
#: A rate or quality of the process (资金拨付及时率, 资金使用合规性): a goal, not an input.
_PROCESS_RATE = re.compile(r"[率性度]$")
_INPUTS = re.compile(r"(资金|经费|预算)(投入|拨付|到位|总额|支出|金额)|(投入|拨付|下达)(资金|经费)|"
                     r"投入.{0,4}(人员|人力|人数|设备)|(人员|人力)投入|资金使用|支出金额|采购金额")
_TARGET_IN_NAME = re.compile(r"(≥|≤|>=|<=|不低于|不少于|不超过|不高于|达到)\s*\d|\d+(\.\d+)?\s*%")
_DONE = re.compile(r"^(已开展|已完成|是|已评估|开展|已做|有|完成|已)")


@dataclass(slots=True)
class GoalIndicator:
    """One 三级 indicator line of a goal table, typed; ``line`` is its index in ``table``."""

    table: IndicatorTable
    line: int
    level1: str
    level2: str
    name: str
    typed: TypedLine
    weight: ParsedValue | None

    @property
    def nature(self) -> str | None:
        return self.typed.nature

    @property
    def target(self) -> ParsedValue:
        return self.typed.target

    @property
    def unit(self) -> str:
        return self.typed.unit

    @property
    def is_quantitative(self) -> bool:
        return self.typed.quantitative

    def cell(self, name: str) -> str | None:
        return self.table.a1(name, self.line)

    def text(self, name: str) -> str:
        return self.table.text(name, self.line)


@dataclass(frozen=True)
class GoalSubject:
    """What goal review asks of a table by what it is about: a project (项目支出绩效目标申报表)
    or a department's whole budget (部门整体, :mod:`pbm.goals.department`)."""

    department: bool
    required: tuple[tuple[str, str], ...]  # (field, label) to fill
    amounts: tuple[str, ...]  # the money fields typed and checked
    parts: tuple[str, ...]  # the amounts that add up to 资金总额 (G12)
    parts_label: str
    #: 项目属性 (新增/延续) and, for a new project, 事前绩效评估: a department's whole budget is
    #: neither a new nor a continuing project, and no 事前评估 is made of it
    project_attributes: bool

    def coverage(self, present: set[str], require_satisfaction: bool) -> list[str]:
        """The 一级 the table must hold (G8): a department table in the five dimensions the
        department framework's, else 产出/效益/满意度."""
        needed = coverage_needed(present, require_satisfaction) if self.department else None
        if needed is None:
            needed = ["产出指标", "效益指标"] + (["满意度指标"] if require_satisfaction else [])
        return needed


PROJECT_GOALS = GoalSubject(
    department=False,
    required=(("project_name", "项目名称"), ("department", "主管部门"),
              ("implementing_unit", "项目实施单位"), ("annual_goal", "年度目标"),
              ("total_funds", "资金总额")),
    amounts=("total_funds", "fiscal_funds", "other_funds", "carryover"),
    parts=("fiscal_funds", "other_funds", "carryover"), parts_label="分项",
    project_attributes=True)
DEPARTMENT_GOALS = GoalSubject(
    department=True, required=DEPARTMENT_FIELDS, amounts=("total_funds", *FUND_PARTS),
    parts=FUND_PARTS, parts_label="基本支出与项目支出", project_attributes=False)


def goal_subject(record: ProjectRead) -> GoalSubject:
    return DEPARTMENT_GOALS if is_department(record) else PROJECT_GOALS


@dataclass
class GoalProject:
    """A project's amounts and its lines typed, as columns (one value per line)."""

    record: ProjectRead
    typed: list[TypedLine]
    weights: list[ParsedValue | None]
    names: list[str]
    levels1: list[str]  # normalised (产出 → 产出指标); a blank one inferred from its 二级
    levels2: list[str]
    level_texts: tuple[list[str], list[str]]  # 一级/二级 as written
    notes: list[str]  # 指标值说明
    money: dict[str, ParsedValue] = field(default_factory=dict)
    subject: GoalSubject = PROJECT_GOALS

    @property
    def count(self) -> int:
        return len(self.typed)

    @property
    def indicators(self) -> list[GoalIndicator]:
        """The lines one by one (for the outputs)."""
        table = self.record.table
        return [GoalIndicator(table, line, level1, level2, name, typed, weight)
                for line, level1, level2, name, typed, weight in
                zip(self.record.lines, self.levels1, self.levels2, self.names, self.typed,
                    self.weights)]


@dataclass
class ReviewSettings:
    indicator_weight_total: Decimal = Decimal(90)
    execution_weight: Decimal = Decimal(10)
    prior_assessment_amount: Decimal = Decimal(200)
    min_indicators: int = 3
    quantitative_share: Decimal = Decimal("0.6")
    name_max_length: int = 100
    require_satisfaction: bool = True
    indicator_schema: str = "2020"
    local_categories: tuple = ()  # a local template's own 二级 categories, accepted
    require_weights: bool = True
    money_unit: str = "万元"
    excellent_max_warnings: int = 1
    fair_max_errors: int = 3

    @classmethod
    def from_config(cls, config) -> ReviewSettings:
        goals = config.section("goals")
        review = goals.pop("review", {})
        values: dict[str, Any] = {}
        for name, spec in cls.__dataclass_fields__.items():
            raw = goals.get(name, review.get(name))
            if raw is None:
                continue
            default = spec.default
            values[name] = Decimal(str(raw)) if isinstance(default, Decimal) else \
                type(default)(raw) if not isinstance(default, bool) else bool(raw)
        return cls(**values)


# --------------------------------------------------------------------------- typing

def type_project(record: ProjectRead, settings: ReviewSettings,
                 typed_table: TypedTable) -> GoalProject:
    """The project's lines and amounts typed (the one typing of indicators) for the rules;
    ``typed_table`` is the typing of the project's table."""
    typing = typed_table.typing
    subject = goal_subject(record)
    money: dict[str, ParsedValue] = {}
    for name in subject.amounts:
        parsed = typing.money(record, name, settings.money_unit)
        if parsed is not None:
            money[name] = parsed
    levels1 = typed_table.levels(record, "level1")
    levels2 = typed_table.levels(record, "level2")
    if "" in levels1:  # 一级 left blank beside a 二级 that has one 一级 only: that one
        owner = _level1_of(settings.indicator_schema, subject.department)
        levels1 = [level1 or owner.get(level2, "") for level1, level2 in zip(levels1, levels2)]
    project = GoalProject(record, typed_table.lines(record),
                          typed_table.numbers(record, "weight"),
                          typed_table.texts(record, "name"),
                          levels1, levels2,
                          (typed_table.texts(record, "level1"),
                           typed_table.texts(record, "level2")),
                          typed_table.texts(record, "note"), money, subject)
    return project


@cache
def _level1_of(schema: str, department: bool = False) -> dict[str, str]:
    """二级 category → its 一级, where the framework puts it under one only."""
    allowed = categories_of(schema, department)
    owners: dict[str, set[str]] = {}
    for level1, level2s in allowed.items():
        for level2 in level2s:
            owners.setdefault(level2, set()).add(level1)
    return {level2: next(iter(level1s)) for level2, level1s in owners.items()
            if len(level1s) == 1}


# --------------------------------------------------------------------------- findings

def make_finding(code: str, project: GoalProject, cell: str | None = None, value: Any = None,
                 **params: Any) -> Finding:
    record = project.record
    return Finding(code=code, file=record.file, sheet=record.sheet, cell=cell,
                   project=record.name or None, value=value, params=params)


def _note_params(note) -> dict[str, Any]:
    return {k: v for k, v in note.params.items() if k not in ("value", "code", "project", "cell",
                                                              "severity")}


def _cell_of(record: ProjectRead, name: str) -> str | None:
    return record.a1(name)


def check_project(project: GoalProject, settings: ReviewSettings,
                  checks: LineChecks | None = None) -> list[Finding]:
    """Every review rule on one project, in a stable order; ``checks`` (one per run) holds
    what each distinct line cell was found to break."""
    checks = checks or LineChecks(settings)
    if _unfilled(project):
        return [make_finding("G-UNFILLED", project, None, None, count=project.count)]
    findings: list[Finding] = []
    findings.extend(_required_fields(project, checks))
    for rule in (_money_block, _prior_assessment) if project.subject.project_attributes \
            else (_money_block,):
        findings.extend(rule(project, settings))
    findings.extend(_indicator_rows(project, checks))
    for rule in (_blank_levels, _weights, _coverage):
        findings.extend(rule(project, settings))
    return findings


def _unfilled(project: GoalProject) -> bool:
    """A form left as the template gave it: indicator names, but no target and no amount."""
    return bool(project.count) and not project.record.text("total_funds") and \
        all(not typed.target.text for typed in project.typed)


def _required_fields(project: GoalProject, checks: LineChecks):
    record = project.record
    absent = []
    for name, label in project.subject.required:
        cell = record.fields.get(name)
        if cell is None and name not in record.labels:
            absent.append(label)  # the form has no such label or column at all
            continue
        if cell is None or cell.empty:
            yield make_finding("G-REQUIRED", project, cell.a1 if cell else None, field=label)
            continue
        if isinstance(cell.value, str) and checks.placeholder(cell.value):
            yield make_finding("R-PLACEHOLDER", project, cell.a1, cell.text)
    if absent:
        # a template without these items (a ministry's form for one kind of project): said
        # once for the project, never as one error per item the form never asked for
        yield make_finding("G-NO-FIELD", project, None, None, fields="、".join(absent),
                           count=len(absent))
    attribute = record.attribute
    if attribute and attribute not in ("新增项目", "延续项目") and \
            project.subject.project_attributes:
        yield make_finding("G-ATTRIBUTE", project, _cell_of(record, "attribute"), attribute)


def _money_block(project: GoalProject, settings: ReviewSettings):
    """G12: 资金总额 > 0 and the parts add up; amounts in 元 converted and said so."""
    record = project.record
    for name, parsed in project.money.items():
        cell = _cell_of(record, name)
        if parsed.placeholder:
            yield make_finding("R-PLACEHOLDER", project, cell, parsed.text)
        elif parsed.number is None:
            yield make_finding("R-UNPARSEABLE", project, cell, parsed.text, field="金额",
                               detail="")
        for note in parsed.notes:
            if note.code == "V-MONEY-CONVERTED":
                yield make_finding("R-UNIT-CONVERTED", project, cell, parsed.text,
                                   **_note_params(note))
            elif note.code not in ("R-UNPARSEABLE", "R-PLACEHOLDER"):  # said just above
                yield make_finding(note.code, project, cell, parsed.text, **_note_params(note))
    total = project.money.get("total_funds")
    if total is None or total.number is None:
        return
    if total.number <= 0:
        yield make_finding("G12", project, _cell_of(record, "total_funds"), total.text,
                           detail="资金总额应大于 0")
        return
    parts = [project.money[k].number for k in project.subject.parts
             if k in project.money and project.money[k].number is not None]
    if parts:
        parts_sum = sum(parts, Decimal(0))
        parts_label = project.subject.parts_label
        if sums_differ(total.number, parts_sum):
            yield make_finding("G12", project, _cell_of(record, "total_funds"), total.text,
                               detail=f"{parts_label}合计 {plain_decimal(parts_sum)} ≠ "
                                      f"资金总额 {plain_decimal(total.number)}")


def _prior_assessment(project: GoalProject, settings: ReviewSettings):
    record = project.record
    attribute = record.attribute
    total = project.money.get("total_funds")
    if not attribute.startswith("新增") or total is None or total.number is None:
        return
    if total.number < settings.prior_assessment_amount:
        return
    stated = record.text("prior_assessment")
    if not stated or not _DONE.match(stated):
        yield make_finding("G-PRIOR-ASSESSMENT", project,
                           _cell_of(record, "prior_assessment") or _cell_of(record, "attribute"),
                           stated or None, amount=plain_decimal(total.number),
                           threshold=plain_decimal(settings.prior_assessment_amount))


#: A problem of a line, found from its cells alone: (code, the fields whose cell it names —
#: the first one the table has —, the value shown, the params of the message).
LineProblem = tuple[str, tuple[str, ...], Any, dict[str, Any]]


class LineChecks:
    """The rules of a goal line that follow from its cells alone — its 三级 name, its
    一级/二级, its 指标性质/计量单位/指标值, whether it explains itself (指标值说明) — each
    distinct combination checked once a run."""

    def __init__(self, settings: ReviewSettings):
        self.settings = settings
        self.allowed = categories_of(settings.indicator_schema)
        self.department_allowed = categories_of(settings.indicator_schema, True)
        self._lines: dict[tuple, tuple[tuple[LineProblem, ...], tuple[LineProblem, ...]]] = {}
        self._placeholders: dict[str, bool] = {}

    def line(self, name: str, level1: str, level2: str, text1: str, text2: str,
             typed: TypedLine, has_note: bool, department: bool = False
             ) -> tuple[tuple[LineProblem, ...], tuple[LineProblem, ...]]:
        """(what is found before the duplicate check, what after it); ``department``: a line
        of a 部门整体 table, whose categories are the department framework's."""
        key = (name, level1, level2, text1, text2, typed, has_note, department)
        found = self._lines.get(key)
        if found is None:
            before, after = _name_problems(name, self.settings.name_max_length)
            allowed = self.department_allowed if department else self.allowed
            after += tuple(_level_problems(allowed, level1, level2, text1, text2))
            after += tuple(_target_problems(typed, has_note, bool(unit_in_name(name))))
            after += tuple(_rate_problems(name, typed))
            found = self._lines[key] = (before, after)
        return found

    def placeholder(self, text: str) -> bool:
        """A project field left as the template wrote it (``**``, ``请填写…``)."""
        found = self._placeholders.get(text)
        if found is None:
            found = self._placeholders[text] = parse_value(text, role="text").placeholder
        return found


def _indicator_rows(project: GoalProject, checks: LineChecks) -> list[Finding]:
    """G1, G-DUPLICATE, G-NAME-HAS-TARGET, G11, G-LEVEL1/2 and the target rules, line by line."""
    record = project.record
    table = record.table
    findings: list[Finding] = []
    seen: dict[str, int] = {}
    check = checks.line
    department = project.subject.department
    for line, name, level1, level2, typed, text1, text2, note in zip(
            record.lines, project.names, project.levels1, project.levels2, project.typed,
            *project.level_texts, project.notes):
        before, after = check(name, level1, level2, text1, text2, typed, bool(note),
                              department)
        duplicate = None
        if name:
            first = seen.get(name)
            if first is None:
                seen[name] = line
            else:
                duplicate = ("G-DUPLICATE", ("name",), name,
                             {"first": table.a1("name", first) or ""})
        if not before and not after and duplicate is None:
            continue
        for code, fields, value, params in (*before, *((duplicate,) if duplicate else ()),
                                            *after):
            cell = next((a1 for field_name in fields if (a1 := table.a1(field_name, line))),
                        None)
            findings.append(make_finding(code, project, cell, value, **params))
    return findings


def _name_problems(name: str, max_length: int
                   ) -> tuple[tuple[LineProblem, ...], tuple[LineProblem, ...]]:
    before: list[LineProblem] = []
    after: list[LineProblem] = []
    if not name:
        before.append(("G1", ("name",), None, {"detail": "三级指标名称为空"}))
        return tuple(before), ()
    if len(name) > max_length:
        before.append(("G1", ("name",), name[:30] + "…",
                       {"detail": f"名称 {len(name)} 字，超过 {max_length} 字"}))
    elif parse_value(name, role="text").placeholder:
        before.append(("R-PLACEHOLDER", ("name",), name, {}))
    if _TARGET_IN_NAME.search(name):
        after.append(("G-NAME-HAS-TARGET", ("name",), name, {}))
    if _INPUTS.search(name) and not _PROCESS_RATE.search(name):
        after.append(("G11", ("name",), name, {}))
    return tuple(before), tuple(after)


def _level_problems(allowed: dict[str, set[str]], level1: str, level2: str, text1: str,
                    text2: str):
    """A framework category under the wrong 一级 (社会效益指标 under 产出指标); a name the
    framework does not have, and a blank 一级, are said once (pbm.goals.conditions,
    :func:`_blank_levels`)."""
    level2s = allowed.get(level1)
    if level2s is not None and level2 and level2 not in level2s and \
            any(level2 in names for names in allowed.values()):
        yield "G-LEVEL2", ("level2",), text2, {"level1": level1,
                                               "allowed": "、".join(sorted(level2s))}


def _blank_levels(project: GoalProject, settings: ReviewSettings):
    """一级 cells left blank, once per project: classed by their 二级 where it has one 一级
    only, else not classed (and 产出/效益/满意度 coverage not judged)."""
    table = project.record.table
    if not (table.has("level1") or table.has("level2")):
        return  # a template without level columns: said once per file
    blank = [line for line, text1 in zip(project.record.lines, project.level_texts[0])
             if not text1]
    if not blank:
        return
    unclassed = sum(1 for level1 in project.levels1 if not level1)
    detail = "，已按二级指标归类" if not unclassed else \
        f"，其中 {unclassed} 行无法归类，未检查产出/效益/满意度指标是否齐全"
    detail_en = "; classed by their level-2 category" if not unclassed else \
        f"; {unclassed} cannot be classed, so coverage was not checked"
    yield make_finding("G-LEVEL1-BLANK", project, table.a1("level1", blank[0]), None,
                       count=len(blank), detail=detail, detail_en=detail_en)


#: Rates that cannot pass 100 %: a share of a whole (合格率, 覆盖率, 满意度 …), not a change
#: (增长率, 下降率) or a ratio to something else (投入产出比).
_BOUNDED_RATE = re.compile(
    r"(合格|覆盖|达标|完成|及时|到位|知晓|参保|入学|通过|合规|执行|普及|接种|签约|办结|兑现|"
    r"发放|准确|正确|出勤|到岗|利用|使用|保障|治愈|处置|上线|在线|支付|验收|满意)(率|度)$")


def _rate_problems(name: str, typed: TypedLine):
    """G-RATE-OVER-100: a share of a whole (验收合格率) targeted above 100 % — a typo or a
    misread digit (鄂州's 292%)."""
    target = typed.target
    if target.number is None or target.op in ("≤", "<") or not _BOUNDED_RATE.search(name):
        return
    if (target.unit == "%" or typed.unit == "%") and target.number > 100:
        yield "G-RATE-OVER-100", ("target",), target.text, {}


_OPERATOR_ONLY = re.compile(r"\s*[≥≤><=＞＜＝≧≦]+\s*")


def _empty_words_only(text: str) -> bool:
    """G13: only empty words (加强/做好/推进…) and nothing measurable."""
    return bool(_EMPTY_WORDS.search(text)) and not _MEASURABLE.search(text)


def _target_problems(typed: TypedLine, has_note: bool, unit_named: bool):
    target, nature = typed.target, typed.nature
    raw_text = target.text  # the cell as text, as the parser read it
    if target.placeholder:
        yield ("G-NO-TARGET" if is_dash(raw_text) else "G4"), ("target",), raw_text, {}
        return
    if target.kind == "missing" and any(n.code == "R-FORMULA-NO-VALUE" for n in target.notes):
        return  # the reader already reported the formula cell
    if not raw_text:
        yield "G3", ("target",), None, {"detail": "指标值为空"}
        return
    if _OPERATOR_ONLY.fullmatch(raw_text):  # ``>``: a comparison with nothing to compare to
        yield "G3", ("target",), raw_text, {"detail": "只有计算符号，没有数值"}
        return
    if nature == "定量(其他)" and not has_note:
        yield "G5", ("note", "target"), None, {}
    if typed.quantitative:
        if target.kind in ("date", "month"):
            return  # a 时效 target such as ≤2026年12月 is a deadline, not a number
        if target.number is None:
            yield "G3", ("target",), raw_text, {"detail": "定量指标的指标值应为数值"}
            return
        if not typed.unit and not target.unit and not unit_named:
            yield "G2", ("unit", "target"), None, {}
        for note in target.notes:
            if note.code == "V-OP-IMPLIED" and not nature:
                yield "V-OP-IMPLIED", ("target",), raw_text, _note_params(note)
        if nature in COMPARISONS and target.op and not target.op_implied and \
                target.op != nature and (nature, target.op) not in {("≥", ">"), ("≤", "<")}:
            yield "G-NATURE-MISMATCH", ("target",), raw_text, {"nature": nature,
                                                                "op": target.op}
    elif (target.kind in ("text", "qualitative") and target.tier is None
          and _empty_words_only(raw_text)) or (
            target.kind == "text" and not _MEASURABLE.search(raw_text) and len(raw_text) <= 4):
        yield "G13", ("target",), raw_text, {}


def _weights(project: GoalProject, settings: ReviewSettings):
    """G6/G7: each 三级 weight > 0; the total against the configured total (warning)."""
    table, lines = project.record.table, project.record.lines
    weights = list(zip(lines, project.weights))
    present = [w for w in project.weights if w is not None]
    if not project.count or not table.has("weight"):
        return  # a template without a weight column: said once per file
    if not present:
        if settings.require_weights:
            yield make_finding("G6", project, None, None, total="无",
                               total_en="nothing",
                               expected=plain_decimal(settings.indicator_weight_total),
                               detail="（各指标均未填写权重/分值）",
                               detail_en=" (no indicator has a weight)")
        return
    total = Decimal(0)
    for line, weight in weights:
        if weight is None:
            if settings.require_weights:
                yield make_finding("G7", project, table.a1("weight", line), None,
                                   detail="权重为空")
            continue
        if weight.number is None:
            yield make_finding("G7", project, table.a1("weight", line), weight.text,
                               detail="权重不是数字")
            continue
        if weight.number <= 0:
            yield make_finding("G7", project, table.a1("weight", line), weight.text,
                               detail="权重应大于 0")
        total += weight.number
    expected = settings.indicator_weight_total
    if total != expected:
        with_execution = expected + settings.execution_weight
        detail = detail_en = ""
        if total == with_execution:
            execution = plain_decimal(settings.execution_weight)
            detail = f"（含预算执行率 {execution} 分？）"
            detail_en = f" (the {execution} points of budget execution included?)"
        yield make_finding("G6", project, None, plain_decimal(total),
                           total=plain_decimal(total), total_en=plain_decimal(total),
                           expected=plain_decimal(expected), detail=detail, detail_en=detail_en)


def _coverage(project: GoalProject, settings: ReviewSettings):
    """G8 (产出/效益/满意度 present), G9 (minimum count), G10 (quantified share)."""
    count = project.count
    if not count:
        yield make_finding("G-NO-INDICATORS", project, None, None)
        return
    present = set(project.levels1)
    needed = project.subject.coverage(present, settings.require_satisfaction)
    missing = [name for name in needed if name not in present]
    if missing and "" not in present:  # an unclassed line may be the one missing
        yield make_finding("G8", project, None, None,
                           missing="、".join(map(dimension_name, missing)))
    if count < settings.min_indicators:
        yield make_finding("G9", project, None, count, count=count,
                           minimum=settings.min_indicators)
    quantitative = sum(1 for typed in project.typed if typed.quantitative)
    share = Decimal(quantitative) / Decimal(count)
    if share < settings.quantitative_share:
        yield make_finding("G10", project, None, f"{share:.0%}",
                           share=f"{(share * 100).quantize(Decimal('1'))}%",
                           threshold=f"{(settings.quantitative_share * 100).normalize():f}%")


# --------------------------------------------------------------------------- grade

BLOCKING = {"G-NO-INDICATORS", "G12", "G-UNFILLED"}


def review_grade(findings: list[Finding], settings: ReviewSettings) -> str:
    """优/良/中/差 as in 财预〔2015〕88号 第二十五条; the cut-offs are pbm's own, configurable."""
    errors = [f for f in findings if f.severity == "error"]
    warnings = [f for f in findings if f.severity == "warning"]
    blocking = any(f.code in BLOCKING or (f.code == "G-REQUIRED" and
                                         f.params.get("field") in ("年度目标",)) for f in errors)
    if blocking or len(errors) > settings.fair_max_errors:
        return "差"
    if errors:
        return "中"
    if len(warnings) <= settings.excellent_max_warnings:
        return "优"
    return "良"


def review_opinions(findings: list[Finding]) -> dict[str, str]:
    """A short 审核意见 per dimension (完整性/相关性/适当性/可行性)."""
    opinions = {}
    for dimension in DIMENSIONS:
        mine = [f for f in findings if f.dimension == dimension and f.severity != "info"]
        if not mine:
            opinions[dimension] = "符合要求"
            continue
        codes: dict[str, int] = {}
        for finding in mine:
            title = catalogue().get(finding.code, {}).get("title", finding.code)
            codes[title] = codes.get(title, 0) + 1
        parts = [f"{title}{'×' + str(n) if n > 1 else ''}" for title, n in codes.items()]
        opinions[dimension] = "需修改：" + "；".join(parts)
    return opinions


def overall_opinion(grade: str) -> str:
    return {"优": "审核通过，可直接进入预算安排流程",
            "良": "基本符合要求，经与部门协商修改后进入预算安排流程",
            "中": "请按审核意见修改完善后重新报送审核",
            "差": "绩效目标不符合要求，退回调整，暂不进入预算安排流程"}[grade]

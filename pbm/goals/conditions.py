"""What holds for a whole goal file, said once: its amounts written in 元 under 万元 labels,
a template without a weight column or without level columns, a category outside the
indicator framework.  A department's template is one cause, however many projects and rows
it shows in; the project rules (pbm.goals.rules) leave these conditions to this module.
"""

from __future__ import annotations

import re
from dataclasses import replace
from decimal import Decimal

from pbm.findings import Finding
from pbm.goals.rules import GoalProject, ReviewSettings, categories_of
from pbm.indicators import normalise_level
from pbm.values import plain_decimal, typed_in_yuan
from pbm.values.money import unit_written

_TEN_THOUSAND = Decimal(10000)
#: A sum in 万 in a 测算依据 text: ``0.3万元``, ``35.92万``, ``11940.368 万元``.
_WAN_SUM = re.compile(r"(\d+(?:\.\d+)?)\s*万")


def file_conditions(projects: list[GoalProject], settings: ReviewSettings) -> list[Finding]:
    """The file-wide findings of the projects of one file (in reading order); amounts found
    to be 元 are converted to 万元 in place."""
    findings: list[Finding] = []
    if not projects:
        return findings
    findings.extend(_amounts_in_yuan(projects, settings))
    findings.extend(_missing_columns(projects, settings))
    findings.extend(_categories(projects, settings))
    return findings


# --------------------------------------------------------------------------- money

def _amounts_in_yuan(projects: list[GoalProject], settings: ReviewSettings):
    """When a file's amounts are evidently 元 typed under 万元 labels — one of them is 10亿元
    or more as 万元, or a 测算依据 states the same sum in 万元 (``0.3万元`` beside 3000) — and
    its amounts are 元-sized (their median is 1万 or more as written), every amount of the file
    that wrote no unit of its own is read as 元; in a file of 万元-sized amounts only those that
    would be 10亿元 or more are. Said once."""
    if settings.money_unit != "万元":
        return
    evidence = _yuan_evidence(projects)
    if evidence is None:
        return
    project, too_large, reason, reason_en = evidence
    totals = sorted(t.number for p in projects
                    if (t := p.money.get("total_funds")) is not None and t.number
                    and not unit_written(t))
    whole_file = bool(totals) and totals[len(totals) // 2] >= _TEN_THOUSAND
    if not whole_file and not too_large:
        return  # one 测算依据 against a file of 万元-sized amounts: no decision
    converted = 0
    for each in projects:
        if not whole_file and not typed_in_yuan(each.money.get("total_funds"), "万元"):
            continue
        money = {}
        for name, parsed in each.money.items():
            if parsed.number is not None and not unit_written(parsed):
                parsed = replace(parsed, number=parsed.number / _TEN_THOUSAND)
                converted += name == "total_funds" and parsed.number != 0
            money[name] = parsed
        each.money = money
    record = project.record
    scope, scope_en = ("本文件的金额", "this file's amounts") if whole_file else \
        ("部分项目的金额", "some projects' amounts")
    yield Finding("G-MONEY-IN-YUAN", file=record.file, sheet=record.sheet,
                  cell=record.a1("total_funds"), value=project.money["total_funds"].text,
                  project=None if whole_file else record.name or None,
                  params={"scope": scope, "scope_en": scope_en, "reason": reason,
                          "reason_en": reason_en, "count": converted})


def _yuan_evidence(projects: list[GoalProject]) -> tuple[GoalProject, bool, str, str] | None:
    """(the project that shows it, whether by a 10亿 amount, the reason in zh and en)."""
    for project in projects:
        total = project.money.get("total_funds")
        if typed_in_yuan(total, "万元"):
            amount = plain_decimal(total.number)  # type: ignore[union-attr]
            return (project, True, f"资金总额 {amount} 按万元计达 10 亿元以上",
                    f"the total {amount} would be 1 billion yuan or more in 万元")
    for project in projects:
        total = project.money.get("total_funds")
        if total is None or total.number is None or total.number <= 0 or unit_written(total):
            continue
        in_wan = total.number / _TEN_THOUSAND
        for match in _WAN_SUM.finditer(project.record.raw_text("calculation_basis")):
            if Decimal(match.group(1)) == in_wan:
                amount, wan = plain_decimal(total.number), plain_decimal(in_wan)
                return (project, False, f"测算依据写明 {wan} 万元，资金总额填 {amount}",
                        f"the calculation basis states {wan} 万元 for the total {amount}")
    return None


# --------------------------------------------------------------------------- columns

def _missing_columns(projects: list[GoalProject], settings: ReviewSettings):
    """A template without a weight column, or without 一级/二级 columns: one finding each."""
    first = projects[0].record
    if settings.require_weights:
        without = [p for p in projects if p.count and not p.record.table.has("weight")]
        if without:
            yield Finding("G-NO-WEIGHT-COLUMN", file=first.file, sheet=without[0].record.sheet,
                          params={"count": len(without)})
    without = [p for p in projects if p.count and not p.record.table.has("level1")
               and not p.record.table.has("level2")]
    if without:
        yield Finding("G-NO-LEVEL-COLUMNS", file=first.file, sheet=without[0].record.sheet,
                      params={"count": len(without)})


# --------------------------------------------------------------------------- categories

def _categories(projects: list[GoalProject], settings: ReviewSettings):
    """A 一级 or 二级 category the framework does not have, once per file and name, at its
    first cell, with how many lines use it; a local template's own categories
    (``goals.local_categories``) are accepted."""
    accepted = {normalise_level(name) for name in settings.local_categories}
    seen: dict[tuple[str, str], list] = {}  # (code, written) → [project, cell, count]
    for project in projects:
        # a 部门整体 table's categories are the department framework's besides
        allowed = categories_of(settings.indicator_schema, project.subject.department)
        known2 = set().union(*allowed.values())
        table = project.record.table
        for line, level1, level2, text1, text2 in zip(
                project.record.lines, project.levels1, project.levels2, *project.level_texts):
            if level1 and level1 not in allowed:
                key = ("G-LEVEL1", text1)
                cell = table.a1("level1", line)
            elif level2 and level2 not in known2 and level2 not in accepted:
                key = ("G-LOCAL-CATEGORY", text2)
                cell = table.a1("level2", line)
            else:
                continue
            entry = seen.get(key)
            if entry is None:
                seen[key] = [project, cell, 1]
            else:
                entry[2] += 1
    for (code, written), (project, cell, count) in seen.items():
        record = project.record
        params = {"count": count}
        if code == "G-LEVEL1":
            params["allowed"] = "、".join(categories_of(settings.indicator_schema,
                                                        project.subject.department))
        yield Finding(code, file=record.file, sheet=record.sheet, cell=cell,
                      project=record.name or None, value=written, params=params)

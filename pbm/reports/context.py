"""What every document shares: the kinds, the settings, the document specs, the formatting of
values and the reading of columns.  The context of each kind is built in its own module
(``goal_docs``, ``monitor_docs``, ``sample_docs``, ``score_docs``); ``documents`` dispatches.

A context is plain data (strings, numbers as formatted text, lists of row dicts), so the same
context fills the Word template, the Markdown/HTML template and the JSON summary, and it can be
sent to a worker process.  Every key a kind's template may use is always present — an absent
sheet or column becomes 无/— instead of a missing placeholder.

Sources of the wording: 财预〔2015〕88号 第二十五条 (review grades and what follows), 焦作 and
溧阳 practice (monitoring feedback and notices; their layout is pbm's own), the 参考提纲 of
财预〔2020〕10号 (evaluation report outline), a province's 结果应用办法 (20/30-day deadlines),
达州's rule (result application, always a suggestion).
"""

from __future__ import annotations

import datetime as dt
from collections import OrderedDict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pbm.errors import PbmError
from pbm.findings import Finding
from pbm.reports.inputs import OutputWorkbook, number, text
from pbm.reports.register import doc_number
from pbm.values import decimal_text
from pbm.workbook.outputs import ABOUT, OutputSheet, OutputTable

CENT = Decimal("0.01")
NONE_TEXT = "无"
DASH = "—"
GRADES = ("优", "良", "中", "差")
LIGHTS_ZH = ("红", "黄", "绿")


# --------------------------------------------------------------------------- kinds

@dataclass(frozen=True)
class Kind:
    """One kind of document: where its data comes from and how many files it makes."""

    key: str            # folder name under out/reports/ and the shipped template's file name
    title: str          # 绩效目标审核意见书 …
    source: str         # goals | monitor | sample | scores | rectification
    per: str            # department | project | overall
    charts: tuple[str, ...] = ()
    numbered: bool = True  # a 发文 with a 文号 (the evaluation report is no letter: none)
    default: bool = True   # made by a plain ``pbm report`` (the 公开表 only when asked for)
    templated: bool = True  # rendered from a template (the 公开表 is written by pbm itself)


KINDS: OrderedDict[str, Kind] = OrderedDict((k.key, k) for k in (
    Kind("goal-review", "绩效目标审核意见书", "goals", "department"),
    Kind("monitor-feedback", "绩效监控情况反馈书", "monitor", "department"),
    Kind("monitor-reminder", "催报通知", "monitor", "department"),
    Kind("monitor-notice", "监控情况通报", "monitor", "overall", ("lights_chart",)),
    Kind("sample-notice", "抽评名单通知", "sample", "overall"),
    Kind("score-feedback", "绩效评价结果反馈书", "scores", "project"),
    Kind("score-notice", "评价结果通报", "scores", "overall", ("grade_chart", "score_chart")),
    Kind("evaluation-report", "绩效评价报告", "scores", "project", numbered=False),
    Kind("publish", "项目支出绩效自评公开表", "scores", "overall", numbered=False, default=False,
         templated=False),
    Kind("rectify-notice", "整改情况通报", "rectification", "overall", ("rectify_chart",)),
))

#: Names a user may type for ``pbm report KIND``: the key, the Chinese title, or a source group.
GROUP_ALIASES = {"goals": "goals", "goal": "goals", "validate": "goals", "目标": "goals",
                 "monitor": "monitor", "监控": "monitor", "sample": "sample", "抽评": "sample",
                 "score": "scores", "scores": "scores", "评价": "scores",
                 "rectify": "rectification", "rectification": "rectification",
                 "整改": "rectification"}


def resolve_kinds(names: list[str] | None) -> list[Kind]:
    """KIND arguments → kinds in document order (no argument: every kind)."""
    if not names:
        return [k for k in KINDS.values() if k.default]
    chosen: list[str] = []
    for name in names:
        key = name.strip()
        matches = [k.key for k in KINDS.values() if key in (k.key, k.title)]
        if not matches and key.lower() in GROUP_ALIASES:
            group = GROUP_ALIASES[key.lower()]
            matches = [k.key for k in KINDS.values() if k.source == group and k.default]
        if not matches:
            allowed = ", ".join(f"{k.key}（{k.title}）" for k in KINDS.values())
            raise PbmError("REPORT-UNKNOWN-KIND", kind=name, allowed=allowed)
        chosen.extend(m for m in matches if m not in chosen)
    return [KINDS[key] for key in KINDS if key in chosen]


# --------------------------------------------------------------------------- settings

@dataclass
class ReportSettings:
    """pbm.toml ``[report]`` and ``[workspace]`` as the documents need them."""

    issuer: str = "财政局"
    doc_prefix: str = "财绩"
    year: int = 2026
    locality: str = ""
    rectification_days: int = 30   # a province's 结果应用办法: measures in 30 days
    feedback_days: int = 20        # the same 办法: results fed back within 20 days
    contact: str = ""
    phone: str = ""
    date: dt.date = field(default_factory=dt.date.today)
    number_start: int | None = None  # --number-start: number from here, not the register
    application: dict[str, str] = field(default_factory=dict)  # grade → 建议：…
    publish_quota: Decimal = Decimal(1)  # [report] publish_quota: share to be published
    execution_weight: Decimal = Decimal(10)  # [score] execution_weight (the 公开表's 分值)

    @classmethod
    def from_config(cls, config, date: str | None = None, number_start: int | None = None
                    ) -> ReportSettings:
        section = config.section("report")
        raw_date = date or section.get("date")
        return cls(
            issuer=str(section.get("issuer") or "财政局"),
            doc_prefix=str(section.get("doc_prefix") or "财绩"),
            year=int(config.get("workspace.year") or dt.date.today().year),
            locality=str(config.get("workspace.locality") or ""),
            rectification_days=int(section.get("rectification_days") or 30),
            feedback_days=int(section.get("feedback_days") or 20),
            contact=str(section.get("contact") or ""),
            phone=str(section.get("phone") or ""),
            date=parse_date(raw_date) if raw_date else dt.date.today(),
            number_start=number_start,
            application={str(k): str(v)
                         for k, v in (config.get("score.application") or {}).items()},
            # the range of publish_quota is the config schema's (0–1), checked on loading
            publish_quota=Decimal(str(section.get("publish_quota", 1))),
            # the 公开表's 分值 of the execution rate: the rule pbm score applies
            execution_weight=_score_rules(config).execution_weight,
        )

    @property
    def deadline(self) -> dt.date:
        return self.date + dt.timedelta(days=self.rectification_days)

    def doc_number(self, sequence: int) -> str:
        """文号 such as 财绩〔2026〕3号 (a draft number; the register assigns the real one)."""
        return doc_number(self.doc_prefix, self.year, (self.number_start or 1) + sequence - 1)


def _score_rules(config):
    from pbm.scoring.rules import ScoreRules

    return ScoreRules.from_config(config.section("score"))


def parse_date(value: Any) -> dt.date:
    """2026-03-05, 2026/3/5 or 2026年3月5日 → a date; anything else stops with a clear error."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    import re

    match = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*",
                         str(value))
    if match:
        try:
            return dt.date(*(int(g) for g in match.groups()))
        except ValueError:
            pass
    raise PbmError("REPORT-BAD-DATE", value=str(value))


def chinese_date(day: dt.date) -> str:
    """公文 dates use Arabic numerals without leading zeros (GB/T 9704-2012 7.3.5.3)."""
    return f"{day.year}年{day.month}月{day.day}日"


# --------------------------------------------------------------------------- documents

@dataclass
class ChartRequest:
    """Data for one chart; drawn once in the parent process (see charts.py)."""

    kind: str                      # lights | grades | self_vs_recheck | rectification
    title: str
    data: list[tuple[Any, ...]]


@dataclass
class DocumentSpec:
    """One document to render: its file name (without suffix) and its context."""

    kind: str
    stem: str
    title: str
    context: dict[str, Any]
    charts: dict[str, ChartRequest] = field(default_factory=dict)
    department: str | None = None
    project: str | None = None
    #: The problems the letter sends for 限期整改, as the 整改台账 records them (project code,
    #: name, amount, file, sheet, cell, finding code, problem, required): not template data.
    issues: list[dict[str, str]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "title": self.title, "department": self.department,
                "project": self.project, "doc_number": self.context.get("doc_number")}


def base_context(kind: Kind, settings: ReportSettings, sequence: int) -> dict[str, Any]:
    """Keys every template may use, whatever its kind."""
    return {
        "kind_title": kind.title,
        "issuer": settings.issuer,
        "doc_number": settings.doc_number(sequence),
        "date": chinese_date(settings.date),
        "year": str(settings.year),
        "locality": settings.locality or "",
        "contact": settings.contact or DASH,
        "phone": settings.phone or DASH,
        "deadline": chinese_date(settings.deadline),
        "deadline_days": str(settings.rectification_days),
        "feedback_days": str(settings.feedback_days),
    }


# --------------------------------------------------------------------------- formatting

def money(value: Any) -> str:
    """万元 with two decimals (ROUND_HALF_UP), — when absent."""
    return decimal_text(number(value), thousands=True, dash=DASH)


def score(value: Any) -> str:
    return decimal_text(number(value), dash=DASH)


def rate_fraction(value: Any) -> Decimal | None:
    """An execution rate as a fraction: "93.25%" → 0.9325; 0.9325 → 0.9325; 93.25 → 0.9325.

    pbm writes rates as fractions with a percent format; a bare number above 5 can only be a
    percentage (no project spends five times its budget), so it is divided by 100.
    """
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().endswith("%"):
        return number(value)
    parsed = number(value)
    if parsed is None:
        return None
    return parsed / 100 if parsed > 5 else parsed


def _placeholder_row(columns: list[str], message: str = NONE_TEXT) -> dict[str, str]:
    """A table with no data keeps one row saying 无, so the printed table is never headless."""
    row = {column: "" for column in columns}
    row[columns[1] if len(columns) > 1 else columns[0]] = message
    return row


def numbered(rows: list[dict[str, Any]], columns: list[str]) -> list[dict[str, Any]]:
    for index, row in enumerate(rows, start=1):
        row["index"] = str(index)
    return rows or [_placeholder_row(["index", *columns])]


def _light(value: Any) -> str:
    raw = text(value)
    for zh, words in (("红", ("红", "red")), ("黄", ("黄", "yellow")), ("绿", ("绿", "green"))):
        if any(w in raw.lower() for w in words):
            return zh
    return raw or DASH


SEVERITY_ORDER = {"错误": 0, "error": 0, "警告": 1, "warning": 1, "提示": 2, "info": 2}


def _public(row: dict[str, Any]) -> dict[str, Any]:
    """A row without the exact numbers kept for totals (templates get formatted text)."""
    return {k: v for k, v in row.items() if not k.endswith("_value")}


# --------------------------------------------------------------------------- helpers

def _columns(workbook: OutputWorkbook, table: OutputTable | None, schema: OutputSheet,
             *keys: str, **renamed: str) -> dict[str, str | None]:
    """Column key → header text in ``table`` for the declared columns ``keys`` (and
    ``local=declared`` keys a builder names otherwise); None, with a warning, when absent."""
    wanted = {**{key: key for key in keys}, **renamed}
    return {local: workbook.need(table, schema, key) for local, key in wanted.items()}


def _about(workbook: OutputWorkbook, *, required: bool = True) -> dict[str, str]:
    """The 说明 sheet as 项目 → 内容."""
    return {text(r.get(ABOUT["label"])): text(r.get(ABOUT["value"]))
            for r in workbook.rows(ABOUT.sheet, required=required)}


def _get(row: dict[str, Any], header: str | None) -> Any:
    return row.get(header) if header else None


def warnings_of(workbook: OutputWorkbook) -> list[Finding]:
    """Findings about sheets/columns that were missing, each reported once."""
    seen, unique = set(), []
    for finding in workbook.findings:
        key = (finding.code, finding.file, finding.sheet, tuple(sorted(finding.params.items())))
        if key not in seen:
            seen.add(key)
            unique.append(finding)
    return unique

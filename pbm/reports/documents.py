"""The documents of one kind: which builder makes them, and which keys each kind's context has."""

from __future__ import annotations

from collections.abc import Callable

from pbm.reports.context import DocumentSpec, Kind, ReportSettings
from pbm.reports.goal_docs import build_goal_review
from pbm.reports.inputs import OutputWorkbook
from pbm.reports.monitor_docs import (
    build_monitor_feedback,
    build_monitor_notice,
    build_monitor_reminder,
)
from pbm.reports.publish_docs import build_publication
from pbm.reports.rectify_docs import build_rectify_notice
from pbm.reports.sample_docs import build_sample_notice
from pbm.reports.score_docs import build_evaluation_report, build_score_feedback, build_score_notice

# --------------------------------------------------------------------------- dispatch

Builder = Callable[..., list[DocumentSpec]]
BUILDERS: dict[str, Builder] = {
    "goal-review": build_goal_review,
    "monitor-feedback": build_monitor_feedback,
    "monitor-reminder": build_monitor_reminder,
    "monitor-notice": build_monitor_notice,
    "sample-notice": build_sample_notice,
    "score-feedback": build_score_feedback,
    "score-notice": build_score_notice,
    "evaluation-report": build_evaluation_report,
    "publish": build_publication,
    "rectify-notice": build_rectify_notice,
}


def build_documents(kind: Kind, sources: dict[str, OutputWorkbook], settings: ReportSettings
                    ) -> list[DocumentSpec]:
    """The documents of one kind from the workbooks read (keyed by source group)."""
    workbook = sources[kind.source]
    if kind.key == "evaluation-report":
        return build_evaluation_report(workbook, kind, settings, sources.get("sample"))
    return BUILDERS[kind.key](workbook, kind, settings)


def context_keys(kind: Kind) -> set[str]:
    """Every top-level key a kind's context provides (for the template pre-flight check)."""
    return set(_EXAMPLE_KEYS[kind.key])


_BASE = ["kind_title", "issuer", "doc_number", "date", "year", "locality", "contact", "phone",
         "deadline", "deadline_days", "feedback_days"]
_PROJECT = ["department", "unit", "project", "project_code", "evaluation_type",
            "evaluation_mode", "self_score",
            "total", "difference", "execution_score", "grade", "self_grade", "budget",
            "executed", "execution_rate", "problems", "problem_count", "rectification",
            "indicators", "application"]
_EXAMPLE_KEYS: dict[str, list[str]] = {
    "goal-review": _BASE + ["department", "project_count", "amount_total", "grade_summary",
                            "grade_excellent", "grade_good", "grade_fair", "grade_poor",
                            "issue_count", "issues_intro", "projects", "issues", "dimensions",
                            "actions", "resubmit_needed", "resubmission", "quantified_rate",
                            "core_coverage"],
    "monitor-feedback": _BASE + ["department", "period", "submission", "time_progress",
                                 "project_count",
                                 "budget_total", "executed_total", "execution_rate",
                                 "execution_note", "red", "yellow", "green", "projects",
                                 "problems", "problem_count", "has_problems", "action_needed",
                                 "measures"],
    "monitor-reminder": _BASE + ["department", "period", "executed_label"],
    "monitor-notice": _BASE + ["period", "time_progress", "department_count", "project_count",
                               "budget_total", "executed_total", "execution_rate",
                               "execution_note", "execution_rate_definition", "unreported_note",
                               "red", "yellow", "green", "departments", "red_projects",
                               "missing_departments", "missing_note", "problem_summary",
                               "lights_chart"],
    "sample-notice": _BASE + ["sample_size", "population", "eligible", "rate", "method", "seed",
                              "must_rules", "population_sha256", "amount_total",
                              "department_count", "projects", "departments", "materials"],
    "score-feedback": _BASE + _PROJECT,
    "score-notice": _BASE + ["project_count", "average_score", "grades", "grade_summary",
                             "projects", "inflated", "inflated_count", "applications",
                             "grade_chart", "score_chart"],
    "evaluation-report": _BASE + _PROJECT + ["sections", "conclusion"],
    "publish": ["kind_title", "year", "doc_number", "publication"],  # written by pbm, no template
    "rectify-notice": _BASE + ["as_of", "department_count", "issued", "replied", "closed",
                               "open", "overdue", "manual", "closed_rate", "stages",
                               "departments", "overdue_items", "overdue_note", "manual_note",
                               "rectify_chart"],
}

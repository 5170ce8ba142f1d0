"""What ``pbm monitor`` takes from the workspace besides the submissions: the period, the
approved goals (``--goals``, else ``out/goals-<year>.xlsx``, else ``goals/``), the roster and
the light rule — resolved once here for every command that re-runs monitoring (``pbm monitor``,
``pbm rectify --monitor``)."""

from __future__ import annotations

from pathlib import Path

from pbm.findings import Finding
from pbm.monitoring.project import MonitorContext


def monitor_context(config, folder: Path, *, period: str | None = None,
                    goals: Path | None = None, roster: Path | None = None,
                    rule: str | None = None) -> tuple[MonitorContext, Finding | None]:
    """The context ``folder``'s submissions are read in, and the M-NO-GOALS note when no
    approved goals were found."""
    from pbm.errors import PbmError
    from pbm.monitoring.departments import load_roster
    from pbm.monitoring.goals import find_default_goals, load_approved_goals
    from pbm.monitoring.lights import LightRule
    from pbm.monitoring.period import resolve_period
    from pbm.workbook.source import Limits

    folder = Path(folder)
    limits = Limits.from_config(config.section("limits"))
    resolved = resolve_period(period, folder if folder.is_dir() else folder.parent,
                              config.get("monitor.period_month", 9), config.year,
                              year_stated=config.states("workspace.year"))
    goals_path = goals if goals is not None else find_default_goals(config.workspace, config.year)
    approved = load_approved_goals(goals_path, config) if goals_path is not None else None
    goals_note = None
    if approved is None:
        where = "工作区 out/goals-<年度>.xlsx 和 goals/" if config.workspace else "未指定 --goals"
        goals_note = Finding("M-NO-GOALS", params={"where": where})
    roster_path = roster
    if roster_path is None and config.workspace is not None:
        candidate = config.workspace / "roster.xlsx"
        roster_path = candidate if candidate.is_file() else None
    elif roster_path is not None and not Path(roster_path).is_file():
        raise PbmError("R-NOT-FOUND", file=str(roster_path))
    context = MonitorContext(resolved, LightRule.from_config(config, rule), approved,
                             load_roster(roster_path, limits), limits,
                             config.get("goals.money_unit", "万元"))
    return context, goals_note

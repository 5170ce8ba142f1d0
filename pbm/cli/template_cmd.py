"""``pbm template KIND`` — blank workbooks for departments to fill in.

``goal`` and ``monitor`` live here; ``self-eval`` and ``evaluation`` are added by
:mod:`pbm.cli.score_cmd`.  Every kind takes its default output and ``--force`` from here: a
template lands in the workspace's ``templates/`` folder, which no review reads (a blank form
saved in ``goals/`` would be reviewed as a declaration), and never replaces an existing file
unless asked to — a department's filled form saved under the template's name is not lost.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

import typer

from pbm.cli import common
from pbm.cli.monitor_cmd import GOALS

HELP = """生成供部门填报的空白模板（目标申报表、监控表、评价评分表）。

默认写入工作区的 templates/ 文件夹（不在工作区时写入当前文件夹）；已存在的文件不覆盖，确需覆盖时加 --force。

\b
例：
  pbm template goal
  pbm template goal -o 下发/目标申报表.xlsx --force"""

GOAL_HELP = """绩效目标申报表（表单式，含下拉列表和填报说明）。

默认写入工作区 templates/绩效目标申报表.xlsx；部门填好交回后再放入 goals/ 审核。

\b
例：
  pbm template goal
  pbm template goal -o 目标申报表.xlsx --projects 3"""

MONITOR_HELP = """按批复的绩效目标为每个部门生成监控表（表单式，一个项目一个工作表），
项目、指标和年度指标值已预先填好并锁定，部门只需填写执行数、完成值、完成目标可能性等。

只生成审核等级为优、良的项目；未通过审核（中、差，已退回）的项目不生成，汇总中列出；一个也没有时不写出文件，退出码 2。加 --include-returned 时一并生成，标题注明“（目标未通过审核，已退回）”。年度指标值为模板占位符（如 ≥**人）的不预填。

\b
例：
  pbm template monitor --period Q3
  pbm template monitor --goals out/goals-2026.xlsx -o q3/blank/
  pbm template monitor --period Q3 --include-returned --force"""

template_app = typer.Typer(help=HELP, no_args_is_help=True)

# Taken by every template kind.
FORCE = typer.Option(False, "--force", help="覆盖已存在的输出文件（默认不覆盖，什么也不写）")
TEMPLATES_FOLDER = "templates"
_LISTED = 5  # existing files named in the refusal


def register(app: typer.Typer) -> None:
    app.add_typer(template_app, name="template")
    template_app.command("goal", help=GOAL_HELP)(goal)
    template_app.command("monitor", help=MONITOR_HELP)(template_monitor)


def template_output(output: Path | None, name: str, config) -> Path:
    """``-o`` as given, else ``templates/<name>`` in the workspace, else ``./<name>``."""
    if output is not None:
        return Path(output)
    if config.workspace is not None:
        return config.workspace / TEMPLATES_FOLDER / name
    return Path(name)


def refuse_overwrite(paths: Iterable[Path], force: bool) -> None:
    """Stop before writing anything (exit 2) when one of ``paths`` exists, unless ``--force``
    (the writers then replace it atomically); a folder is never replaced."""
    from pbm.errors import PbmError
    from pbm.workbook.read import display_path
    from pbm.workbook.writer import refuse_non_regular

    for path in paths:
        if Path(path).is_dir():
            raise PbmError("CLI-WRITE-FAILED", file=display_path(path), reason=common.t(
                "这是一个文件夹，请用 -o 给出文件名", "it is a folder; give a file name with -o"))
        refuse_non_regular(Path(path))  # a pipe or a device: --force would not help either
    if force:
        return
    existing = [display_path(p) for p in paths if Path(p).exists()]
    if existing:
        listed = ", ".join(existing[:_LISTED])
        if len(existing) > _LISTED:
            listed += f" …(+{len(existing) - _LISTED})"
        raise PbmError("CLI-OUTPUT-EXISTS", files=listed)


def written_line(path: Path) -> str:
    from pbm.workbook.read import display_path

    return common.t(f"已生成 {display_path(path)}", f"written {display_path(path)}")


@common.handle_errors
def goal(
    output: Path | None = typer.Option(
        None, "-o", "--output", help="输出文件（默认：工作区 templates/绩效目标申报表.xlsx，否则当前文件夹）"),
    projects: int = typer.Option(1, "--projects", min=1, max=50, help="项目工作表个数"),
    rows: int = typer.Option(12, "--rows", min=3, max=60, help="每个项目预留的指标行数"),
    force: bool = FORCE,
    lang: str | None = common.LANG,
    workspace: Path | None = common.WORKSPACE,
) -> None:
    """Write the blank goal-declaration workbook."""
    config = common.load_config()
    output = template_output(output, "绩效目标申报表.xlsx", config)
    refuse_overwrite([output], force)
    write_goal_template(output, projects=projects, rows=rows, year=config.year)
    common.stderr_console().print(written_line(output))


def write_goal_template(output: Path, *, projects: int = 1, rows: int = 12, year: int = 2026) -> Path:
    from pbm.workbook.forms import GoalFormWriter, ProjectSpec, write_instructions
    from pbm.workbook.writer import build_xlsx

    def build(workbook):
        writer = GoalFormWriter(workbook)
        for index in range(projects):
            sheet = workbook.add_worksheet(f"项目{index + 1}")
            writer.write(sheet, ProjectSpec(year=year), blank_rows=rows, validation=True)
        write_instructions(workbook)

    build_xlsx(output, build)
    return output


@common.handle_errors
def template_monitor(
    goals: Path | None = GOALS,
    output: Path | None = typer.Option(
        None, "-o", "--output", help="输出文件夹（默认：工作区 templates/monitor-blank/，否则 ./monitor-blank/）"),
    period: str | None = typer.Option(None, "--period", help="监控期间：2026-09、Q3、9（默认取输出文件夹名，再取 pbm.toml）"),
    include_returned: bool = typer.Option(
        False, "--include-returned", help="未通过审核（中、差）的项目也生成，标题注明已退回"),
    force: bool = FORCE,
    quiet: bool = common.QUIET,
    lang: str | None = common.LANG,
    workspace: Path | None = common.WORKSPACE,
) -> None:
    """Write one pre-filled monitoring workbook per department, of the approved goals."""
    from rich.text import Text

    from pbm.errors import PbmError
    from pbm.monitoring.approval import review_grades
    from pbm.monitoring.departments import load_roster
    from pbm.monitoring.goals import find_default_goals, load_approved_goals
    from pbm.monitoring.period import resolve_period
    from pbm.monitoring.template import plan_monitor_templates, write_monitor_templates
    from pbm.workbook.read import display_path
    from pbm.workbook.source import Limits

    config = common.load_config()
    output = template_output(output, "monitor-blank", config)
    goals_path = goals if goals is not None else find_default_goals(config.workspace, config.year)
    if goals_path is None:
        raise PbmError("CLI-USAGE", reason=common.t(
            "请用 --goals 指定批复的绩效目标（out/goals-<年度>.xlsx 或目标申报表文件夹）",
            "pass --goals (out/goals-<year>.xlsx or a folder of goal workbooks)"))
    if not Path(goals_path).exists():
        raise PbmError("R-NOT-FOUND", file=str(goals_path))
    resolved = resolve_period(period, output, config.get("monitor.period_month", 9), config.year)
    roster = None
    if config.workspace is not None and (config.workspace / "roster.xlsx").is_file():
        roster = load_roster(config.workspace / "roster.xlsx",
                             Limits.from_config(config.section("limits")))
    approved = load_approved_goals(goals_path, config)
    plan = plan_monitor_templates(approved, review_grades(goals_path, config), output, resolved,
                                  roster, include_returned=include_returned)
    refuse_overwrite(plan.paths, force)
    written = write_monitor_templates(plan)
    console = common.stderr_console()
    console.print(common.t(
        f"已为 {len(written)} 个部门生成 {resolved.label_zh} 监控表（{len(plan.projects)} 个项目）：{display_path(output)}",
        f"wrote {len(written)} monitoring workbooks ({len(plan.projects)} projects) for "
        f"{resolved.label} to {display_path(output)}"))
    for finding in plan.findings():
        hint = finding.hint(common.STATE.lang)
        line = Text(finding.code, style="yellow")
        line.append(f" {finding.location()}: {finding.message(common.STATE.lang)}"
                    + (f" — {hint}" if hint else ""))
        console.print(line)
    if common.STATE.quiet:
        return
    for path in written:
        console.print(f"  {display_path(path)}")

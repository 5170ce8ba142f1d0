"""``pbm validate PATH…`` — goal review (绩效目标审核)."""

from __future__ import annotations

from pathlib import Path

import typer

from pbm.cli import common

HELP = """审核绩效目标申报表：逐单元格检查 G1–G13、结构、事前评估和权重，给出审核等级和审核意见。

同时写出已审核目标清单 out/goals-<年度>.xlsx（供 monitor、sample 使用）。

\b
例：
  pbm validate goals.xlsx
  pbm validate goals/ --annotate          # 生成带批注的退回稿
  pbm validate goals/ --format json > 结果.json

\b
退出码：
  0  无错误
  1  发现错误（--strict 时警告也算）
  2  文件无法读取或用法错误"""


def register(app: typer.Typer) -> None:
    app.command("validate", help=HELP)(validate)


@common.handle_errors
@common.bulk_data
def validate(
    paths: list[Path] = typer.Argument(..., help="目标申报工作簿或文件夹"),
    fmt: str = common.format_option("table", "json"),
    annotate: bool = typer.Option(False, "--annotate", help="写出带颜色和批注的工作簿副本及问题清单"),
    strict: bool = common.STRICT,
    out: Path | None = common.OUT,
    show: int = typer.Option(20, "--show", help="终端中每个项目最多显示的问题数"),
    history: list[Path] | None = typer.Option(
        None, "--history", help="往年工作区的 out 文件夹（可重复；默认取 pbm.toml [indicators] history）："
                                "目标低于上年实际或上年目标的指标给出警告"),
    core: Path | None = typer.Option(None, "--core", help="核心指标库工作簿（默认取 pbm.toml [indicators] core_library）"),
    quiet: bool = common.QUIET,
    lang: str | None = common.LANG,
    workspace: Path | None = common.WORKSPACE,
) -> None:
    from pbm.goals.rules import ReviewSettings
    from pbm.workbook.source import Limits

    config = common.load_config()
    settings = ReviewSettings.from_config(config)
    limits = Limits.from_config(config.section("limits"))
    library = _library(config, history, core, limits)
    result = _run(paths, settings, limits, fmt, config.year, library)
    outputs: list[Path] = []
    if any(f.error is None for f in result.files):
        outputs = _write_outputs(config, config.out_dir(out), result, annotate, limits)
    common.conclude_check(result, outputs, fmt, strict, lambda: _render(result, outputs, show))


def _write_outputs(config, out_dir: Path, result, annotate: bool, limits) -> list[Path]:
    """The goal list and, with ``--annotate``, the annotated copies — one output set, written
    into a staging folder inside ``out/`` and published only once all of it is written: a
    failure or a kill mid-run leaves the previous list and copies as they were, never a new
    list beside old copies.  A run that rebuilds ``goals-<year>.xlsx`` replaces the whole
    ``annotated/`` folder (a copy of a file now clean is removed); a 单独检查 run only adds
    its own copies.  Copies that could not be made are G-NOT-ANNOTATED warnings, added to the
    run's findings after the list was written (the list is the same with or without
    ``--annotate``)."""
    from pbm.goals.output import goal_list_sheets
    from pbm.workbook.writer import (
        check_targets,
        discard,
        output_lock,
        publish,
        staging_folder,
        write_xlsx,
    )

    with output_lock(out_dir):
        target = _goal_list_target(config, out_dir, result)
        staging = staging_folder(out_dir, "validate")
        try:
            write_xlsx(staging / target.name,
                       goal_list_sheets(result, common.command_line(), common.STATE.lang))
            # (a sheet too long for Excel is written beside it, and published with it)
            copies, skipped = _annotate(result, staging / "annotated", limits,
                                        _workspace_goals(config)) if annotate else ([], [])
            # everything is written: every target checked before the first rename (a list
            # that cannot be placed must not leave new copies beside the old list), then the
            # renames, the copies first
            check_targets(staging, out_dir)
            whole = target.name == f"goals-{config.year}.xlsx"
            if copies or (annotate and (out_dir / "annotated").exists()):
                check_targets(staging / "annotated", out_dir / "annotated")
                copies = publish(staging / "annotated", out_dir / "annotated",
                                 (".xlsx", ".xlsm") if whole else ())
            listed = publish(staging, out_dir)
        finally:
            discard(staging)
    result.findings.extend(skipped)
    return [*sorted(listed, key=lambda path: path.name != target.name), *copies]


def _goal_list_target(config, out_dir: Path, result) -> Path:
    """``goals-<year>.xlsx`` — the approved goal list monitor and sample read — unless this run
    checked only part of a workspace's goals/ while a list built from all of it exists: then
    the list of this run goes beside it (``goals-<year>-单独检查.xlsx``) and the approved list
    is left as it was (re-checking one resubmitted file must not drop every other department)."""
    target = out_dir / f"goals-{config.year}.xlsx"
    if config.workspace is None or not target.exists():
        return target
    from pbm.workbook.read import iter_workbook_files

    goals = config.workspace / "goals"
    every = {path.resolve() for path in iter_workbook_files([goals])} if goals.is_dir() else set()
    checked = {Path(read.path).resolve() for read in result.files}
    if every <= checked:
        return target  # every file of goals/ was checked (goals/, goals/*.xlsx, the workspace)
    partial = out_dir / f"goals-{config.year}-单独检查.xlsx"
    common.stderr_console().print(common.t(
        f"本次只检查了部分文件：批复目标清单 {target.name} 未改动，本次结果写入 {partial.name}"
        f"（更新清单请运行 pbm validate goals/）",
        f"only some files were checked: the approved goal list {target.name} is left as it was; "
        f"this run's list is {partial.name} (to update the list, run pbm validate goals/)"))
    return partial


def _library(config, history, core, limits):
    """The library the goals are checked against (last year's lines, the core library), None
    when neither --history/--core nor pbm.toml [indicators] names one."""
    from pbm.library.checks import LibraryContext

    return LibraryContext.from_config(config, limits, core=core, history=history)


def _run(paths, settings, limits, fmt, year, library=None):
    from pbm.goals.review import validate_paths

    if common.STATE.quiet or fmt == "json":
        return validate_paths(paths, settings, limits, year=year, library=library)
    from pbm.workbook.read import iter_workbook_files

    files = iter_workbook_files(paths)  # listed once: the count for the bar, then the files
    with common.file_progress("读取工作簿", "reading workbooks", len(files)) as advance:
        return validate_paths(files, settings, limits, progress=advance, year=year,
                              library=library)


def _workspace_goals(config) -> list[Path]:
    """Every workbook of the workspace's goals/ (none outside a workspace)."""
    from pbm.workbook.read import iter_workbook_files

    goals = config.workspace / "goals" if config.workspace is not None else None
    return iter_workbook_files([goals]) if goals is not None and goals.is_dir() else []


def _annotate(result, folder: Path, limits, every: list[Path]) -> tuple[list[Path], list]:
    """The annotated copies, written into ``folder``; (the copies, a G-NOT-ANNOTATED finding
    for each workbook that could not be copied).  A copy's name is numbered over ``every``
    workbook of the workspace's goals/ and then this run's others, so a file's copy has the
    same name whether all of goals/ or that file alone was checked: rechecking goals/b/目标.xlsx
    never overwrites the copy of goals/a/目标.xlsx."""
    from pbm.goals.annotate import NotAnnotated, annotate_workbook
    from pbm.workbook.writer import make_folder, unique_stems

    by_file: dict[str, list] = {}
    for finding in result.findings:
        by_file.setdefault(finding.file, []).append(finding)
    chosen = []
    for read in result.files:
        if read.error is not None:
            continue
        source = read.path
        if source.suffix.lower() not in (".xlsx", ".xlsm"):
            continue  # openpyxl cannot copy .xls/.csv faithfully; findings are in goals-<year>.xlsx
        findings = by_file.get(read.file, [])
        if not any(f.severity in ("error", "warning") for f in findings):
            continue  # nothing to send back for this file
        chosen.append((read.file, source, findings))
    # one copy per input: goals/a/目标.xlsx and goals/b/目标.xlsx are 目标-审核意见 and -2
    order = list(dict.fromkeys([path.resolve() for path in every] +
                               [Path(source).resolve() for _, source, _ in chosen]))
    names = dict(zip(order, unique_stems([path.stem + "-审核意见" for path in order])))
    make_folder(folder)
    copies, skipped = [], []
    for file, source, findings in chosen:
        stem = names[Path(source).resolve()]
        try:
            copies.append(annotate_workbook(source, findings, folder / (stem + source.suffix.lower()),
                                            common.STATE.lang, limits))
        except NotAnnotated as reason:
            skipped.append(reason.finding(file))
    return copies, skipped


SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}
GRADE_STYLE = {"优": "bold green", "良": "green", "中": "yellow", "差": "bold red"}


def _render(result, outputs: list[Path], show: int) -> None:
    from rich.table import Table
    from rich.text import Text

    from pbm.workbook.department import shown_name

    console = common.stdout_console()
    lang = common.STATE.lang
    sev = {"error": common.t("错误", "error"), "warning": common.t("警告", "warning"),
           "info": common.t("提示", "info")}
    file_level: dict[str, list] = {}
    for finding in result.findings:
        if finding.project is None:
            file_level.setdefault(finding.file, []).append(finding)
    reviews_by_file: dict[str, list] = {}
    for review in result.reviews:
        reviews_by_file.setdefault(review.record.file, []).append(review)
    for read in result.files:
        if read.error is not None:
            continue  # already said on stderr
        file_findings = file_level.get(read.file, [])
        reviews = reviews_by_file.get(read.file, [])
        console.print(Text(f"\n■ {read.file}", style="bold"))
        file_findings = [f for f in file_findings
                         if f.severity != "info" or not common.STATE.quiet]
        for finding in file_findings[:common.TERMINAL_LINES]:
            console.print(Text(f"  {sev[finding.severity]} {finding.sheet or ''} "
                               f"{finding.cell or ''} [{finding.code}] {finding.message(lang)}",
                               style=SEVERITY_STYLE[finding.severity]))
        if len(file_findings) > common.TERMINAL_LINES:
            more = len(file_findings) - common.TERMINAL_LINES
            console.print(common.t(f"  … 另有 {more} 条，见输出工作簿“问题”表",
                                   f"  … {more} more in the output workbook"))
        listed = reviews
        if len(reviews) > common.TERMINAL_LINES:
            # A province's workbook has thousands of projects: the terminal lists the ones
            # that need work, worst first; every project is in the workbook's 项目 sheet.
            order = {"差": 0, "中": 1, "良": 2}
            listed = sorted((r for r in reviews if r.grade in order),
                            key=lambda r: order[r.grade])[:common.TERMINAL_LINES]
        for review in listed:
            counts = {s: sum(1 for f in review.findings if f.severity == s)
                      for s in ("error", "warning")}
            name = shown_name(review.record.name or "（未填项目名称）", review.record.subject)
            head = Text(f"  ▸ {review.record.sheet} · {name}  ")
            head.append(common.t(f"审核等级 {review.grade}", f"grade {review.grade}"),
                        style=GRADE_STYLE[review.grade])
            head.append(f"  {sev['error']} {counts['error']} · {sev['warning']} {counts['warning']}")
            console.print(head)
            if common.STATE.quiet:
                continue
            shown = [f for f in review.findings if f.severity != "info"][:show]
            for finding in shown:
                console.print(Text(f"     {sev[finding.severity]:<3} {finding.cell or '—':<6} "
                                   f"[{finding.code}] {finding.message(lang)}",
                                   style=SEVERITY_STYLE[finding.severity]))
            hidden = len([f for f in review.findings if f.severity != "info"]) - len(shown)
            if hidden > 0:
                console.print(common.t(f"     … 另有 {hidden} 个问题，见输出工作簿“问题”表",
                                       f"     … {hidden} more in the output workbook"))
        if len(listed) < len(reviews):
            more = len(reviews) - len(listed)
            console.print(common.t(
                f"  … 另有 {more} 个项目未逐个列出（共 {len(reviews)} 个，只列出最需修改的），"
                f"见输出工作簿“项目”表",
                f"  … {more} more projects not listed ({len(reviews)} in all; the ones needing "
                f"most work are listed), see the output workbook's 项目 sheet"))
    summary = result.summary()
    table = Table(title=common.t("审核汇总", "review summary"))
    for column in (common.t("文件", "files"), common.t("项目", "projects"),
                   common.t("指标", "indicators"), sev["error"], sev["warning"], "优", "良", "中", "差"):
        table.add_column(column, justify="right")
    grades = summary["grades"]
    table.add_row(str(summary["files"]), str(summary["projects"]), str(summary["indicators"]),
                  str(summary["errors"]), str(summary["warnings"]),
                  *(str(grades[g]) for g in ("优", "良", "中", "差")))
    console.print(table)
    _render_rates(result, console)
    for path in outputs:
        console.print(common.t("已写出 ", "written ") + str(path))


def _render_rates(result, console) -> None:
    """指标量化率 and 核心指标覆盖率: the overall line, and one per department (up to the
    terminal's lines) unless --quiet."""
    from pbm.values import percent_text as percent

    rates = result.rates()
    if not result.reviews:
        return
    rows = rates[-1:] if common.STATE.quiet or len(rates) == 2 else \
        rates[:-1][:common.TERMINAL_LINES] + rates[-1:]
    for row in rows:
        console.print(common.t(
            f"{row.scope}：指标量化率 {percent(row.quantified_rate)}（{row.quantified}/"
            f"{row.indicators}），核心指标覆盖率 项目 {percent(row.core_project_rate)}"
            f"（{row.core_projects}/{row.projects}）、资金 {percent(row.core_budget_rate)}",
            f"{'total' if row.scope == '合计' else row.scope}: quantified "
            f"{percent(row.quantified_rate)} ({row.quantified}/{row.indicators}), core "
            f"indicators: projects {percent(row.core_project_rate)} "
            f"({row.core_projects}/{row.projects}), money {percent(row.core_budget_rate)}"))

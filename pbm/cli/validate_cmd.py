"""``pbm validate PATH…`` — goal review (绩效目标审核)."""

from __future__ import annotations

from pathlib import Path

import typer

from pbm.cli import common
from pbm.errors import PbmError

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
    quiet: bool = common.QUIET,
    lang: str | None = common.LANG,
    workspace: Path | None = common.WORKSPACE,
) -> None:
    from pbm.goals.output import goal_list_sheets
    from pbm.goals.rules import ReviewSettings
    from pbm.workbook.source import Limits
    from pbm.workbook.writer import output_lock, write_xlsx

    config = common.load_config()
    settings = ReviewSettings.from_config(config)
    limits = Limits.from_config(config.section("limits"))
    result = _run(paths, settings, limits, fmt, config.year)
    out_dir = config.out_dir(out)
    outputs: list[Path] = []
    readable = [f for f in result.files if f.error is None]
    if readable:
        with output_lock(out_dir):
            target = _goal_list_target(config, out_dir, result)
            write_xlsx(target, goal_list_sheets(result, common.command_line(), common.STATE.lang))
            outputs.append(target)
            if annotate:
                outputs.extend(_annotate(result, out_dir))
    common.conclude_check(result, outputs, fmt, strict, lambda: _render(result, outputs, show))


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


def _run(paths, settings, limits, fmt, year):
    from pbm.goals.review import validate_paths

    if common.STATE.quiet or fmt == "json":
        return validate_paths(paths, settings, limits, year=year)
    from pbm.workbook.read import iter_workbook_files

    files = iter_workbook_files(paths)  # listed once: the count for the bar, then the files
    with common.file_progress("读取工作簿", "reading workbooks", len(files)) as advance:
        return validate_paths(files, settings, limits, progress=advance, year=year)


def _annotate(result, out_dir: Path) -> list[Path]:
    from pbm.goals.annotate import annotate_workbook
    from pbm.workbook.writer import unique_stems

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
        chosen.append((source, findings))
    # one copy per input: goals/a/目标.xlsx and goals/b/目标.xlsx are 目标-审核意见 and -2
    stems = unique_stems([source.stem + "-审核意见" for source, _ in chosen])
    written = []
    for (source, findings), stem in zip(chosen, stems):
        target = out_dir / "annotated" / (stem + source.suffix.lower())
        try:
            written.append(annotate_workbook(source, findings, target, common.STATE.lang))
        except PbmError:
            raise  # the output could not be written (CLI-WRITE-FAILED): stop, as for any output
        except Exception as error:  # openpyxl cannot read or write back a file calamine read
            from pbm.values import utf8_text

            reason = utf8_text(f"{type(error).__name__}: {error}")[:200]
            common.stderr_console().print(common.labelled(common.t("警告", "warning"), common.t(
                f"{source.name}: 未能生成带批注的副本（{reason}）；审核结果不受影响",
                f"{source.name}: no annotated copy written ({reason}); the review stands"),
                style="yellow"))
    return written


SEVERITY_STYLE = {"error": "bold red", "warning": "yellow", "info": "dim"}
GRADE_STYLE = {"优": "bold green", "良": "green", "中": "yellow", "差": "bold red"}


def _render(result, outputs: list[Path], show: int) -> None:
    from rich.table import Table
    from rich.text import Text

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
            head = Text(f"  ▸ {review.record.sheet} · {review.record.name or '（未填项目名称）'}  ")
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
    for path in outputs:
        console.print(common.t("已写出 ", "written ") + str(path))

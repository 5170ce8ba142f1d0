"""``pbm monitor DIR`` — merge a quarter's monitoring submissions (双监控).  Its pre-filled
templates, ``pbm template monitor``, are in :mod:`pbm.cli.template_cmd`."""

from __future__ import annotations

from pathlib import Path

import typer

from pbm.cli import common

HELP = """合并一个季度各部门报送的绩效运行监控表：计算执行率和红黄绿灯，检查 M1–M4、零支出、
超预算、与批复目标的偏离、漏报/重报/名册外部门，并用台账核对每一行的去向。

写出 out/monitor-<期间>.xlsx（汇总、项目、指标、问题、台账、说明）。

\b
例：
  pbm monitor q3/                       # 期间取文件夹名：q3 → 1-9月
  pbm monitor 报送/ --period 2026-07     # 或 --period Q3
  pbm monitor q3/ --format json > 监控.json
  pbm monitor q3/ --format parquet      # 另写出 项目/指标 表，供 DuckDB、Spark 使用

\b
退出码：
  0  无错误
  1  发现错误（如 M1–M4）
  2  文件夹为空、文件都无法读取或用法错误"""

# Taken by monitor and by template monitor.
GOALS = typer.Option(None, "--goals", help="批复目标：out/goals-<年度>.xlsx 或目标申报表文件夹（默认工作区的）")


def register(app: typer.Typer) -> None:
    app.command("monitor", help=HELP)(monitor)


@common.handle_errors
@common.bulk_data
def monitor(
    folder: Path = typer.Argument(..., help="本期各部门监控表所在文件夹（含子文件夹）"),
    period: str | None = typer.Option(None, "--period", help="监控期间：2026-09、Q3、9（默认取文件夹名，再取 pbm.toml）"),
    goals: Path | None = GOALS,
    roster: Path | None = typer.Option(None, "--roster", help="部门名册 roster.xlsx（默认工作区的）"),
    rule: str | None = typer.Option(None, "--rule", help="执行灯规则 ratio | points（默认 pbm.toml）"),
    fmt: str = common.format_option("table", "json", "csv", "parquet"),
    out: Path | None = common.OUT,
    detail: str = typer.Option("auto", "--detail", help="指标/台账明细：auto | xlsx | parquet（auto：超过 20 万行另存 Parquet）"),
    engine: str = typer.Option("auto", "--engine", help="工作簿写出：auto | xlsxwriter | rust（rust 需安装 rustpy-xlsxwriter）"),
    jobs: int = typer.Option(2, "--jobs", min=1, max=16, help="并行读取数（文件多时为进程，否则为线程）"),
    quiet: bool = common.QUIET,
    lang: str | None = common.LANG,
    workspace: Path | None = common.WORKSPACE,
) -> None:
    from pbm.errors import ExitStatus, PbmError
    from pbm.workbook.writer import output_lock, staged_outputs

    common.check_choice("--detail", detail, ("auto", "xlsx", "parquet"))
    common.check_choice("--engine", engine, ("auto", "xlsxwriter", "rust"))
    common.check_choice("--rule", rule, ("ratio", "points"))
    config = common.load_config()
    result = run_monitor(config, folder, period=period, goals=goals, roster=roster, rule=rule,
                         jobs=jobs, show_progress=not (common.STATE.quiet or fmt == "json"))
    if not result.readable:
        if fmt == "json":  # scripts can always parse stdout: the result, with no outputs
            data = result.to_dict(common.STATE.lang)
            data["outputs"] = []
            common.print_json(data)
        _render_unreadable(result)
        raise typer.Exit(int(ExitStatus.BAD_INPUT))
    from pbm.monitoring.output import write_outputs
    from pbm.workbook.fastwrite import available

    if engine == "rust" and not available():
        raise PbmError("CLI-USAGE", reason=common.t("--engine rust 需要安装 rustpy-xlsxwriter",
                                                    "--engine rust needs rustpy-xlsxwriter"))
    out_dir = config.out_dir(out)
    # The workbook and its tables are one set: all of them replace the last run's, or none.
    with output_lock(out_dir), staged_outputs(out_dir) as staged:
        outputs = write_outputs(result, staged.folder, command=common.command_line(),
                                preset=config.preset, lang=common.STATE.lang,
                                table_format=fmt if fmt in ("csv", "parquet") else None,
                                detail=detail, engine=engine).moved(staged.final)
    if fmt == "json":
        data = result.to_dict(common.STATE.lang)
        data["outputs"] = [str(p) for p in outputs.all()]
        common.print_json(data)
    else:
        _render(result, outputs.all())
    if result.summary()["errors"]:
        raise typer.Exit(int(ExitStatus.FINDINGS))


def run_monitor(config, folder: Path, *, period: str | None = None, goals: Path | None = None,
                roster: Path | None = None, rule: str | None = None, jobs: int = 2,
                show_progress: bool = False):
    """Resolve the options against the workspace and run the library (no printing)."""
    from pbm.errors import PbmError
    from pbm.monitoring.merge import monitor_files
    from pbm.monitoring.workspace import monitor_context
    from pbm.workbook.read import display_path, iter_workbook_files

    folder = Path(folder)
    if not folder.exists():
        raise PbmError("R-NOT-FOUND", file=str(folder))
    files = iter_workbook_files([folder])
    if not files:
        raise PbmError("M-NO-FILES", file=str(folder))
    context, goals_note = monitor_context(config, folder, period=period, goals=goals,
                                          roster=roster, rule=rule)
    with common.file_progress("读取监控表", "reading submissions", len(files),
                              show=show_progress) as advance:
        return monitor_files(files, context, folder=display_path(folder), goals_note=goals_note,
                             workers=jobs, progress=advance)


LIGHT_STYLE = {"red": "bold red", "yellow": "yellow", "green": "green"}


def _render_unreadable(result) -> None:
    from rich.text import Text

    console = common.stderr_console()
    for finding in result.findings:
        if finding.severity == "error":
            console.print(Text(f"✗ {finding.file}: {finding.message(common.STATE.lang)}",
                               style="bold red"))
    console.print(common.t(f"错误：{len(result.files)} 个文件都无法读取，未生成监控结果",
                           f"error: none of the {len(result.files)} files could be read"))


def _render(result, outputs: list[Path]) -> None:
    from collections import Counter

    from rich.table import Table
    from rich.text import Text

    from pbm.values import decimal_text

    console = common.stdout_console()
    lang = common.STATE.lang
    summary = result.summary()
    period = result.period
    console.print(Text(common.t(
        f"监控期间 {period.label_zh}（{period.source}），序时进度 "
        f"{period.time_progress * 100:.2f}%，规则 {result.context.rule.rule}",
        f"period {period.label} ({period.source}), time progress {period.month}/12, "
        f"rule {result.context.rule.rule}"), style="bold"))
    table = Table(title=common.t("部门汇总", "departments"))
    for column, justify in ((common.t("编码", "code"), "left"), (common.t("主管部门", "department"), "left"),
                            (common.t("状态", "status"), "left"), (common.t("项目", "projects"), "right"),
                            (common.t("预算(万元)", "budget"), "right"),
                            (common.t("执行(万元)", "executed"), "right"),
                            (common.t("执行率", "rate"), "right"), ("红", "right"), ("黄", "right"),
                            ("绿", "right"), (common.t("错误", "errors"), "right")):
        table.add_column(column, justify=justify)
    departments = result.departments
    if len(departments) > common.TERMINAL_LINES:
        # A province has thousands of departments: list the ones to act on first (not
        # submitted, then most red projects, then lowest execution rate).
        departments = sorted(departments, key=lambda d: (
            d.status != "未报送", -d.lights["red"], -d.lights["yellow"],
            d.execution_rate if d.execution_rate is not None else 2))[:common.TERMINAL_LINES]
    for d in departments:
        rate = d.execution_rate
        status_style = "bold red" if d.status == "未报送" else "yellow" if d.status == "名册外" else ""
        table.add_row(d.code, d.name, Text(d.status + (common.t("（有重报）", " (dup)") if d.superseded else ""),
                                           style=status_style),
                      str(d.projects), decimal_text(d.budget, thousands=True),
                      decimal_text(d.executed, thousands=True),
                      "" if rate is None else decimal_text(rate * 100) + "%",
                      Text(str(d.lights["red"]), style="red" if d.lights["red"] else ""),
                      Text(str(d.lights["yellow"]), style="yellow" if d.lights["yellow"] else ""),
                      Text(str(d.lights["green"]), style="green" if d.lights["green"] else ""),
                      str(d.errors))
    console.print(table)
    if len(departments) < len(result.departments):
        more = len(result.departments) - len(departments)
        console.print(common.t(
            f"  … 另有 {more} 个部门未逐个列出（共 {len(result.departments)} 个，先列未报送和红灯多的），"
            f"见输出工作簿“汇总”表",
            f"  … {more} more departments not listed ({len(result.departments)} in all; missing "
            f"and most-red first), see the output workbook's 汇总 sheet"))
    lights = summary["lights"]
    line = Text(common.t("项目灯色：", "project lights: "))
    line.append(f"红 {lights['red']}", style=LIGHT_STYLE["red"])
    line.append("  ")
    line.append(f"黄 {lights['yellow']}", style=LIGHT_STYLE["yellow"])
    line.append("  ")
    line.append(f"绿 {lights['green']}", style=LIGHT_STYLE["green"])
    if summary["projects_unlit"]:
        line.append(common.t(f"  未亮灯 {summary['projects_unlit']}", f"  unlit {summary['projects_unlit']}"))
    line.append(common.t(f"  （{summary['projects']} 个项目，{summary['indicators']} 个指标，"
                         f"未形成支出 {summary['zero_spend']} 个）",
                         f"  ({summary['projects']} projects, {summary['indicators']} indicators, "
                         f"{summary['zero_spend']} without expenditure)"))
    console.print(line)
    console.print(common.t(
        f"台账：读入非空行 {summary['rows_in']} = 合并 {summary['rows_merged']} + 拒收 "
        f"{summary['rows_rejected']} + 非数据 {summary['rows_non_data']}  ✓ 已核对平衡",
        f"ledger: {summary['rows_in']} rows in = {summary['rows_merged']} merged + "
        f"{summary['rows_rejected']} rejected + {summary['rows_non_data']} non-data  ✓ balanced"))
    if summary["missing_departments"]:
        console.print(Text(common.t("未报送：", "missing: ") + "、".join(summary["missing_department_names"]),
                           style="bold red"))
    codes = Counter((f.code, f.severity) for f in result.findings)
    examples: dict[tuple[str, str], object] = {}
    for finding in result.findings:
        examples.setdefault((finding.code, finding.severity), finding)
    if codes:
        findings_table = Table(title=common.t("问题", "findings"))
        findings_table.add_column(common.t("代码", "code"))
        findings_table.add_column(common.t("严重程度", "severity"))
        findings_table.add_column(common.t("个数", "count"), justify="right")
        findings_table.add_column(common.t("示例", "example"))
        sev = {"error": common.t("错误", "error"), "warning": common.t("警告", "warning"),
               "info": common.t("提示", "info")}
        order = {"error": 0, "warning": 1, "info": 2}
        for (code, severity), count in sorted(codes.items(), key=lambda item: (order[item[0][1]], item[0][0])):
            if severity == "info" and common.STATE.quiet:
                continue
            example = examples[(code, severity)]
            where = " ".join(p for p in (Path(example.file).name if example.file else "",
                                         example.sheet, example.cell) if p)
            text = f"{example.message(lang)}（{where}）" if where else example.message(lang)
            findings_table.add_row(code, Text(sev[severity], style={"error": "bold red", "warning": "yellow",
                                                                     "info": "dim"}[severity]),
                                   str(count), Text(text[:90]))
        console.print(findings_table)
    for path in outputs:
        console.print(common.t("已写出 ", "written ") + str(path))


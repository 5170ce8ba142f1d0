"""``pbm report [KIND…]`` — the Word documents a finance bureau sends."""

from __future__ import annotations

from pathlib import Path

import typer

from pbm.cli import common

HELP = """生成文书：从 pbm 的输出工作簿（out/goals-、monitor-、sample-、scores-*.xlsx）生成 Word 文书，写入 out/reports/<类型>/，每个部门或项目一份，另有总体通报。

审核意见书、监控反馈书、评价结果反馈书中要求限期整改的问题，逐条记入整改台账 out/rectification.xlsx（问题编号固定；重新生成时保留已有行和回复，只增不减），由 pbm rectify 跟踪复核。

文书类型 KIND（不写则生成输出工作簿允许的全部类型，publish 公开表除外，须指定；也可写 goals / monitor / sample / score）：

\b
  goal-review        绩效目标审核意见书（每个主管部门一份，来自 pbm validate）
  monitor-feedback   绩效监控情况反馈书（每个主管部门一份，来自 pbm monitor）
  monitor-notice     监控情况通报（总体，含各部门红黄绿灯图）
  sample-notice      抽评名单通知（来自 pbm sample）
  score-feedback     绩效评价结果反馈书（每个项目一份，来自 pbm score）
  score-notice       评价结果通报（总体，含等级分布图、自评与复核对比图）
  evaluation-report  绩效评价报告框架（按国家参考提纲，附评分表）
  publish            项目支出绩效自评公开表（决算公开用：xlsx 含目录、每项目一个工作表，docx 每项目一张表；
                     公开单位自评得分，不含 pbm 复核数据和个人信息；只在指定时生成）
  rectify-notice     整改情况通报（总体，来自整改台账 out/rectification.xlsx）

发文机关、文号前缀、整改期限、联系人、发文日期取自 pbm.toml 的 [report]；发文机关仍为示例或未填联系人、联系电话时给出警告（--strict 时不生成）。

文号：全工作区按前缀和年度统一编号，记入 out/history/文号.csv 发文登记簿；不同类型、不同批次的文书不重号，重新生成同一文书（同类型、同部门、同项目）沿用原文号；--number-start 从指定序号起重新编号。

渲染前检查模板：数据中没有的占位符（含循环项中拼错的字段，如 q.mesage）、未知的过滤器、被 Word 拆分的占位符、语法错误、不是 Word 文档的模板都会停止运行（退出码 2，不写任何文件）。输入工作簿缺少所需工作表等原因导致一份文书也生成不了时，同样以退出码 2 结束，原有文书保持不变。

\b
例：
  pbm report --format docx
  pbm report monitor-feedback
  pbm report score-feedback --template 我的反馈书模板.docx
  pbm report --format html                # 同样内容，用于网页或邮件
  pbm report --check                      # 只检查模板
  pbm report --format json > 文书.json"""


def register(app: typer.Typer) -> None:
    app.command("report", help=HELP)(report)


@common.handle_errors
def report(
    kinds: list[str] | None = typer.Argument(None, help="文书类型（见上），可多个；默认全部"),
    fmt: str = common.format_option("docx", "md", "html", "json",
                                    note="（json：生成 docx 并输出 JSON 汇总）"),
    json_summary: bool = typer.Option(False, "--json", help="同时在标准输出打印 JSON 汇总（用于 md/html）"),
    template: Path | None = typer.Option(None, "--template", help="自定义模板（.docx，或 md/html 用的文本模板）；需指定一个 KIND"),
    inputs: list[Path] | None = typer.Option(None, "--input", help="指定输出工作簿（可多次），如 out/monitor-2026-06.xlsx"),
    out: Path | None = common.OUT,
    date: str | None = typer.Option(None, "--date", help="发文日期，如 2026-03-05（默认取 pbm.toml 或今天）"),
    number_start: int | None = typer.Option(None, "--number-start", min=1, help="文号起始序号（默认接续 out/history/文号.csv 发文登记簿）"),
    check: bool = typer.Option(False, "--check", help="只检查模板和数据，不生成文件"),
    processes: int = typer.Option(2, "--processes", min=1, max=16, help="并行进程数"),
    strict: bool = common.STRICT,
    quiet: bool = common.QUIET,
    lang: str | None = common.LANG,
    workspace: Path | None = common.WORKSPACE,
) -> None:
    from pbm.errors import PbmError
    from pbm.reports.context import ReportSettings, resolve_kinds
    from pbm.reports.inputs import find_sources, source_group_of
    from pbm.reports.report import render_reports
    from pbm.workbook.writer import output_lock

    as_json = fmt == "json" or json_summary
    doc_format = "docx" if fmt == "json" else fmt
    for path in inputs or []:
        if not path.is_file():
            raise PbmError("R-NOT-FOUND", file=str(path))
        if source_group_of(path) is None:
            raise PbmError("CLI-USAGE", reason=(f"--input {path.name}: 文件名应以 goals-、monitor-、"
                                                f"sample- 或 scores- 开头 / the file name must "
                                                f"start with goals-, monitor-, sample- or scores-"))
    config = common.load_config()
    settings = ReportSettings.from_config(config, date=date, number_start=number_start)
    chosen = resolve_kinds(kinds)
    out_dir = config.out_dir(out)
    sources = find_sources(out_dir, settings.year, inputs or [])
    if out is not None:  # also read what earlier commands wrote to the workspace's own out/
        for group, path in find_sources(config.out_dir(None), settings.year).items():
            sources.setdefault(group, path)
    reports_dir = out_dir / "reports"

    def run(progress=None):
        return render_reports(chosen, sources, reports_dir, settings, fmt=doc_format,
                              template=template, explicit=bool(kinds), processes=processes,
                              check_only=check, strict=strict, progress=progress)

    if check:
        result = run()
    else:
        with output_lock(out_dir):  # one run writes an out/ at a time, whatever the command
            result = _with_progress(run, as_json)
    if as_json:
        common.print_json(result.to_dict(common.STATE.lang))
    else:
        _render(result)


def _with_progress(run, as_json: bool):
    if common.STATE.quiet or as_json:
        return run()
    from rich.progress import Progress

    # No refresh thread (auto_refresh=False): the letters are rendered in forked processes,
    # and a fork must not copy a lock another thread holds.
    with Progress(console=common.stderr_console(), transient=True, auto_refresh=False) as progress:
        def start(label: str, total: int):
            task = progress.add_task(label, total=total)
            progress.refresh()

            def tick() -> None:
                progress.advance(task)
                progress.refresh()

            return tick

        return run(start)


def _render(result) -> None:
    from rich.table import Table

    from pbm.reports.context import KINDS

    console = common.stdout_console()
    common.print_findings(result.findings, with_cell=False, with_hint=True)
    table = Table(title=common.t("模板检查", "templates checked") if result.checked_only
                  else common.t("已生成文书", "documents written"))
    table.add_column(common.t("类型", "kind"))
    table.add_column(common.t("文书", "document"))
    table.add_column(common.t("份数", "files"), justify="right")
    table.add_column(common.t("位置", "folder") if not result.checked_only
                     else common.t("模板", "template"))
    for key, count in result.kinds.items():
        where = result.templates.get(key, "") if result.checked_only else \
            str(result.out_dir / key) if result.out_dir else ""
        table.add_row(key, KINDS[key].title, str(count), where)
    console.print(table)
    if result.publication is not None:
        console.print(result.publication.line(common.STATE.lang), markup=False, highlight=False)
    if result.ledger is not None:
        console.print(common.t(f"整改台账：{result.ledger}（pbm rectify 读取整改回复并复核）",
                               f"rectification ledger: {result.ledger} (pbm rectify reads the "
                               f"replies and re-checks)"), markup=False, highlight=False)
    if result.checked_only:
        warned = sum(1 for f in result.findings if f.severity == "warning")
        if warned:
            console.print(common.t(f"模板可以使用，有 {warned} 条警告（见上），未写出文件。",
                                   f"templates usable, {warned} warning(s) above; nothing written."))
        else:
            console.print(common.t("模板检查通过，未写出文件。", "templates OK; nothing written."))

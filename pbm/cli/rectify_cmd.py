"""``pbm rectify [REPLIES…] [--goals DIR] [--monitor DIR] [--self-eval DIR]`` — 整改台账 and
回头看."""

from __future__ import annotations

from pathlib import Path

import typer

from pbm.cli import common

HELP = """整改回头看：读取各部门交回的整改回复，复核重报的申报表、监控表和自评表，更新整改台账 out/rectification.xlsx。

整改台账由 pbm report 在发出绩效目标审核意见书、绩效监控情况反馈书、绩效评价结果反馈书时写出：每个要求限期整改的问题一行，问题编号固定不变。部门在“整改措施”“完成情况”“佐证材料”三列填写后交回（可只交回“整改台账”工作表，可调整顺序、删除无关行）。

按问题编号对应回复；台账中已有的回复不被覆盖，不一致的第二份回复记入“回复记录”并提示；台账中没有的编号给出提示（文件、工作表、行号）。

重报的工作簿由 pbm 自己复核：--goals 目标申报表按 pbm validate 的规则重新审核，--monitor 监控表按 pbm monitor 合并、亮灯、检查（用工作区的批复目标和部门名册），--self-eval 自评表按 pbm score 评分并复核；每个问题在原位置（文件、工作表、单元格、问题代码；没有单元格的按项目和问题代码）核实：

\b
  已整改（已核实）  原位置问题已消除
  整改中            问题仍在，未过整改期限
  逾期未整改        问题仍在（或未回复）且已过整改期限
  需人工核实        原工作表或项目已不在、同类问题出现在其他单元格，或重报文件无法读取
  已回复待核实      已回复，尚无重报文件可核实（或该问题无法由重报文件核实，见“核实情况”）
  待整改            未回复，未过整改期限

\b
例：
  pbm rectify replies/
  pbm rectify replies/ --goals goals/
  pbm rectify replies/ --monitor q3-重报/ --self-eval self-eval-重报/
  pbm rectify --goals goals/ --today 2026-05-01 --format json

\b
退出码：
  0  无错误
  1  有逾期未整改的问题（--strict 时警告也算）
  2  缺少整改台账、文件无法读取或用法错误"""


def register(app: typer.Typer) -> None:
    app.command("rectify", help=HELP)(rectify)


@common.handle_errors
def rectify(
    replies: list[Path] | None = typer.Argument(None, help="整改回复工作簿或文件夹"),
    goals: list[Path] | None = typer.Option(None, "--goals", help="重报的目标申报表（文件或文件夹，可多次）"),
    monitor: list[Path] | None = typer.Option(None, "--monitor", help="重报的监控表（文件或文件夹，可多次）"),
    self_eval: list[Path] | None = typer.Option(None, "--self-eval", help="重报的自评表（文件或文件夹，可多次）"),
    period: str | None = typer.Option(None, "--period", help="重报监控表的监控期间：2026-09、Q3、9（默认同 pbm monitor：文件夹名，再取 pbm.toml）"),
    today: str | None = typer.Option(None, "--today", help="按此日期判断是否逾期，如 2026-05-01（默认今天）"),
    fmt: str = common.format_option("table", "json"),
    strict: bool = common.STRICT,
    out: Path | None = common.OUT,
    quiet: bool = common.QUIET,
    lang: str | None = common.LANG,
    workspace: Path | None = common.WORKSPACE,
) -> None:
    import datetime as dt

    from pbm.errors import ExitStatus, PbmError
    from pbm.rectify.check import run_rectify
    from pbm.reports.context import parse_date

    if period and not monitor:
        raise PbmError("CLI-USAGE", reason=common.t(
            "--period 是重报监控表的监控期间，须与 --monitor 同用",
            "--period is the period of the resubmitted monitoring tables: use it with --monitor"))
    for path in [*(replies or []), *(goals or []), *(monitor or []), *(self_eval or [])]:
        if not path.exists():
            raise PbmError("R-NOT-FOUND", file=str(path))
    config = common.load_config()
    day = parse_date(today) if today else dt.date.today()
    result = run_rectify(config.out_dir(out), list(replies or []), list(goals or []), config,
                         day, common.command_line(), monitor=list(monitor or []),
                         self_eval=list(self_eval or []), period=period)
    if fmt == "json":
        common.print_json(result.to_dict(common.STATE.lang))
    else:
        _render(result)
    summary = result.summary()
    if summary["errors"] or (strict and summary["warnings"]):
        raise typer.Exit(int(ExitStatus.FINDINGS))


def _render(result) -> None:
    from rich.table import Table
    from rich.text import Text

    console = common.stdout_console()
    common.print_findings(result.findings)
    table = Table(title=common.t("整改情况", "rectification status"))
    for zh, en in (("主管部门", "department"), ("下发问题", "issued"), ("已回复", "replied"),
                   ("已整改（已核实）", "verified closed"), ("未销号", "open"),
                   ("逾期未整改", "overdue"), ("需人工核实", "to check by hand")):
        table.add_column(common.t(zh, en), justify="left" if zh == "主管部门" else "right")
    for entry in result.departments():
        table.add_row(Text(common.escape_controls(entry["department"])),
                      *(str(entry[key]) for key in ("issued", "replied", "closed", "open",
                                                    "overdue", "manual")))
    summary = result.summary()
    table.add_row(common.t("合计", "total"),
                  *(str(summary[key]) for key in ("issued", "replied", "closed", "open",
                                                  "overdue", "manual")))
    console.print(table)
    if not common.STATE.quiet:
        console.print(common.t(f"已更新 {result.out}（整改状态见“整改台账”，回复见“回复记录”）",
                               f"updated {result.out}"), markup=False, highlight=False)

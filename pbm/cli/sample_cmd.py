"""``pbm sample`` — reproducible, stratified spot-check sampling (抽评);
``pbm sample plan`` / ``pbm sample evaluate`` — attribute-sampling sizes and limits."""

from __future__ import annotations

from pathlib import Path

import typer

from pbm.cli import common

sample_app = typer.Typer(no_args_is_help=False, invoke_without_command=True)

HELP = """抽评抽样：从项目清单中按比例、分层、必选规则抽取评价项目，可复现、可审计。

默认总体为工作区最新的项目清单（out/monitor-*.xlsx，其次 out/goals-<年度>.xlsx）。整改抽查复核：--from out/rectification.xlsx 以整改台账的“整改项目”工作表为总体（每个项目一行，含问题数、已整改、逾期未整改、需人工核实等列，可用于 --must），写出 out/sample-<年度>-整改复核.xlsx，不替换当年抽评记录，也不参与下一年度轮换。

写出 out/sample-<年度>.xlsx（样本、分层、说明：种子、选项、总体 SHA-256、复现命令），并记入 out/history/（下一年度轮换时排除）。--out 只改变写出位置：默认总体和轮换记录仍取工作区 out/。

金额为空或无法识别的项目按“无金额”保留并警告；重复的项目编码只保留一行并警告（指明两行）；金额为 0 的项目不纳入抽样范围（提示）。每条都指明文件、工作表和单元格。

\b
例：
  pbm sample --rate 0.1
  pbm sample --rate 0.1 --must "金额>=500" --must "灯色==红" --strata 主管部门 --seed 2026
  pbm sample --from 项目清单.xlsx --method pps --coverage 0.3
  pbm sample --from out/rectification.xlsx --rate 0.2 --must "逾期未整改>0"
  pbm sample plan --confidence 0.95 --tolerable 0.05 --expected 0.01
  pbm sample evaluate --n 60 --deviations 1"""

PLAN_HELP = """属性抽样样本量（二项、泊松、超几何），与审计抽样标准表一致。

\b
例：
  pbm sample plan --confidence 0.95 --tolerable 0.05 --expected 0.01"""

EVALUATE_HELP = """根据样本量和发现的偏差数，计算总体偏差率上限。

\b
例：
  pbm sample evaluate --n 60 --deviations 1"""


def register(app: typer.Typer) -> None:
    app.add_typer(sample_app, name="sample", help=HELP)


@sample_app.callback(invoke_without_command=True)
@common.handle_errors
@common.bulk_data
def sample(
    ctx: typer.Context,
    rate: float | None = typer.Option(None, "--rate", callback=common.finite, help="抽取比例 (0,1]，默认取 pbm.toml（0.10）"),
    minimum: int | None = typer.Option(None, "--min", help="最少抽取项目数"),
    must: list[str] | None = typer.Option(None, "--must", help="必选规则，可多次：\"金额>=500\"、\"灯色==红\""),
    strata: list[str] | None = typer.Option(None, "--strata", help="分层列（可多次）；“类别”表示 A/B/C 金额类别"),
    method: str | None = typer.Option(None, "--method", help="random | systematic | pps"),
    coverage: float | None = typer.Option(None, "--coverage", callback=common.finite, help="按金额补足到该覆盖率，如 0.3"),
    seed: int | None = typer.Option(None, "--seed", help="随机种子（不指定则随机生成并记录）"),
    source: Path | None = typer.Option(None, "--from", help="项目清单工作簿（默认工作区最新清单）"),
    exclude: list[Path] | None = typer.Option(None, "--exclude",
                                                 help="上年抽样记录（默认 out/history/ 中上一年度的记录）"),
    fmt: str = common.format_option("table", "json"),
    out: Path | None = common.OUT,
    quiet: bool = common.QUIET,
    lang: str | None = common.LANG,
    workspace: Path | None = common.WORKSPACE,
) -> None:
    if ctx.invoked_subcommand is not None:
        return
    from pbm.errors import ExitStatus
    from pbm.sampling.record import run_sample

    config = common.load_config()
    outcome = run_sample(config, rate=rate, minimum=minimum, must=must, strata=strata,
                         method=method, coverage=coverage, seed=seed, source=source,
                         exclude=exclude, out=out, command=common.command_line())
    if fmt == "json":
        common.print_json(outcome.to_dict(common.STATE.lang))
    else:
        _render(outcome)
    if any(f.severity == "error" for f in outcome.findings):
        raise typer.Exit(int(ExitStatus.FINDINGS))


def _render(outcome) -> None:
    from rich.table import Table

    from pbm.values import decimal_text

    result = outcome.result
    console = common.stdout_console()
    table = Table(title=common.t("分层分配", "allocation by stratum"))
    for column in (common.t("分层", "stratum"), common.t("总体", "population"),
                   common.t("随机池", "random pool"), common.t("必选", "mandatory"),
                   common.t("应抽(精确)", "exact quota"), common.t("分配", "allocated"),
                   common.t("抽中", "drawn")):
        table.add_column(column, justify="right")
    for s in result.allocation:
        table.add_row(s.stratum, str(s.population), str(s.eligible_random), str(s.mandatory),
                      decimal_text(s.quota_exact), str(s.allocated), str(s.drawn + s.topped_up))
    console.print(table)
    summary = result.to_dict()["summary"]
    console.print(common.t(
        f"总体 {summary['population']} 个，符合条件 {summary['eligible']} 个，必选 {summary['mandatory']} 个，"
        f"样本 {summary['sample_size']} 个；随机种子 {result.seed}"
        + ("（自动生成，已记录）" if result.seed_was_drawn else ""),
        f"population {summary['population']}, eligible {summary['eligible']}, mandatory "
        f"{summary['mandatory']}, sample {summary['sample_size']}; seed {result.seed}"))
    if not common.STATE.quiet:
        listing = Table(title=common.t("样本", "sample"))
        for column in ("#", common.t("项目编码", "code"), common.t("项目名称", "name"),
                       common.t("主管部门", "department"), common.t("金额(万元)", "amount"),
                       common.t("分层", "stratum"), common.t("抽中原因", "reason")):
            listing.add_column(column)
        for index, item in enumerate(result.sample, 1):
            listing.add_row(str(index), item.code, item.name, item.department,
                            decimal_text(item.amount, thousands=True, dash=""), item.stratum,
                            item.reason)
        console.print(listing)
    shown = [f for f in outcome.findings if not (common.STATE.quiet and f.severity == "info")]
    labels = {"error": common.t("错误", "error"), "warning": common.t("警告", "warning"),
              "info": common.t("提示", "note")}
    for finding in shown[:common.TERMINAL_LINES]:
        where = finding.location()
        console.print(f"{labels.get(finding.severity, finding.severity)}: "
                      f"{where + ': ' if where else ''}{finding.message(common.STATE.lang)}",
                      style="yellow" if finding.severity != "info" else None,
                      markup=False, highlight=False)
    if len(shown) > common.TERMINAL_LINES:
        console.print(common.t(f"……另有 {len(shown) - common.TERMINAL_LINES} 条（--format json 列出全部）",
                               f"… {len(shown) - common.TERMINAL_LINES} more (--format json lists all)"))
    console.print(common.t("已写出 ", "written ") + str(outcome.output))
    console.print(common.t("复现命令：", "reproduce with: ") + outcome.reproduce)


# The options sample plan and sample evaluate share.
CONFIDENCE = typer.Option("0.95", "--confidence", help="置信水平，如 0.95")
POPULATION = typer.Option(None, "--population", help="总体数量（超几何法必填）")
PLAN_METHOD = typer.Option("binomial", "--method", help="binomial | poisson | hypergeometric")


@sample_app.command("plan", help=PLAN_HELP)
@common.handle_errors
def plan(
    confidence: str = CONFIDENCE,
    tolerable: str = typer.Option(..., "--tolerable", help="可容忍偏差率，如 0.05"),
    expected: str = typer.Option("0", "--expected", help="预计偏差率，如 0.01"),
    population: int | None = POPULATION,
    method: str = PLAN_METHOD,
    fmt: str = common.format_option("table", "json"),
    lang: str | None = common.LANG,
) -> None:
    from pbm import __version__
    from pbm.sampling.planning import plan_sample_size

    result = plan_sample_size(confidence, tolerable, expected, population=population, method=method)
    if fmt == "json":
        common.print_json({"command": "sample plan", "pbm_version": __version__,
                           "summary": result.to_dict(), "findings": []})
        return
    typer.echo(common.t(
        f"样本量 {result.sample_size}（{method}，置信水平 {confidence}，可容忍偏差率 {tolerable}，"
        f"预计偏差率 {expected}，允许偏差数 {result.planned_deviations}）",
        f"sample size {result.sample_size} ({method}, confidence {confidence}, tolerable {tolerable}, "
        f"expected {expected}, planned deviations {result.planned_deviations})"))


@sample_app.command("evaluate", help=EVALUATE_HELP)
@common.handle_errors
def evaluate(
    n: int = typer.Option(..., "--n", help="样本量"),
    deviations: int = typer.Option(..., "--deviations", help="发现的偏差数"),
    confidence: str = CONFIDENCE,
    population: int | None = POPULATION,
    method: str = PLAN_METHOD,
    fmt: str = common.format_option("table", "json"),
    lang: str | None = common.LANG,
) -> None:
    from pbm import __version__
    from pbm.sampling.planning import evaluate as evaluate_sample

    result = evaluate_sample(n, deviations, confidence, population=population, method=method)
    if fmt == "json":
        common.print_json({"command": "sample evaluate", "pbm_version": __version__,
                           "summary": result.to_dict(), "findings": []})
        return
    data = result.to_dict()
    typer.echo(common.t(
        f"偏差率上限 {data.get('upper_limit_percent', data['upper_limit'])}"
        f"（{method}，n={n}，偏差 {deviations}，置信水平 {confidence}）",
        f"upper deviation limit {data.get('upper_limit_percent', data['upper_limit'])} "
        f"({method}, n={n}, deviations {deviations}, confidence {confidence})"))

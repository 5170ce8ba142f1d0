"""``pbm score PATH…`` — scoring, grading and rechecking (评分/评级/复核).

Also adds ``pbm template self-eval`` and ``pbm template evaluation --framework NAME`` to the
template command group.  The work is done by :mod:`pbm.scoring.batch`; this module parses
options, shows progress on stderr, renders the result and sets the exit status.
"""

from __future__ import annotations

from pathlib import Path

import typer

from pbm.cli import common
from pbm.cli.template_cmd import FORCE, refuse_overwrite, template_output, written_line

HELP = """评分、评级与复核：重新计算单位自评表每项指标、预算执行率和总分，评定等级，逐项核对单位自评得分，汇总多方评价。

输入可以是文件或文件夹，表单式和清单式自评表可以混放；含“评价组/评价人”的评分表（pbm template evaluation 生成）自动识别为多方评价，按项目汇总各评价组得分。

写出 out/scores-<年度>.xlsx：项目得分、指标得分、复核差异、等级分布、结果应用建议、说明。

\b
例：
  pbm score self-eval/
  pbm score self-eval/ 第三方评价.xlsx --framework national
  pbm score self-eval/ --format json > 复核结果.json
  pbm score 汇总/ --aggregate            # 同一项目多个单位分别填报时，另给出汇总得分

\b
退出码：
  0  无错误
  1  发现错误（--strict 时警告也算）
  2  文件无法读取或用法错误"""

EVALUATION_TEMPLATE_HELP = """评价评分表：按指标体系框架生成一级/二级/三级指标、分值和评分要点，每位评价人填写一张。

\b
--framework 可填：
  national        内置框架：决策、过程、产出、效益
  four-dimension  内置框架：资金管理、项目管理、产出效益、满意度
  department      内置框架（部门整体）：运行成本、管理效率、履职效能、社会效应、服务对象满意度
  <文件>.toml     自定义框架文件

\b
例：
  pbm template evaluation --framework national -o 评分表.xlsx
  pbm template evaluation --framework four-dimension --project 农村公路日常养护 --evaluator 财政/张三 --evaluator 第三方/李四"""

SELF_EVAL_TEMPLATE_HELP = """项目支出绩效自评表（表单式：资金表、年度总体目标、绩效指标、总分；或清单式）。

\b
例：
  pbm template self-eval -o 自评表.xlsx --projects 3"""


def register(app: typer.Typer) -> None:
    from pbm.cli.template_cmd import template_app

    app.command("score", help=HELP)(score)
    template_app.command("evaluation", help=EVALUATION_TEMPLATE_HELP)(evaluation_template)
    template_app.command("self-eval", help=SELF_EVAL_TEMPLATE_HELP)(self_eval_template)


@common.handle_errors
@common.bulk_data
def score(
    paths: list[Path] | None = typer.Argument(
        None, help="自评表、评分表或文件夹（默认：工作区的 self-eval/）"),
    fmt: str = common.format_option("table", "json"),
    out: Path | None = common.OUT,
    framework: str | None = typer.Option(
        None, "--framework", help="核对评分表所用的指标体系框架：national | four-dimension | department | 框架 .toml"),
    evaluation: list[Path] | None = typer.Option(
        None, "--evaluation", help="多方评价评分表工作簿（可重复；放在 PATH 中也会自动识别）"),
    reverse_rule: str | None = typer.Option(
        None, "--reverse-rule", help="反向指标计分：R1 比值法 | R2 线性扣减法（默认取 pbm.toml）"),
    tolerance: float | None = typer.Option(
        None, "--tolerance", min=0, callback=common.finite, help="自评分高于复核分超过该分值视为虚高（默认取 pbm.toml）"),
    aggregate: bool = typer.Option(
        False, "--aggregate", help="同一项目由多个单位分别填报时，按资金加权汇总后另行计分"),
    strict: bool = common.STRICT,
    show: int = typer.Option(10, "--show", min=0, help="终端中显示差异最大的项目/指标个数"),
    quiet: bool = common.QUIET,
    lang: str | None = common.LANG,
    workspace: Path | None = common.WORKSPACE,
) -> None:
    from pbm.errors import PbmError
    from pbm.scoring.groups import group_weights_from_config
    from pbm.scoring.rules import ScoreRules
    from pbm.workbook.source import Limits
    from pbm.workbook.writer import output_lock, staged_outputs, write_xlsx

    if reverse_rule is not None and reverse_rule.strip().upper() not in ("R1", "R2"):
        raise PbmError("CLI-USAGE", reason=f"--reverse-rule {reverse_rule}: R1 | R2")
    config = common.load_config(overrides={
        "score.reverse_rule": reverse_rule.strip().upper() if reverse_rule else None,
        "score.tolerance": tolerance})
    section = config.section("score")
    rules = ScoreRules.from_config(section)
    group_weights = group_weights_from_config(section.get("group_weights"))
    application = section.get("application") or None
    limits = Limits.from_config(config.section("limits"))
    inputs = list(paths or []) + list(evaluation or [])
    if not inputs:
        default = config.workspace / "self-eval" if config.workspace is not None else None
        if default is None or not default.is_dir():
            raise PbmError("CLI-USAGE", reason=common.t(
                "请给出自评表或评分表（文件或文件夹），例如 pbm score self-eval/",
                "give self-evaluation or scoring workbooks (files or folders), "
                "e.g. pbm score self-eval/"))
        inputs = [default]
    reference = None
    reference_findings = []
    if framework:
        from pbm.scoring.frameworks import load_framework, validate_framework

        reference = load_framework(framework)
        reference_findings = validate_framework(reference, rules)

    run = _run(inputs, rules, limits, group_weights, reference, aggregate, config.year, fmt)
    run.findings[:0] = reference_findings
    outputs: list[Path] = []
    if any(read.error is None for read in run.files):
        from pbm.scoring.output import score_sheets

        out_dir = config.out_dir(out)
        with output_lock(out_dir), staged_outputs(out_dir) as staged:
            sheets = score_sheets(run, common.command_line(), preset=config.preset,
                                  application=application, lang=common.STATE.lang)
            apart: list[Path] = []
            workbook = write_xlsx(staged.folder / f"scores-{config.year}.xlsx", sheets, apart=apart)
            outputs.extend(map(staged.final, [workbook, *apart]))
    common.conclude_check(run, outputs, fmt, strict, lambda: _render(run, outputs, show))


def _run(inputs, rules, limits, group_weights, reference, aggregate, year, fmt):
    from pbm.scoring.batch import score_paths

    options = dict(group_weights=group_weights, framework=reference, aggregate=aggregate,
                   year=year)
    if common.STATE.quiet or fmt == "json":
        return score_paths(inputs, rules, limits, **options)
    from pbm.workbook.read import iter_workbook_files

    files = iter_workbook_files(inputs)  # listed once: the count for the bar, then the files
    with common.file_progress("读取并评分", "reading and scoring", len(files)) as advance:
        return score_paths(files, rules, limits, progress=advance, **options)


GRADE_STYLE = {"优": "bold green", "良": "green", "中": "yellow", "差": "bold red"}


def _d(value) -> str:
    from pbm.values import decimal_text

    return decimal_text(value)


def _shown(inp) -> str:
    """A project as the terminal names it; a 部门整体 self-evaluation with its mark."""
    from pbm.workbook.department import shown_name

    return shown_name(inp.name or inp.sheet, inp.subject)


def _render(run, outputs: list[Path], show: int) -> None:
    from rich.table import Table
    from rich.text import Text

    from pbm.values import decimal_text

    console = common.stdout_console()
    t = common.t
    summary = run.summary()
    bands = list(summary["grades"])

    table = Table(title=t("评分汇总", "scoring summary"))
    for column in (t("文件", "files"), t("项目", "projects"), t("指标", "indicators"),
                   t("自评虚高", "inflated"), t("错误", "errors"), t("警告", "warnings")):
        table.add_column(column, justify="right")
    table.add_row(str(summary["files"]), str(summary["projects"]), str(summary["indicators"]),
                  str(summary["inflated_projects"]), str(summary["errors"]),
                  str(summary["warnings"]))
    console.print(table)

    grades = Table(title=t("等级分布", "grade distribution"))
    grades.add_column(t("等级", "grade"))
    grades.add_column(t("复核", "recomputed"), justify="right")
    grades.add_column(t("自评", "claimed"), justify="right")
    for band in bands:
        grades.add_row(Text(band, style=GRADE_STYLE.get(band, "")), str(summary["grades"][band]),
                       str(summary["claimed_grades"].get(band, 0)))
    console.print(grades)
    if common.STATE.quiet:
        for path in outputs:
            console.print(t("已写出 ", "written ") + str(path))
        return

    largest = run.largest_differences(show)
    if largest:
        diff = Table(title=t("自评与复核差异最大的项目", "largest differences (projects)"))
        for column in (t("项目", "project"), t("主管部门", "department"), t("自评总分", "claimed"),
                       t("复核总分", "recomputed"), t("差异", "difference"),
                       t("复核等级", "grade"), t("问题", "findings")):
            diff.add_column(column)
        for project in largest:
            ps = project.score
            codes = sorted({f.code for f in project.findings if f.severity != "info"})
            diff.add_row(_shown(project.input), project.input.department,
                         _d(ps.claimed_total), _d(ps.total), decimal_text(ps.difference, sign=True),
                         Text(ps.grade or "—", style=GRADE_STYLE.get(ps.grade or "", "")),
                         " ".join(codes))
        console.print(diff)
    lines = sorted(((p, s) for p in run.projects for s in p.score.indicators
                    if s.difference is not None and s.difference != 0),
                   key=lambda item: (-abs(item[1].difference), item[0].input.file,
                                     item[0].input.sheet, item[1].indicator.row))
    if lines and show:
        table = Table(title=t("差异最大的指标", "largest differences (indicators)"))
        for column in (t("项目", "project"), t("指标", "indicator"), t("单元格", "cell"),
                       t("自评", "claimed"), t("复核", "recomputed"), t("差异", "difference")):
            table.add_column(column)
        for project, line in lines[:show]:
            ind = line.indicator
            table.add_row(_shown(project.input), ind.name,
                          ind.cell("score") or "", _d(ind.claimed),
                          _d(line.recomputed), decimal_text(line.difference, sign=True))
        console.print(table)
    if run.evaluations:
        groups = list(run.group_weights)
        table = Table(title=t("多方评价", "multi-party evaluation"))
        table.add_column(t("项目", "project"))
        for group in groups:
            table.add_column(group, justify="right")
        for column in (t("综合得分", "combined"), t("等级", "grade"), t("组间极差", "spread"),
                       t("异常评分人", "outliers")):
            table.add_column(column)
        for evaluation in run.evaluations:
            means = evaluation.groups.group_means
            table.add_row(evaluation.project, *(_d(means.get(g)) for g in groups),
                          _d(evaluation.combined),
                          Text(evaluation.grade or "—",
                               style=GRADE_STYLE.get(evaluation.grade or "", "")),
                          _d(evaluation.groups.spread),
                          "、".join(f"{o.group}·{o.evaluator}" for o in evaluation.groups.outliers))
        console.print(table)
    for path in outputs:
        console.print(t("已写出 ", "written ") + str(path))


# --------------------------------------------------------------------------- templates

@common.handle_errors
def evaluation_template(
    framework: str = typer.Option("national", "--framework",
                                  help="national | four-dimension | department | 框架 .toml 文件"),
    output: Path | None = typer.Option(
        None, "-o", "--output", help="输出文件（默认：工作区 templates/绩效评价评分表.xlsx，否则当前文件夹）"),
    project: str | None = typer.Option(None, "--project", help="预填项目名称"),
    evaluator: list[str] | None = typer.Option(
        None, "--evaluator", help="预填评价组/评价人，如 财政/张三（可重复，每人一张评分表）"),
    force: bool = FORCE,
    lang: str | None = common.LANG,
    workspace: Path | None = common.WORKSPACE,
) -> None:
    """Write the scoring sheet of a framework (one sheet per evaluator)."""
    from pbm.errors import ExitStatus
    from pbm.scoring.forms import EvaluationSheetSpec, write_evaluation_workbook
    from pbm.scoring.frameworks import load_framework, validate_framework
    from pbm.scoring.groups import group_weights_from_config
    from pbm.scoring.rules import ScoreRules

    config = common.load_config()
    output = template_output(output, "绩效评价评分表.xlsx", config)
    section = config.section("score")
    fw = load_framework(framework)
    groups = list(group_weights_from_config(section.get("group_weights")))
    specs, names = [], []
    for entry in evaluator or []:
        group, _, person = entry.replace("／", "/").partition("/")
        specs.append(EvaluationSheetSpec(project=project, group=group.strip() or None,
                                         evaluator=person.strip() or None))
        names.append(_sheet_name(f"{group.strip()}-{person.strip()}".strip("-"), names))
    if not specs:
        specs, names = [EvaluationSheetSpec(project=project)], ["评分表"]
    refuse_overwrite([output], force)
    write_evaluation_workbook(output, fw, specs, sheet_names=names, validation=True,
                              groups=groups)
    console = common.stderr_console()
    console.print(written_line(output) + common.t(
        f"（{fw.title or fw.name}，{len(fw.indicators)} 项三级指标，{len(specs)} 张评分表）",
        f" ({fw.name}, {len(fw.indicators)} indicators, {len(specs)} sheet(s))"))
    problems = validate_framework(fw, ScoreRules.from_config(section))
    for finding in problems:
        console.print(common.labelled(finding.code, finding.message(common.STATE.lang),
                                      "yellow"))
    if any(f.severity == "error" for f in problems):
        raise typer.Exit(int(ExitStatus.FINDINGS))


def _sheet_name(text: str, taken: list[str]) -> str:
    import re

    name = re.sub(r"[\[\]:*?/\\]", "_", text)[:28] or "评分表"
    candidate, counter = name, 2
    while candidate in taken:
        candidate = f"{name[:26]}{counter}"
        counter += 1
    return candidate


@common.handle_errors
def self_eval_template(
    output: Path | None = typer.Option(
        None, "-o", "--output", help="输出文件（默认：工作区 templates/项目支出绩效自评表.xlsx，否则当前文件夹）"),
    projects: int = typer.Option(1, "--projects", min=1, max=50, help="项目工作表个数（表单式）"),
    rows: int = typer.Option(10, "--rows", min=3, max=60, help="每个项目预留的指标行数"),
    layout: str = typer.Option("form", "--layout", help="form 表单式 | list 清单式"),
    force: bool = FORCE,
    lang: str | None = common.LANG,
    workspace: Path | None = common.WORKSPACE,
) -> None:
    """Write a blank 项目支出绩效自评表."""
    from pbm.scoring.forms import SelfEvalIndicator, SelfEvalSpec, write_self_eval_workbook
    from pbm.scoring.rules import ScoreRules

    common.check_choice("--layout", layout, ("form", "list"))
    config = common.load_config()
    output = template_output(output, "项目支出绩效自评表.xlsx", config)
    refuse_overwrite([output], force)
    rules = ScoreRules.from_config(config.section("score"))
    weight = float(rules.execution_weight)
    specs = [SelfEvalSpec(year=config.year, execution_weight=weight,
                          indicators=[SelfEvalIndicator() for _ in range(rows)])
             for _ in range(projects if layout == "form" else 1)]
    write_self_eval_workbook(output, specs, layout=layout)
    common.stderr_console().print(written_line(output))

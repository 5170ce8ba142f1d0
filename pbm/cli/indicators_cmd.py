"""``pbm indicators`` — the 指标库 of the workspace and earlier years (指标库、历年、覆盖率)."""

from __future__ import annotations

from pathlib import Path

import typer

from pbm.cli import common

HELP = """指标库：从本工作区和往年工作区的 pbm 输出（out/goals-*.xlsx、scores-*.xlsx、monitor-*.xlsx）汇集三级指标，
给出规范化名称、计量单位、指标方向（≥ ≤ = 定性）、使用的项目和部门、历年指标值和实际完成值，
区分通用指标（多个部门使用）和部门指标，计算指标量化率和核心指标覆盖率。

写出 out/indicators-<年度>.xlsx：指标库、历年、覆盖率、说明（--parquet 另存 Parquet）。

\b
例：
  pbm indicators
  pbm indicators --from ../2025-示例区/out --from ../2024-示例区/out
  pbm indicators --core 核心指标库.xlsx --format json

\b
往年文件夹也可写在 pbm.toml：
  [indicators]
  history = ["../2025-示例区/out"]
  core_library = "核心指标库.xlsx"
  common_min_departments = 2

\b
退出码：
  0  已写出指标库
  1  已写出，但有输出工作簿缺少所需的列（见警告），指标库不完整
  2  没有可用的输出、文件无法读取或用法错误"""


def register(app: typer.Typer) -> None:
    app.command("indicators", help=HELP)(indicators)


@common.handle_errors
@common.bulk_data
def indicators(
    sources: list[Path] | None = typer.Option(
        None, "--from", help="往年工作区的 out 文件夹或输出工作簿（可重复；默认取 pbm.toml [indicators] history）"),
    core: Path | None = typer.Option(None, "--core", help="核心指标库工作簿（默认取 pbm.toml [indicators] core_library）"),
    common_min: int | None = typer.Option(
        None, "--common-min", min=1, help="至少多少个主管部门使用即为通用指标（默认 2）"),
    parquet: bool = typer.Option(False, "--parquet", help="另将各表存为 Parquet（大数据量时便于 DuckDB/pandas 读取）"),
    fmt: str = common.format_option("table", "json"),
    out: Path | None = common.OUT,
    quiet: bool = common.QUIET,
    lang: str | None = common.LANG,
    workspace: Path | None = common.WORKSPACE,
) -> None:
    from pbm.errors import PbmError
    from pbm.library.build import build_library, source_files
    from pbm.library.output import write_library
    from pbm.library.settings import LibrarySettings
    from pbm.workbook.source import Limits

    config = common.load_config()
    settings = LibrarySettings.from_config(config, core=core, history=sources)
    if common_min is not None:
        settings.common_min_departments = common_min
    out_dir = config.out_dir(out)
    folders = [out_dir, *settings.history]
    if not source_files(folders):
        raise PbmError("LIBRARY-NO-SOURCES", folders="、".join(str(f) for f in folders))
    core_library = settings.load_core(Limits.from_config(config.section("limits")))
    library = build_library(folders, config.year,
                            common_min_departments=settings.common_min_departments,
                            core=core_library)
    outputs = write_library(library, out_dir, common.command_line(), parquet)
    if fmt == "json":
        common.print_json(_json(library, outputs))
    else:
        _render(library, outputs)
    if library.notes:
        raise typer.Exit(1)


def _json(library, outputs) -> dict:
    from pbm import __version__

    entries = library.entries.values()
    return {
        "command": "indicators", "pbm_version": __version__, "ok": True,
        "summary": {"errors": 0, "warnings": len(library.notes), "year": library.year, "years": library.years,
                    "indicators": len(library.entries),
                    "common": sum(1 for e in entries if e.common),
                    "department": sum(1 for e in entries if not e.common and e.uses),
                    "core": sum(1 for e in entries if e.core),
                    "lines": len(library.lines),
                    "rates": [r.to_dict() for r in library.rates(library.year)]},
        "indicators": [{"level1": e.level1, "level2": e.level2, "name": e.name, "key": e.key,
                        "common": e.common, "core": e.core, "unit": e.unit,
                        "direction": e.direction, "departments": sorted(e.departments),
                        "projects": sorted(e.projects), "years": sorted(e.years),
                        "uses": e.uses} for e in entries],
        "history": [{"indicator": line.key, "code": line.code, "project": line.project,
                     "department": line.department, "year": line.year,
                     "target": line.target, "actual": line.actual,
                     "monitored": line.monitored} for line in library.lines[:100000]],
        "findings": [f.to_dict(common.STATE.lang) for f in library.notes],
        "outputs": [str(p) for p in outputs],
    }


def _render(library, outputs) -> None:
    from rich.table import Table

    from pbm.values import percent_text as percent

    console = common.stdout_console()
    common.print_findings(library.notes)
    entries = list(library.entries.values())
    console.print(common.t(
        f"指标库 {library.year}：{len(entries)} 个指标（通用 {sum(e.common for e in entries)}、"
        f"核心 {sum(e.core for e in entries)}），{len(library.lines)} 条项目指标，"
        f"年度 {'、'.join(map(str, library.years))}",
        f"indicator library {library.year}: {len(entries)} indicators "
        f"({sum(e.common for e in entries)} common, {sum(e.core for e in entries)} core), "
        f"{len(library.lines)} project lines, years {', '.join(map(str, library.years))}"))
    if common.STATE.quiet:
        for path in outputs:
            console.print(common.t("已写出 ", "written ") + str(path))
        return
    table = Table(title=common.t(f"{library.year} 年指标量化率与核心指标覆盖率",
                                 f"{library.year}: quantified share and core coverage"))
    for column in (common.t("主管部门", "department"), common.t("项目", "projects"),
                   common.t("指标", "indicators"), common.t("指标量化率", "quantified"),
                   common.t("核心指标覆盖率(项目)", "core (projects)"),
                   common.t("核心指标覆盖率(资金)", "core (money)")):
        table.add_column(column, justify="right")
    rates = library.rates(library.year)
    for row in rates[:common.TERMINAL_LINES] + ([rates[-1]] if len(rates) > common.TERMINAL_LINES
                                                  else []):
        table.add_row(row.scope, str(row.projects), str(row.indicators),
                      percent(row.quantified_rate), percent(row.core_project_rate),
                      percent(row.core_budget_rate))
    console.print(table)
    for path in outputs:
        console.print(common.t("已写出 ", "written ") + str(path))

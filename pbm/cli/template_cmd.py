"""``pbm template KIND`` — blank workbooks for departments to fill in."""

from __future__ import annotations

from pathlib import Path

import typer

from pbm.cli import common

HELP = """生成供部门填报的空白模板（目标申报表、监控表、评价评分表）。

\b
例：
  pbm template goal -o 目标申报表.xlsx"""

GOAL_HELP = """绩效目标申报表（表单式，含下拉列表和填报说明）。

\b
例：
  pbm template goal -o 目标申报表.xlsx --projects 3"""

template_app = typer.Typer(help=HELP, no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.add_typer(template_app, name="template")


@template_app.command("goal", help=GOAL_HELP)
@common.handle_errors
def goal(
    output: Path = typer.Option(Path("绩效目标申报表.xlsx"), "-o", "--output", help="输出文件"),
    projects: int = typer.Option(1, "--projects", min=1, max=50, help="项目工作表个数"),
    rows: int = typer.Option(12, "--rows", min=3, max=60, help="每个项目预留的指标行数"),
    lang: str | None = common.LANG,
    workspace: Path | None = common.WORKSPACE,
) -> None:
    """Write the blank goal-declaration workbook."""
    write_goal_template(output, projects=projects, rows=rows,
                        year=common.load_config().year)
    common.stderr_console().print(common.t(f"已生成 {output}", f"written {output}"))


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

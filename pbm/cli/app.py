"""The ``pbm`` command: a thin typer app; each command lives in its own module."""

from __future__ import annotations

from pathlib import Path

import typer

from pbm import __version__
from pbm.cli import common

app = typer.Typer(
    name="pbm",
    help="预算绩效管理工具 pbm — budget performance management on spreadsheet workbooks.\n\n"
         "目标审核 validate · 运行监控 monitor · 抽评 sample · 评分复核 score · 文书 report · 整改 rectify · 指标库 indicators",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"pbm {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    lang: str | None = common.LANG,
    workspace: Path | None = common.WORKSPACE,
    quiet: bool = common.QUIET,
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="显示版本"),
) -> None:
    """pbm — 预算绩效管理 on workbooks.  --lang, --workspace and --quiet are stored in
    common.STATE by their own callbacks (also when given after the command)."""


def _register() -> None:
    from pbm.cli import (
        config_cmd,
        indicators_cmd,
        init_cmd,
        monitor_cmd,
        rectify_cmd,
        report_cmd,
        sample_cmd,
        score_cmd,
        template_cmd,
        validate_cmd,
    )

    for module in (init_cmd, config_cmd, template_cmd, validate_cmd, monitor_cmd, sample_cmd,
                   score_cmd, report_cmd, rectify_cmd, indicators_cmd):
        module.register(app)


_register()


def main() -> None:
    app()


if __name__ == "__main__":
    main()

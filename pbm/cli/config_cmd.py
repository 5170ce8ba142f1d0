"""``pbm config`` — print the effective configuration and where each value came from."""

from __future__ import annotations

from pathlib import Path

import typer

from pbm.cli import common

HELP = """显示生效配置及每项来源（预设 / pbm.toml 行号）。

\b
例：
  pbm config
  pbm config --format json"""


def register(app: typer.Typer) -> None:
    app.command("config", help=HELP)(config)


@common.handle_errors
def config(
    fmt: str = common.format_option("table", "json"),
    lang: str | None = common.LANG,
    workspace: Path | None = common.WORKSPACE,
) -> None:
    """Show the effective configuration."""
    cfg = common.load_config()
    if fmt == "json":
        common.print_json({"command": "config", "workspace": str(cfg.workspace or ""),
                           "preset": cfg.preset,
                           "values": [{"key": k, "value": v, "source": s}
                                      for k, v, s in cfg.flat()]})
        return
    from rich.table import Table

    table = Table(title=common.t(f"生效配置（预设 {cfg.preset}）", f"effective configuration (preset {cfg.preset})"))
    table.add_column(common.t("配置项", "key"))
    table.add_column(common.t("值", "value"))
    table.add_column(common.t("来源", "source"))
    for key, value, source in cfg.flat():
        table.add_row(key, str(value), source)
    console = common.stdout_console()
    console.print(table)
    where = str(cfg.workspace / "pbm.toml") if cfg.workspace else common.t(
        "（不在工作区内，使用全国默认值）", "(outside a workspace: national defaults)")
    console.print(common.t("配置文件：", "config file: ") + where)

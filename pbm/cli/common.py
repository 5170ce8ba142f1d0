"""Shared pieces of the command line: the options several commands take, language,
workspace/config, consoles, error handling."""

from __future__ import annotations

import contextlib
import functools
import json
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import typer

from pbm.errors import ExitStatus, PbmError


@dataclass
class State:
    lang: str = "zh"
    workspace: Path | None = None
    quiet: bool = False
    json_printed: bool = False  # a command's JSON object is on stdout already


STATE = State()


def default_lang() -> str:
    """--lang, else PBM_LANG, else the locale (zh unless the locale is English)."""
    env = os.environ.get("PBM_LANG", "").lower()
    if env in ("zh", "en"):
        return env
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "en" if value.lower().startswith("en") else "zh"
    return "zh"


# --- The options several commands take, each declared once. ---------------------------------
#
# --lang, --workspace and --quiet are taken by the app (``pbm --lang en validate …``) and by
# each command that uses them (``pbm validate … --lang en``).  Their callbacks put the value in
# STATE as click reads it, where the rest of pbm reads it: the app's options start every run
# afresh (a value not given sets the default), a command's options change STATE only when
# given, so a value after the command wins over one before it (--quiet: either turns it on).
# They are eager: STATE is set before the command's other options are checked, so a usage
# error is reported in the language asked for.  Commands read STATE, not these parameters.


def _lang_given(ctx: typer.Context, value: str | None) -> str | None:
    if value is not None or ctx.parent is None:
        STATE.lang = value if value in ("zh", "en") else default_lang()
    return value


def _workspace_given(ctx: typer.Context, value: Path | None) -> Path | None:
    if value is not None or ctx.parent is None:
        STATE.workspace = value
    return value


def _quiet_given(ctx: typer.Context, value: bool) -> bool:
    STATE.quiet = value or (ctx.parent is not None and STATE.quiet)
    return value


LANG = typer.Option(None, "--lang", callback=_lang_given, is_eager=True,
                    help="消息语言 zh | en（默认取 PBM_LANG，其次系统区域设置）")
WORKSPACE = typer.Option(None, "--workspace", "-w", callback=_workspace_given, is_eager=True,
                         help="工作区文件夹（默认从当前文件夹向上查找 pbm.toml）")
QUIET = typer.Option(False, "--quiet", "-q", callback=_quiet_given, is_eager=True,
                     help="不显示进度、提示和逐项明细，只显示结果汇总")
OUT = typer.Option(None, "--out", help="输出文件夹（默认工作区 out/，否则 ./pbm-out/）")
STRICT = typer.Option(False, "--strict", help="有警告也以退出码 1 结束")


def finite(value: float | None) -> float | None:
    """A number option's callback: ``nan`` and ``inf`` are no threshold, rate or coverage."""
    import math

    if value is not None and not math.isfinite(value):
        raise typer.BadParameter(t(f"{value} 不是有限的数", f"{value} is not a finite number"))
    return value


def format_option(*choices: str, note: str = ""):
    """``--format``: one of ``choices``, the first the default; another value is a usage error
    (exit 2) before the command starts.  The choices differ per command."""
    def check(value: str) -> str:
        try:
            check_choice("--format", value, choices)
        except PbmError as error:
            fail(error)
        return value

    return typer.Option(choices[0], "--format", callback=check,
                        help="输出格式 " + " | ".join(choices) + note)


def stderr_console():
    """The terminal's error stream. No markup: what pbm prints holds file, sheet and
    department names (``x[/]y.xlsx``, ``[limits]``) that must print as written; styled parts
    are rich ``Text`` (:func:`labelled`). Control characters in them are shown escaped."""
    return _safe_console()(stderr=True, soft_wrap=True, highlight=False, markup=False)


def stdout_console():
    return _safe_console()(soft_wrap=True, highlight=False, markup=False)


#: Control characters (C0 but tab, DEL, C1): ``ESC[2J`` in a department name, an OSC title
#: sequence, a line break in a file name that would forge a line of pbm's own.
_CONTROL = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f]")


def escape_controls(text: str) -> str:
    """``text`` with its control characters shown as ``\x1b``, ``\n``…"""
    return _CONTROL.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), text)


@functools.cache
def _safe_console():
    """A rich Console whose text segments (what pbm prints: names, messages, table cells)
    carry no control character to the terminal; rich's own styles and controls still do."""
    from rich.console import Console
    from rich.segment import Segment

    class SafeConsole(Console):
        def _render_buffer(self, buffer):  # rich's one place that turns segments into output
            return super()._render_buffer(
                Segment(escape_controls(seg.text), seg.style, seg.control)
                if seg.control is None and _CONTROL.search(seg.text.replace("\n", "")) else seg
                for seg in buffer)

    return SafeConsole


def print_findings(findings, *, with_cell: bool = True, with_hint: bool = False) -> None:
    """A run's own findings on stderr, one line each (notes left out with ``--quiet``):
    ``警告: file / sheet / cell: message（hint）``."""
    errors = stderr_console()
    lang = STATE.lang
    labels = {"warning": t("警告", "warning"), "info": t("提示", "note"), "error": t("错误", "error")}
    for finding in findings:
        if finding.severity == "info" and STATE.quiet:
            continue
        parts = (finding.file, finding.sheet, finding.cell) if with_cell else \
            (finding.file, finding.sheet)
        where = " / ".join(p for p in parts if p)
        hint = finding.hint(lang) if with_hint and finding.severity == "warning" else ""
        errors.print(f"{labels[finding.severity]}: {where + ': ' if where else ''}"
                     f"{finding.message(lang)}"
                     + (f"（{hint}）" if hint and lang != "en" else f" ({hint})" if hint else ""))


def labelled(label: str, text: str, style: str = "bold red"):
    """``label: text`` with the label styled and the text printed as it is."""
    from rich.text import Text

    return Text.assemble((label, style), ": ", text)


def t(zh: str, en: str) -> str:
    """A short interface text in the current language."""
    return en if STATE.lang == "en" else zh


def load_config(overrides: dict[str, Any] | None = None):
    """The effective configuration; what reading pbm.toml noted (its encoding) on stderr."""
    from pbm.config import load_config as _load

    config = _load(STATE.workspace, overrides=overrides)
    for note in config.notes:
        stderr_console().print(labelled(
            t("警告", "warning"), f"{note.location()}: {note.message(STATE.lang)}", "yellow"))
    return config


def print_json(data: dict[str, Any]) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=_json_default) + "\n")
    sys.stdout.flush()
    STATE.json_printed = True


def error_json(command: str, error: PbmError) -> dict[str, Any]:
    """The one JSON object of a ``--format json`` run that could not do its job:
    the error as a finding, so scripts read the same shape as from a run that worked."""
    from pbm import __version__
    from pbm.findings import Finding

    finding = Finding(error.code, file=error.file, sheet=error.sheet, cell=error.cell,
                      params=error.params)
    return {"command": command, "pbm_version": __version__, "ok": False,
            "summary": {"errors": 1, "warnings": 0}, "findings": [finding.to_dict(STATE.lang)]}


def _json_default(value: Any) -> Any:
    from decimal import Decimal

    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, Path):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def fail(error: PbmError) -> None:
    """One clear line on stderr and exit 2 — never a traceback for a bad input."""
    console = stderr_console()
    console.print(labelled(t("错误", "error"), error.message(STATE.lang)))
    raise typer.Exit(int(ExitStatus.BAD_INPUT))


# JSON "command" of the functions behind the subcommands, where it differs from their name.
_COMMAND_NAMES = {"plan": "sample plan", "evaluate": "sample evaluate"}


def handle_errors(func: Callable) -> Callable:
    command = _COMMAND_NAMES.get(func.__name__, func.__name__)

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        STATE.json_printed = False
        try:
            return func(*args, **kwargs)
        except PbmError as error:
            # --format json, or report's --json beside md/html: one JSON object either way
            if (kwargs.get("fmt") == "json" or kwargs.get("json_summary") is True) \
                    and not STATE.json_printed:
                print_json(error_json(command, error))
            fail(error)
        except KeyboardInterrupt:
            stderr_console().print(t("已中断", "interrupted"))
            raise typer.Exit(130) from None
        except (typer.Exit, typer.Abort, SystemExit):
            raise
        except Exception as error:  # a bug, not a bad input: one line, no traceback
            if os.environ.get("PBM_DEBUG"):
                raise
            stderr_console().print(labelled(
                t("内部错误", "internal error"), f"{type(error).__name__}: {error} "
                + t("（设置 PBM_DEBUG=1 查看详情，请报告此问题）",
                    "(set PBM_DEBUG=1 for details; please report it)")))
            raise typer.Exit(int(ExitStatus.BAD_INPUT)) from None
    return wrapper


def check_choice(option: str, value: str | None, choices: tuple[str, ...]) -> None:
    """A usage error (exit 2) naming the option and what it accepts."""
    if value is not None and value not in choices:
        raise PbmError("CLI-USAGE", reason=f"{option} {value}: " + " | ".join(choices))


@contextlib.contextmanager
def file_progress(label_zh: str, label_en: str, total: int,
                  show: bool = True) -> Iterator[Callable[[Any], None] | None]:
    """A transient bar on stderr, advanced once per finished file; yields None when hidden
    (--quiet, --format json).  No refresh thread (auto_refresh=False): it redraws as files
    finish, and a process with no other thread can fork its readers safely."""
    if not show:
        yield None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                  TimeElapsedColumn(), console=stderr_console(), transient=True,
                  auto_refresh=False) as bar:
        task = bar.add_task(t(label_zh, label_en), total=total)

        def advance(_file: Any = None) -> None:
            bar.advance(task)
            bar.refresh()

        yield advance


# Rows a terminal report lists one by one (projects, departments); the workbooks hold all.
TERMINAL_LINES = 100


def bulk_data(func: Callable) -> Callable:
    """For the commands that hold a whole province's rows at once (validate, monitor, score,
    sample) — the one place the collector is paused:
    the cyclic garbage collector stays paused for the run (see ``pbm.perf``); without it,
    every pass over millions of live cells costs more than building the output.

    Also the one place exact arithmetic gets its room: 60 significant digits, so that a ratio
    of two amounts pbm accepts (each up to 10^21, down to 10^-20) is still rounded to its
    places (Decimal's default 28 digits raise InvalidOperation on 10^41 with 4 places)."""
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        import decimal

        from pbm.perf import collector_paused

        with collector_paused(), decimal.localcontext() as context:
            context.prec = 60
            return func(*args, **kwargs)
    return wrapper


def command_line() -> str:
    """The command as typed (for the 说明 sheets), with paths as given."""
    import shlex

    from pbm.values import utf8_text

    return utf8_text("pbm " + " ".join(shlex.quote(a) for a in sys.argv[1:]))


def conclude_check(result, outputs, fmt: str, strict: bool, render: Callable[[], None]) -> None:
    """The common end of a checking command (validate, score): unreadable files on stderr, the
    JSON or terminal report, then exit 2 when nothing could be read, 1 when errors were found
    (or warnings with --strict)."""
    errors = stderr_console()
    for read in result.unreadable:
        errors.print(labelled(t("错误", "error"), read.error.message(STATE.lang)))
    if fmt == "json":
        data = result.to_dict(STATE.lang)
        data["outputs"] = [str(p) for p in outputs]
        print_json(data)
    else:
        render()
    summary = result.summary()
    if result.files and len(result.unreadable) == len(result.files):
        raise typer.Exit(int(ExitStatus.BAD_INPUT))
    if summary["errors"] or (strict and summary["warnings"]):
        raise typer.Exit(int(ExitStatus.FINDINGS))

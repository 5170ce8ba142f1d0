"""The options several commands share, run as typed on a small real workspace: --lang,
--workspace and --quiet work before the command and after it (the value after the command
wins), each shared option has one declaration (the same help in every command), --format
accepts exactly the formats of its command, and every --help prints its examples and exit
codes one per line."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer

from pbm.cli.app import app
from pbm.rectify.ledger import LEDGER_NAME, Ledger, write_ledger
from tests.monitoring.monitor_builders import build_workspace
from tests.score_cmd.score_cmd_helpers import line as indicator
from tests.score_cmd.score_cmd_helpers import project, write

ALL = frozenset({"lang", "workspace", "quiet"})
LANG_WORKSPACE = frozenset({"lang", "workspace"})
LANG = frozenset({"lang"})
STATE_OPTIONS = {"lang": "--lang", "workspace": "--workspace", "quiet": "--quiet"}


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]  # "{ws}" stands for the workspace folder
    zh: str  # a text the command prints in Chinese …
    en: str  # … and the same text in English
    takes: frozenset[str]  # which of --lang, --workspace, --quiet it takes after its name
    formats: tuple[str, ...] = ()  # what its --format accepts, in the order of its message


CASES = {
    "init": Case(("init", "{ws}/新区", "--force"), "已创建工作区", "workspace created", LANG),
    "config": Case(("config",), "生效配置", "effective configuration", LANG_WORKSPACE,
                   ("table", "json")),
    "validate": Case(("validate", "{ws}/goals"), "审核汇总", "review summary", ALL,
                     ("table", "json")),
    "monitor": Case(("monitor", "{ws}/q3"), "台账：", "ledger:", ALL,
                    ("table", "json", "csv", "parquet")),
    "score": Case(("score",), "评分汇总", "scoring summary", ALL, ("table", "json")),
    "sample": Case(("sample", "--seed", "1"), "复现命令", "reproduce with", ALL,
                   ("table", "json")),
    "sample plan": Case(("sample", "plan", "--tolerable", "0.05"), "样本量", "sample size", LANG,
                        ("table", "json")),
    "sample evaluate": Case(("sample", "evaluate", "--n", "60", "--deviations", "1"),
                            "偏差率上限", "upper deviation limit", LANG, ("table", "json")),
    "indicators": Case(("indicators",), "指标库", "indicator library", ALL, ("table", "json")),
    "report": Case(("report",), "已生成文书", "documents written", ALL,
                   ("docx", "md", "html", "json")),
    "rectify": Case(("rectify", "--goals", "{ws}/goals", "--today", "2026-03-10"), "整改情况",
                    "rectification status", ALL, ("table", "json")),
    "template goal": Case(("template", "goal", "-o", "{ws}/t/goal.xlsx", "--force"), "已生成", "written",
                          LANG_WORKSPACE),
    "template monitor": Case(("template", "monitor", "-o", "{ws}/t/monitor", "--force"), "个部门生成",
                             "monitoring workbooks", ALL),
    "template evaluation": Case(("template", "evaluation", "-o", "{ws}/t/evaluation.xlsx", "--force"),
                                "已生成", "written", LANG_WORKSPACE),
    "template self-eval": Case(("template", "self-eval", "-o", "{ws}/t/self-eval.xlsx", "--force"),
                               "已生成", "written", LANG_WORKSPACE),
}


def _commands():
    """Every command and command group of the app, by its words: {("sample", "plan"): …}."""
    found, stack = {}, [((), typer.main.get_command(app))]
    while stack:
        path, command = stack.pop()
        for name, sub in getattr(command, "commands", {}).items():
            stack.append(((*path, name), sub))
        found[path] = command
    return found


COMMANDS = _commands()


def _takes(option: str) -> list[str]:
    return [name for name, case in CASES.items() if option in case.takes]


@pytest.fixture
def ws(workspace, run_pbm, monkeypatch):
    """A workspace with goals/, roster.xlsx, q3/ (monitoring), self-eval/ (a claimed score
    the recheck lowers), out/goals-2026.xlsx (for sample and report) and an empty 整改台账
    (for rectify)."""
    monkeypatch.setenv("PBM_LANG", "zh")
    build_workspace(workspace)
    write(workspace / "self-eval", "教育局",
          [project("教师培训", [indicator("培训人数", 100, 80, 90, 90)], execution_score=10,
                   total=100)], "form")
    code, _, err = run_pbm("validate", workspace / "goals", "-q", cwd=workspace)
    assert code == 0, err
    write_ledger(Ledger(workspace / "out" / LEDGER_NAME))  # as pbm report leaves it (for rectify)
    return workspace


def _argv(case: Case, ws: Path) -> list[str]:
    return [arg.format(ws=ws) for arg in case.args]


def _output(result) -> str:
    code, out, err = result
    assert code in (0, 1), err
    return out + err


def test_the_cases_cover_every_command():
    leaves = {" ".join(path) for path in COMMANDS if path and path != ("template",)}
    assert set(CASES) == leaves


@pytest.mark.parametrize("name", list(CASES))
def test_each_command_takes_the_shared_options_that_make_sense_for_it(name):
    params = {opt for param in COMMANDS[tuple(name.split())].params for opt in param.opts}
    assert {key for key, option in STATE_OPTIONS.items() if option in params} == CASES[name].takes
    assert ("--format" in params) == bool(CASES[name].formats)


def test_each_shared_option_is_declared_once():
    """The same names, default and help wherever it is taken (the app's own options too)."""
    seen: dict[str, set] = {}
    for command in COMMANDS.values():
        for param in command.params:
            if param.opts[0] in ("--lang", "--workspace", "-w", "--quiet", "-q", "--out",
                                 "--strict"):
                key = next(o for o in param.opts if o.startswith("--"))
                seen.setdefault(key, set()).add((tuple(sorted(param.opts)), param.default,
                                                 param.help))
    assert set(seen) == {"--lang", "--workspace", "--quiet", "--out", "--strict"}
    for option, declarations in seen.items():
        assert len(declarations) == 1, (option, declarations)
    assert seen["--workspace"].pop()[0] == ("--workspace", "-w")
    assert seen["--quiet"].pop()[0] == ("--quiet", "-q")


@pytest.mark.parametrize("name", [n for n, c in CASES.items() if c.formats])
def test_format_accepts_only_the_formats_of_the_command(name, ws, run_pbm):
    case = CASES[name]
    [param] = [p for p in COMMANDS[tuple(name.split())].params if "--format" in p.opts]
    assert param.default == case.formats[0] and " | ".join(case.formats) in param.help
    code, out, err = run_pbm(*_argv(case, ws), "--format", "xml", cwd=ws)
    assert code == 2, out + err
    assert f"--format xml: {' | '.join(case.formats)}" in err and "Traceback" not in err


def test_a_bad_format_is_reported_in_the_language_given_after_it(ws, run_pbm):
    code, _, err = run_pbm("sample", "plan", "--tolerable", "0.05", "--format", "xml",
                           "--lang", "en", cwd=ws)
    assert code == 2 and err.startswith("error: --format xml")


@pytest.mark.parametrize("name", _takes("lang"))
def test_lang_after_the_command_and_its_precedence(name, ws, run_pbm):
    case, argv = CASES[name], _argv(CASES[name], ws)
    chinese = _output(run_pbm(*argv, cwd=ws))
    assert case.zh in chinese and case.en not in chinese  # PBM_LANG=zh
    for args in ([*argv, "--lang", "en"], ["--lang", "en", *argv],
                 ["--lang", "zh", *argv, "--lang", "en"]):
        english = _output(run_pbm(*args, cwd=ws))
        assert case.en in english and case.zh not in english, args
    chinese = _output(run_pbm("--lang", "en", *argv, "--lang", "zh", cwd=ws))
    assert case.zh in chinese and case.en not in chinese
    # A run without --lang is back to PBM_LANG: nothing of the runs before stays behind.
    assert case.zh in _output(run_pbm(*argv, cwd=ws))


@pytest.mark.parametrize("name", _takes("workspace"))
def test_workspace_after_the_command_and_its_precedence(name, ws, run_pbm, tmp_path):
    """From outside any workspace; the other workspace's pbm.toml has an unknown key, so a
    command that reads it stops with exit 2 naming it."""
    other = tmp_path / "other"
    other.mkdir()
    (other / "pbm.toml").write_text("[workspace]\nyear = 2026\nnonsense = 1\n", encoding="utf-8")
    argv = _argv(CASES[name], ws)
    for args in (["-w", other, *argv], [*argv, "--workspace", other], [*argv, "-w", other],
                 ["-w", ws, *argv, "-w", other]):
        code, out, err = run_pbm(*args, cwd=tmp_path)
        assert code == 2 and "nonsense" in err, (args, out + err)
    for args in ([*argv, "-w", ws], [*argv, "--workspace", ws], ["-w", other, *argv, "-w", ws]):
        code, out, err = run_pbm(*args, cwd=tmp_path)
        assert code in (0, 1) and "nonsense" not in err, (args, out + err)


def test_config_shows_the_workspace_given_after_it(ws, run_pbm, tmp_path):
    code, out, _ = run_pbm("config", "-w", ws, cwd=tmp_path)
    assert code == 0 and str(ws / "pbm.toml") in out


@pytest.mark.parametrize("name", _takes("quiet"))
def test_quiet_after_the_command_as_before_it(name, ws, run_pbm):
    argv = _argv(CASES[name], ws)
    loud = run_pbm(*argv, cwd=ws)
    quiet = run_pbm("-q", *argv, cwd=ws)
    assert quiet[0] == loud[0] and quiet != loud, "--quiet hides something of this run"
    for flag in ("-q", "--quiet"):
        assert run_pbm(*argv, flag, cwd=ws) == quiet
    assert run_pbm("-q", *argv, "-q", cwd=ws) == quiet


def _help_blocks(text: str) -> list[list[str]]:
    """The lines of each paragraph click prints as written (marked with \\b)."""
    blocks = []
    for paragraph in re.split(r"\n\s*\n", text):
        lines = paragraph.splitlines()
        if lines and lines[0].strip() == "\b":
            blocks.append([line.strip() for line in lines[1:] if line.strip()])
    return blocks


@pytest.mark.parametrize("path", sorted(p for p in COMMANDS if p), ids=" ".join)
def test_help_prints_examples_one_per_line(path, run_pbm):
    text = COMMANDS[path].help
    examples = [line.strip() for line in text.splitlines() if line.strip().startswith("pbm ")]
    assert examples, f"pbm {' '.join(path)}: each example on a line of its own in the help text"
    code, out, _ = run_pbm(*path, "--help")
    assert code == 0
    printed = [line.strip() for line in out.splitlines()]
    for example in examples:
        assert example in printed, example
    for block in _help_blocks(text):
        for line in block:
            assert line in printed, line
    if "退出码：" in text:
        codes = [line.split()[0] for line in printed if re.match(r"[0-2]\s", line)]
        assert codes == ["0", "1", "2"], "one line per exit code"

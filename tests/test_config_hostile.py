"""A hostile or odd pbm.toml: read when it is text in another encoding (with a note), else
refused naming the file, the line and the key — exit 2, never a traceback or internal error."""

from __future__ import annotations

import codecs
import io
import json
import random
import zipfile

import openpyxl
import pytest


def _text(workspace) -> str:
    return (workspace / "pbm.toml").read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _run(run_pbm, workspace, *args):
    code, out, err = run_pbm(*args, cwd=workspace)
    for word in ("Traceback", "内部错误", "internal error"):
        assert word not in out + err
    return code, out, err


def _one_finding(out: str) -> dict:
    data = json.loads(out)  # one JSON object, nothing else on stdout
    assert data["ok"] is False and len(data["findings"]) == 1
    return data["findings"][0]


# --- text in another encoding: read, with a note ---------------------------------------------

ENCODINGS = {
    "GBK": lambda text: text.encode("gbk"),  # Notepad's "ANSI" on Chinese Windows
    "UTF-16": lambda text: codecs.BOM_UTF16_LE + text.encode("utf-16-le"),  # Notepad's "Unicode"
    "UTF-16 big-endian": lambda text: codecs.BOM_UTF16_BE + text.encode("utf-16-be"),
}


@pytest.mark.parametrize("name", ENCODINGS)
def test_gbk_and_utf16_are_read_with_a_note(workspace, run_pbm, name):
    text = _text(workspace).replace("ratio_red_below = 60", "ratio_red_below = 55")
    text = text.replace("\n", "\r\n")  # as Notepad saves it
    (workspace / "pbm.toml").write_bytes(ENCODINGS[name](text))
    code, out, err = _run(run_pbm, workspace, "config", "--format", "json")
    assert code == 0
    values = {v["key"]: v for v in json.loads(out)["values"]}
    assert values["monitor.ratio_red_below"]["value"] == 55
    assert values["monitor.ratio_red_below"]["source"] == (
        f"pbm.toml:{_line_of(text, 'ratio_red_below')}")
    assert values["workspace.locality"]["value"] == "测试区"
    encoding = name.split()[0]
    assert str(workspace / "pbm.toml") in err and f"以 {encoding} 编码保存" in err
    assert "UTF-8" in err
    code, out, err = _run(run_pbm, workspace, "config", "--lang", "en")
    assert code == 0 and f"saved as {encoding}" in err and "55" in out


def test_a_utf8_byte_order_mark_is_read_silently(workspace, run_pbm):
    text = _text(workspace).replace("ratio_red_below = 60", "ratio_red_below = 55")
    (workspace / "pbm.toml").write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    code, out, err = _run(run_pbm, workspace, "config", "--format", "json")
    assert code == 0 and err == ""
    values = {v["key"]: v["value"] for v in json.loads(out)["values"]}
    assert values["monitor.ratio_red_below"] == 55


# --- not text: refused -----------------------------------------------------------------------

def _xlsx() -> bytes:
    stream = io.BytesIO()
    openpyxl.Workbook().save(stream)
    return stream.getvalue()


def _zip() -> bytes:
    stream = io.BytesIO()
    with zipfile.ZipFile(stream, "w") as archive:
        archive.writestr("pbm.toml", 'preset = "national-2020"\n')
    return stream.getvalue()


def _with_nul(text: str) -> bytes:
    return text.replace("min_indicators = 3", "min_indicators = 3\x00").encode("utf-8")


def _with_bad_byte(text: str) -> bytes:
    return text.encode("utf-8").replace(b"min_indicators = 3", b"min_indicators = 3 \xff\xfe")


BINARY = {  # content → the line named (None: any)
    "random bytes": (lambda text: random.Random(7).randbytes(4096), None),
    "an xlsx renamed": (lambda text: _xlsx(), 1),
    "a zip renamed": (lambda text: _zip(), 1),
    "a NUL byte": (_with_nul, "min_indicators"),
    "a byte that is neither UTF-8 nor GBK": (_with_bad_byte, "min_indicators"),
    "UTF-16 without its byte-order mark": (lambda text: text.encode("utf-16-le"), 1),
}


@pytest.mark.parametrize("name", BINARY)
def test_binary_content_is_refused_naming_file_and_line(workspace, run_pbm, name):
    make, where = BINARY[name]
    text = _text(workspace)
    (workspace / "pbm.toml").write_bytes(make(text))
    code, out, err = _run(run_pbm, workspace, "config")
    assert code == 2 and out == ""
    assert str(workspace / "pbm.toml") in err and "不是文本文件" in err
    if where is not None:
        line = where if isinstance(where, int) else _line_of(text, where)
        assert f"/ line {line}:" in err
    code, out, err = _run(run_pbm, workspace, "config", "--format", "json")
    assert code == 2
    finding = _one_finding(out)
    assert finding["code"] == "CONFIG-NOT-TEXT" and finding["file"] == str(workspace / "pbm.toml")


def test_an_unreadable_pbm_toml_is_refused(workspace, run_pbm, monkeypatch):
    from pathlib import Path

    read_bytes = Path.read_bytes

    def denied(self):
        if self.name == "pbm.toml":
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", denied)
    code, _, err = _run(run_pbm, workspace, "config")
    assert code == 2 and str(workspace / "pbm.toml") in err and "Permission denied" in err


# --- nested too deep: refused ----------------------------------------------------------------

NESTED = {  # what is added under [goals] → the key named
    "arrays 5000 deep on one line": ("local_categories = " + "[" * 5000 + "]" * 5000,
                                     "goals.local_categories"),
    "arrays 5000 deep over lines": ("local_categories = " + "[\n" * 5000 + "]" * 5000,
                                    "goals.local_categories"),
    "inline tables 5000 deep": ("deep = " + "{a = " * 5000 + "1" + "}" * 5000, "goals.deep"),
    "arrays 100 deep": ("local_categories = " + "[" * 100 + "]" * 100, "goals.local_categories"),
    "a dotted key 5000 long": (".".join(["a"] * 5000) + " = 1", "goals.a.a.a"),
}


@pytest.mark.parametrize("name", NESTED)
def test_deep_nesting_is_refused_naming_file_line_and_key(workspace, run_pbm, name):
    added, key = NESTED[name]
    text = _text(workspace).replace("[goals]", "[goals]\n" + added, 1)
    (workspace / "pbm.toml").write_text(text, encoding="utf-8")
    code, out, err = _run(run_pbm, workspace, "config")
    assert code == 2 and out == ""
    assert str(workspace / "pbm.toml") in err and f"“{key}" in err and "嵌套过深" in err
    assert "/ line " in err
    code, out, _ = _run(run_pbm, workspace, "config", "--format", "json")
    assert code == 2 and _one_finding(out)["code"] == "CONFIG-TOO-DEEP"


def test_deep_value_names_the_line_where_it_gets_too_deep(workspace, run_pbm):
    added = "local_categories = [\n" + "[\n" * 5000 + "]" * 5001
    text = _text(workspace).replace("[goals]", "[goals]\n" + added, 1)
    (workspace / "pbm.toml").write_text(text, encoding="utf-8")
    code, _, err = _run(run_pbm, workspace, "config")
    line = int(err.split("/ line ")[1].split(":")[0])
    start = _line_of(text, "local_categories")
    assert code == 2 and start < line < start + 5000  # inside the value, where parsing gave up


# --- nan, inf and integers beyond 64 bits: refused, for every numeric setting -----------------

@pytest.mark.parametrize("value", ["nan", "inf", "-inf", "+nan", "1e400"])
@pytest.mark.parametrize("command", [("config",), ("monitor", "q1"), ("validate", "goals")])
def test_nan_and_inf_are_refused_at_load_time(workspace, run_pbm, value, command):
    text = _text(workspace).replace("ratio_red_below = 60", f"ratio_red_below = {value}")
    (workspace / "pbm.toml").write_text(text, encoding="utf-8")
    code, out, err = _run(run_pbm, workspace, *command)
    assert code == 2 and out == ""
    assert f"{workspace / 'pbm.toml'} / line {_line_of(text, 'ratio_red_below')}:" in err
    assert "“monitor.ratio_red_below”" in err and "不是可用的数" in err
    code, out, _ = _run(run_pbm, workspace, *command, "--format", "json")
    assert code == 2
    finding = _one_finding(out)
    assert finding["code"] == "CONFIG-NOT-FINITE" and finding["cell"].startswith("line ")


NUMBERS = {  # what is added to pbm.toml → the key named
    "an integer setting": ("[goals]", "[goals]\nmin_indicators = inf", "goals.min_indicators"),
    "a table of numbers": ("[score]", '[score.grade_bands]\n"优" = nan\n[score]',
                           "score.grade_bands.优"),
    "an item of an array": ("[score]", '[score.qualitative_tiers]\n"达成" = [0.8, nan]\n[score]',
                            "score.qualitative_tiers.达成"),
    "a 400-digit integer": ("[goals]", "[goals]\nmin_indicators = 1" + "0" * 400,
                            "goals.min_indicators"),
    "a 5000-digit hexadecimal": ("year = 2026", "year = 0x" + "f" * 5000, "workspace.year"),
}


@pytest.mark.parametrize("name", NUMBERS)
def test_every_numeric_setting_is_checked(workspace, run_pbm, name):
    old, new, key = NUMBERS[name]
    text = _text(workspace)
    if old == "[goals]":
        text = text.replace("min_indicators = 3 ", "# ")
    (workspace / "pbm.toml").write_text(text.replace(old, new, 1), encoding="utf-8")
    code, out, err = _run(run_pbm, workspace, "config", "--lang", "en")
    assert code == 2 and out == ""
    assert str(workspace / "pbm.toml") in err and f'"{key}"' in err and "no usable number" in err


def test_the_limits_of_a_64_bit_integer_are_still_numbers(workspace, run_pbm):
    text = _text(workspace).replace("min_indicators = 3 ", "min_indicators = 9223372036854775807 ")
    (workspace / "pbm.toml").write_text(text, encoding="utf-8")
    code, out, _ = _run(run_pbm, workspace, "config", "--format", "json")
    assert code == 0
    values = {v["key"]: v["value"] for v in json.loads(out)["values"]}
    assert values["goals.min_indicators"] == 2**63 - 1


def test_an_integer_too_long_to_parse_is_a_syntax_error(workspace, run_pbm):
    text = _text(workspace).replace("min_indicators = 3 ", "min_indicators = 1" + "0" * 5000 + " ")
    (workspace / "pbm.toml").write_text(text, encoding="utf-8")
    code, out, err = _run(run_pbm, workspace, "config", "--format", "json")
    assert code == 2 and _one_finding(out)["code"] == "CONFIG-SYNTAX"
    assert str(workspace / "pbm.toml") in err and "pbm.toml 格式错误" in err


@pytest.mark.parametrize("args", [("score", "--tolerance", "nan"), ("sample", "--rate", "inf"),
                                  ("sample", "--coverage", "-inf"), ("sample", "--rate", "nan")])
def test_nan_and_inf_on_the_command_line_are_refused(workspace, run_pbm, args):
    code, out, err = run_pbm(*args, cwd=workspace)
    assert code == 2
    assert "不是有限的数" in out + err and args[1] in out + err
    assert "Traceback" not in out + err and "internal error" not in out + err

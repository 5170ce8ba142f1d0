"""The 文号 register (out/history/文号.csv): one sequence across kinds and runs, a rerun keeps
its numbers, --number-start overrides; the issuer and contact a bureau must fill in."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from docx import Document
from test_report_context import write_all, write_goals


def _report(run_pbm, workspace, *args):
    code, out, err = run_pbm("report", *args, "--format", "json", cwd=workspace)
    assert code in (0, 1), err
    return json.loads(out)


def _register(workspace: Path) -> list[dict]:
    path = workspace / "out" / "history" / "文号.csv"
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream))


def _numbers(data) -> list[str]:
    """The 文号 of the run's letters and notices (an evaluation report has none)."""
    return [d["doc_number"] for d in data["documents"] if d["kind"] != "evaluation-report"]


def _docx_text(path: str) -> str:
    return "\n".join(p.text for p in Document(path).paragraphs)


def test_numbers_are_unique_across_kinds_and_continue_across_runs(workspace, run_pbm):
    write_goals(workspace / "out" / "goals-2026.xlsx")
    first = _report(run_pbm, workspace, "goals")
    assert _numbers(first) == ["财绩〔2026〕1号", "财绩〔2026〕2号", "财绩〔2026〕3号"]
    write_all(workspace / "out")
    every = _report(run_pbm, workspace)
    numbers = _numbers(every)
    assert len(numbers) == len(set(numbers)) == 14  # no 文号 twice, whatever the kind
    goal_numbers = [d["doc_number"] for d in every["documents"] if d["kind"] == "goal-review"]
    assert goal_numbers == _numbers(first)  # the same letters keep their numbers
    others = sorted(int(n[len("财绩〔2026〕"):-1]) for n in numbers if n not in goal_numbers)
    assert others == list(range(4, 15))  # the new ones continue the register
    rows = _register(workspace)
    assert [row["文号"] for row in rows] == [f"财绩〔2026〕{k}号" for k in range(1, 15)]
    [letter] = [d for d in every["documents"] if d["doc_number"] == "财绩〔2026〕5号"]
    assert "财绩〔2026〕5号" in _docx_text(letter["path"])  # the number printed is the register's
    row = next(r for r in rows if r["文号"] == "财绩〔2026〕5号")
    assert (row["文书类型"], row["主送单位"], row["文件"]) == \
        (letter["kind"], letter["department"] or "", letter["path"])
    again = _report(run_pbm, workspace)
    assert _numbers(again) == numbers  # a rerun reuses every number
    assert len(_register(workspace)) == 14


def test_number_start_overrides_the_register(workspace, run_pbm):
    write_goals(workspace / "out" / "goals-2026.xlsx")
    _report(run_pbm, workspace, "goals")
    data = _report(run_pbm, workspace, "goals", "--number-start", "20")
    assert _numbers(data) == ["财绩〔2026〕20号", "财绩〔2026〕21号", "财绩〔2026〕22号"]
    assert [row["文号"] for row in _register(workspace)] == _numbers(data)


def test_check_writes_no_register(workspace, run_pbm):
    write_goals(workspace / "out" / "goals-2026.xlsx")
    code, _, err = run_pbm("report", "goals", "--check", cwd=workspace)
    assert code == 0, err
    assert not (workspace / "out" / "history" / "文号.csv").exists()


def test_a_damaged_register_is_named_with_its_row(workspace, run_pbm):
    write_goals(workspace / "out" / "goals-2026.xlsx")
    _report(run_pbm, workspace, "goals")
    path = workspace / "out" / "history" / "文号.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[2] = lines[2].replace(",2,", ",二,", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    before = path.read_bytes()
    code, out, err = run_pbm("report", "goals", cwd=workspace)
    assert code == 2
    assert "文号.csv" in err and "第 3 行" in err and "Traceback" not in err + out
    assert path.read_bytes() == before


def test_a_register_field_over_the_csv_limit_is_named_with_its_row(workspace, run_pbm):
    # found by make fuzz: csv's field limit (131,072 characters) was an internal error
    write_goals(workspace / "out" / "goals-2026.xlsx")
    _report(run_pbm, workspace, "goals")
    path = workspace / "out" / "history" / "文号.csv"
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    lines[2] += ',"' + "长" * 131_073 + '"'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8-sig")
    code, out, err = run_pbm("report", "goals", "--format", "json", cwd=workspace)
    assert code == 2 and "内部错误" not in err and "Traceback" not in err + out
    [finding] = json.loads(out)["findings"]
    assert finding["code"] == "REPORT-REGISTER-BAD" and "第 3 行" in finding["message"]


def test_a_register_that_is_no_utf8_names_the_line_not_a_placeholder(workspace, run_pbm):
    write_goals(workspace / "out" / "goals-2026.xlsx")
    _report(run_pbm, workspace, "goals")
    path = workspace / "out" / "history" / "文号.csv"
    data = path.read_bytes().splitlines(keepends=True)
    data[3] = data[3].replace(b",", "，".encode("gbk"), 1)  # a GBK byte pair in line 4
    path.write_bytes(b"".join(data))
    code, out, err = run_pbm("report", "goals", cwd=workspace)
    assert code == 2 and "Traceback" not in err + out
    assert "文号.csv" in err and "第 4 行" in err and "UTF-8" in err
    assert "{file}" not in err


def _set_report(workspace: Path, **values: str) -> None:
    path = workspace / "pbm.toml"
    text = path.read_text(encoding="utf-8")
    lines = []
    for line in text.splitlines():
        key = line.split("=", 1)[0].strip()
        if key in values:
            line = f'{key} = "{values[key]}"'
        lines.append(line)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_a_workspace_without_contact_is_warned_once_and_strict_refuses(workspace, run_pbm):
    write_goals(workspace / "out" / "goals-2026.xlsx")
    data = _report(run_pbm, workspace, "goals")
    [unset] = [f for f in data["findings"] if f["code"] == "REPORT-ISSUER-UNSET"]
    assert unset["severity"] == "warning"
    assert "联系人未填写" in unset["message"] and "联系电话未填写" in unset["message"]
    assert "发文机关" not in unset["message"].split("：")[0]  # 测试区财政局 is a real name
    code, out, err = run_pbm("report", "goals", "--strict", "--out", workspace / "o2",
                             cwd=workspace)
    assert code == 2 and "--strict" in err and "Traceback" not in err + out
    assert not (workspace / "o2" / "reports" / "goal-review").exists()
    _set_report(workspace, contact="预算绩效管理科 王敏", phone="0000-1234567")
    data = _report(run_pbm, workspace, "goals")
    assert not [f for f in data["findings"] if f["code"] == "REPORT-ISSUER-UNSET"]
    text = _docx_text(data["documents"][0]["path"])
    assert "王敏" in text and "0000-1234567" in text and "测试区财政局" in text


def test_the_sample_issuer_is_warned(workspace, run_pbm):
    _set_report(workspace, issuer="示例区财政局", contact="王敏", phone="0000-1234567")
    write_goals(workspace / "out" / "goals-2026.xlsx")
    data = _report(run_pbm, workspace, "goals")
    [unset] = [f for f in data["findings"] if f["code"] == "REPORT-ISSUER-UNSET"]
    assert "示例区财政局" in unset["message"] and "联系人" not in unset["message"].split("名义")[0]


def test_init_writes_the_issuer_and_contact(tmp_path, run_pbm):
    code, _, err = run_pbm("init", tmp_path / "ws", "--locality", "某区", "--issuer",
                           "某区财政局", "--contact", "张三", "--phone", "0000-7654321")
    assert code == 0, err
    text = (tmp_path / "ws" / "pbm.toml").read_text(encoding="utf-8")
    assert 'issuer = "某区财政局"' in text and 'contact = "张三"' in text
    assert 'phone = "0000-7654321"' in text
    code, out, err = run_pbm("config", "--format", "json", "--workspace", tmp_path / "ws",
                             cwd=tmp_path)
    assert code == 0, err
    assert "张三" in out

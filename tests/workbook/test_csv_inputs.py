"""CSV files as old tools write them: CR-only line endings, a field longer than csv's default
limit, an unbalanced quote (named by file and line, never an internal error)."""

from __future__ import annotations

import json

HEADER = "项目名称,一级指标,二级指标,三级指标,指标值,计量单位,权重"
LINES = ["示例项目,产出指标,数量指标,完成数量,≥10,个,45",
         "示例项目,满意度指标,服务对象满意度指标,服务对象满意度,≥90,%,45"]


def _validate(run_pbm, path, cwd):
    code, out, err = run_pbm("validate", path, "--format", "json", "--out", cwd / "out", cwd=cwd)
    return code, json.loads(out), err


def test_cr_only_line_endings_are_rows(tmp_path, run_pbm):
    path = tmp_path / "mac.csv"
    path.write_bytes("\r".join([HEADER, *LINES, ""]).encode("utf-8"))
    code, data, err = _validate(run_pbm, path, tmp_path)
    assert code in (0, 1), err
    assert data["summary"]["indicators"] == 2 and data["summary"]["files_unreadable"] == 0


def test_a_field_longer_than_131072_characters_is_read(tmp_path, run_pbm):
    path = tmp_path / "long.csv"
    goal = "年度目标" * 50_000  # 200,000 characters, quoted
    path.write_text("\n".join([HEADER + ",年度目标", *(f'{line},"{goal}"' for line in LINES), ""]),
                    encoding="utf-8")
    code, data, err = _validate(run_pbm, path, tmp_path)
    assert code in (0, 1), err
    assert data["summary"]["indicators"] == 2


def test_an_unbalanced_quote_names_the_file_and_line(tmp_path, run_pbm):
    path = tmp_path / "quote.csv"
    path.write_text("\n".join([HEADER, LINES[0].replace("完成数量", '"完成数量'), LINES[1], ""]),
                    encoding="utf-8")
    code, data, err = _validate(run_pbm, path, tmp_path)
    assert code == 2
    [unreadable] = [f for f in data["findings"] if f["code"] == "R-UNREADABLE"]
    assert unreadable["file"].endswith("quote.csv") and unreadable["cell"] == "第 2 行"
    assert "引号" in unreadable["message"] and "Traceback" not in err

"""`pbm score` types, scores and rechecks a line like one seen before in the same run by
looking it up (a 100,000-line table repeats ≥95% / 96% / 10 / 10 thousands of times).  The
lookups must never change a result: the whole run with them equals the run without them, on a
list workbook whose lines repeat with different claims, cell types and blanks."""

from __future__ import annotations

import json

import xlsxwriter

from pbm import indicators
from pbm.scoring import batch, selfeval
from pbm.scoring import rules as scoring_rules
from pbm.scoring.batch import score_paths
from pbm.scoring.forms import SELF_EVAL_LIST_COLUMNS
from pbm.scoring.rules import ScoreRules

COUNT = ("产出指标", "数量指标")
RATE = ("产出指标", "质量指标")
QUAL = ("效益指标", "社会效益指标")


def _lines(claims: bool) -> list[tuple]:
    """(level1, level2, name, nature, target, actual, unit, weight, score) — the same typed
    cells again and again, with claims and cell types that differ."""
    claim = (lambda value: value) if claims else (lambda value: None)
    return [
        (*COUNT, "完成数量", "≥", 500, 480, "人", 20, claim(19.2)),  # honest
        (*COUNT, "完成数量乙", "≥", 500, 480, "人", 20, claim(20)),  # full despite shortfall
        (*COUNT, "完成数量丙", "≥", 500, 480, "人", "20", claim(19.2)),  # weight as text
        (*COUNT, 1.0, "≥", 500, 480, "人", True, claim(19.2)),  # a logical weight, a number name
        (*COUNT, "1", "≥", 500, 480, "人", 1, claim(0.96)),  # weight 1 beside 1.0 and TRUE
        (*COUNT, "覆盖学校", "≥", "30所", "≥30所", "所", 10, claim(10)),  # repeats the target
        (*RATE, "合格率", "≥", "≥95%", "96%", "%", 10, claim(10)),
        (*RATE, "合格率乙", "≥", "≥95%", "96%", "%", 10, claim(6)),  # deducted though met
        (*RATE, "合格率丙", "≥", "≥95%", "96%", "%", 10, None),  # no score
        (*RATE, "合格率丁", "≥", "≥95%", "96%", "%", 10, claim("  ")),  # blank text score
        (*QUAL, "教学质量", "定性", "有效提升", "达成", None, 10, claim(9)),  # inside its tier
        (*QUAL, "教学质量乙", "定性", "有效提升", "达成", None, 10, claim(7)),  # below its tier
        (*QUAL, "教学质量丙", "定性", "有效提升", "达成", None, 10, claim("不适用")),
        (*QUAL, "教学质量丁", "定性", "有效提升", "部分达成", None, 10, claim(7)),
    ]


def _workbook(path):
    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("自评汇总")
    sheet.write_row(0, 0, SELF_EVAL_LIST_COLUMNS)
    r = 1
    for k, claims in enumerate([True, False, True, True]):
        code, name = f"P{k:03d}", f"项目{k:03d}"
        for level1, level2, line_name, nature, target, actual, unit, weight, score \
                in _lines(claims):
            values = [code, name, "教育局", "教师发展中心", 200, 190, 9.5 if claims else None,
                      80 if claims else None, level1, level2, line_name, nature, target, actual,
                      unit, weight, score, None]
            for c, value in enumerate(values):
                if value is None:
                    continue
                if isinstance(value, bool):
                    sheet.write_boolean(r, c, value)
                else:
                    sheet.write(r, c, value)
            r += 1
    workbook.close()
    return path


def _run(path) -> dict:
    run = score_paths([path], ScoreRules(), year=2026)
    return json.loads(json.dumps(run.to_dict(), sort_keys=True, ensure_ascii=False, default=str))


class _Forgetful(dict):
    """A lookup that never finds anything."""

    def __setitem__(self, key, value):
        pass

    def add(self, key):
        pass


def _without_lookups(monkeypatch) -> None:
    """Every cell, line and score worked out anew, nothing looked up."""
    monkeypatch.setattr(indicators.Typing, "_typed", lambda self, kind, raw: [
        indicators._CONVERT[kind](value) for value in raw])
    monkeypatch.setattr(indicators.Typing, "_typed_lines", lambda self, columns, categories: [
        indicators.type_line(*cells, year=self.year, category=category)
        for *cells, category in zip(*columns, categories)])
    monkeypatch.setattr(selfeval.SelfEvalTyping, "scored", lambda self, typed: self._score_view(typed))
    init = scoring_rules.Scorer.__init__

    def forgetting(self, rules):
        init(self, rules)
        self._seen = _Forgetful()
    monkeypatch.setattr(scoring_rules.Scorer, "__init__", forgetting)
    real = batch.recheck_project
    monkeypatch.setattr(batch, "recheck_project",
                        lambda score, rules, clean=None: real(score, rules, _Forgetful()))


def test_lines_looked_up_score_as_lines_computed(tmp_path, monkeypatch):
    path = _workbook(tmp_path / "自评汇总.xlsx")
    with monkeypatch.context() as m:
        _without_lookups(m)
        computed = _run(path)
    looked_up = _run(path)
    again = _run(path)  # a second run looks up in lookups of its own
    assert looked_up == computed
    assert again == computed

    # The repeated lines of the later projects are reported at their own cells.
    lines = len(_lines(True))
    findings = {(f["code"], f["cell"]) for f in looked_up["findings"]}
    for first_row in (2, 2 + 2 * lines, 2 + 3 * lines):
        assert ("S-FULL-DESPITE-SHORTFALL", f"Q{first_row + 1}") in findings
        assert ("R-UNPARSEABLE", f"P{first_row + 3}") in findings  # TRUE is no weight
        assert ("S-ACTUAL-REPEATS-TARGET", f"N{first_row + 5}") in findings
        assert ("S-DEDUCTED-WHEN-MET", f"Q{first_row + 7}") in findings
        assert ("S-MISSING-SCORE", f"Q{first_row + 8}") in findings
        assert ("S-MISSING-SCORE", f"Q{first_row + 9}") in findings
        assert ("S-QUAL-OUT-OF-TIER", f"Q{first_row + 11}") in findings
        assert ("S-QUAL-OUT-OF-TIER", f"Q{first_row + 10}") not in findings
    # The project without any claim is not asked for its quantitative scores line by line
    # (a qualitative line counted at its tier's floor is still reported).
    unclaimed = 2 + lines
    missing = {cell for code, cell in findings if code == "S-MISSING-SCORE"}
    assert {f"Q{unclaimed + k}" for k in range(lines)} & missing == {
        f"Q{unclaimed + k}" for k in range(10, lines)}

    rows = {(row["project"], row["name"]): row for row in looked_up["indicators"]}
    assert rows[("项目002", "1")]["weight"] == 1.0
    assert rows[("项目002", "1")]["recomputed"] == 0.96
    assert rows[("项目002", "完成数量丙")]["recomputed"] == 19.2
    assert rows[("项目002", "教学质量丙")]["applicable"] is False
    assert rows[("项目003", "教学质量乙")]["recomputed"] == 8.0

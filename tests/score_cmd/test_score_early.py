"""`pbm score` on a big list 自评汇总: projects of the first half are typed and scored while the
second half is still being parsed — with exactly the results of the ordinary read."""

from __future__ import annotations

import json

import pytest

from pbm.scoring import batch
from pbm.scoring.batch import score_paths
from pbm.scoring.rules import ScoreRules
from pbm.workbook import source
from tests.early_reading import READ_DONE, record_early_work
from tests.score_cmd.score_cmd_helpers import line, project, qual, write


def _specs(count: int = 40):
    specs = []
    for k in range(count):
        lines = [
            line("培训人数", "≥500人", 480 + k, 20, 19.2 if k % 7 else 20),  # full marks claimed
            line("覆盖学校", "≥30所", "30所", 20, 20),
            line("合格率", "≥95%", f"{90 + k % 8}%", 20, 20, level2="质量指标"),
            line("完成时间", "≤2026年12月", "2026年11月", 10, 10, level2="时效指标"),
            qual("教学质量", "部分达成" if k % 3 else "达成", 10, 9 if k % 5 else 7),
            line("满意度", "≥90%", "≥90%" if k == 11 else "93%", 10, 10,
                 level1="满意度指标", level2="服务对象满意度指标"),
        ]
        specs.append(project(f"教师培训项目{k:02d}", lines, executed=180 + k, total=92))
    return specs


def _run(paths):
    run = score_paths(paths, ScoreRules(), year=2026)
    data = run.to_dict()
    return json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)


@pytest.mark.parametrize("again", [False, True], ids=["plain", "project-comes-back"])
def test_early_scoring_gives_the_ordinary_results(tmp_path, monkeypatch, again):
    specs = _specs()
    if again:  # a project whose lines continue at the bottom of the list
        specs.append(project("教师培训项目03", [line("补充指标", "≥1次", "1次", 5, 5)],
                             code="C-教师培训项目03"))
    path = write(tmp_path, "汇总", specs, "list")
    with monkeypatch.context() as m:
        m.setattr(source, "_read_halves", lambda *_: None)
        whole = _run([path])

    typed = record_early_work(monkeypatch, batch, "self_eval_input")
    assert _run([path]) == whole
    assert typed.index(READ_DONE) >= 5, "the first projects were scored during the read"
    typed.remove(READ_DONE)
    # Each project typed once, except the one whose lines came back (typed early, then again).
    assert typed.count("教师培训项目03") == (2 if again else 1)
    assert len(typed) == (41 if again else 40)
    assert len(set(typed)) == 40

"""`pbm validate` on a big goal list: projects of the first half are reviewed while the second
half is still being parsed — with exactly the findings and grades of the ordinary read."""

from __future__ import annotations

import json

import pytest

from pbm.goals import review
from pbm.goals.review import validate_paths
from pbm.goals.rules import ReviewSettings
from pbm.workbook import source
from pbm.workbook.forms import IndicatorSpec, list_rows
from pbm.workbook.source import Limits
from tests.builders import good_project, write_list_workbook
from tests.early_reading import READ_DONE, record_early_work


def _projects(count: int = 40):
    projects = []
    for k in range(count):
        project = good_project(f"乡村道路养护项目{k:02d}", code=f"P2026{k:03d}")
        if k % 4 == 1:  # planted mistakes: a placeholder, a missing unit, an input as a goal
            project.indicators[0] = IndicatorSpec("产出指标", "数量指标", "日常养护里程", "≥",
                                                  "≥**公里", None, 20)
            project.indicators[1] = IndicatorSpec("产出指标", "数量指标", "资金投入", "≥",
                                                  150, "万元", 20)
        if k % 6 == 2:
            project.total = 2_500_000  # 元 typed into a 万元 column
        projects.append(project)
    return projects


def _validate(path) -> str:
    result = validate_paths([path], ReviewSettings(), Limits())
    return json.dumps(result.to_dict(), sort_keys=True, ensure_ascii=False, default=str)


@pytest.mark.parametrize("again", [False, True], ids=["plain", "project-comes-back"])
def test_early_review_gives_the_ordinary_results(tmp_path, monkeypatch, again):
    projects = _projects()
    extra = list_rows(projects[2])[:1] if again else None
    path = write_list_workbook(tmp_path / "目标.xlsx", projects, total_row=True,
                               extra_rows=extra)
    with monkeypatch.context() as m:
        m.setattr(source, "_read_halves", lambda *_: None)
        whole = _validate(path)

    typed = record_early_work(monkeypatch, review, "type_project")
    assert _validate(path) == whole
    assert typed.index(READ_DONE) >= 5, "the first projects were reviewed during the read"
    typed.remove(READ_DONE)
    assert len(set(typed)) == 40
    # Each project reviewed once, but the one whose line came back (early, then again).
    assert typed.count("乡村道路养护项目02") == (2 if again else 1)
    assert len(typed) == (41 if again else 40)

"""The self-vs-recheck chart of 评价结果通报 and the CJK font charts are drawn in (issue #16):
one entry per project, 自评 / 复核 / 多方评价 told apart, the value axis from 0; a regular
Simplified Chinese face, no ``findfont`` noise."""

from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path

import pytest
from test_report_context import _documents, write_scores

from pbm.reports import charts
from pbm.reports.context import ChartRequest

pytest.importorskip("matplotlib")


@pytest.fixture
def score_chart(tmp_path) -> ChartRequest:
    """The chart request of the score notice built from a scores workbook in which
    义务教育学校营养改善计划 has its 单位自评 and a 多方评价 row."""
    documents, _ = _documents("score-notice", {"scores": write_scores(tmp_path / "scores-2026.xlsx")})
    return documents[0].charts["score_chart"]


def _axes(request: ChartRequest, chinese: bool = True):
    import matplotlib

    matplotlib.use("Agg", force=True)
    from matplotlib import pyplot as plt

    figure = charts._self_vs_recheck(plt, request, chinese)
    axes = figure.axes[0]
    plt.close(figure)
    return axes


def test_one_point_per_project_with_its_evaluation_beside_its_self_evaluation(score_chart):
    points = charts.score_points(score_chart.data)
    assert [p.name for p in points] == ["义务教育学校营养改善计划", "中小学校舍维修改造", "妇幼健康服务"]
    first = points[0]
    assert (first.self_score, first.recheck, first.evaluation) == (92.03, 92.03, 86.5)
    assert first.evaluation_type == "多方评价" and first.rows == [1, 4]
    assert (points[1].self_score, points[1].recheck, points[1].evaluation) == (96.1, 89.99, None)


def test_the_chart_has_one_row_per_project_a_legend_and_an_axis_from_zero(score_chart):
    axes = _axes(score_chart)
    assert [t.get_text() for t in axes.get_yticklabels()] == [
        "义务教育学校营养改善计划", "中小学校舍维修改造", "妇幼健康服务"]
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["自评得分", "复核得分", "多方评价得分"]
    assert axes.get_xlim()[0] == 0
    bars = [(round(p.get_y() + p.get_height() / 2), round(p.get_width(), 2)) for p in axes.patches]
    # row 0 (the twice-evaluated project) has three bars, the others two; no empty bar
    assert sorted(bars) == [(0, 86.5), (0, 92.03), (0, 92.03), (1, 89.99), (1, 96.1),
                            (2, 60.0), (2, 60.0)]
    # without a CJK font the rows are numbered like the table: the project's rows 1 and 4
    numbered = _axes(score_chart, chinese=False)
    assert [t.get_text() for t in numbered.get_yticklabels()] == ["1,4", "2", "3"]
    assert numbered.get_legend().get_texts()[2].get_text() == "multi-group evaluation"


def test_without_an_evaluation_there_is_no_third_series_and_typed_rows_are_kept_apart():
    rows = [("甲项目", Decimal("95"), Decimal("90"), "单位自评"),
            ("甲项目", Decimal("80"), Decimal("82"), "单位自评"),  # another unit's project, same name
            ("乙项目", None, Decimal("70"), "多方评价")]
    points = charts.score_points(rows)
    assert [(p.name, p.self_score, p.evaluation) for p in points] == [
        ("甲项目", 95.0, None), ("甲项目", 80.0, None), ("乙项目", None, 70.0)]
    axes = _axes(ChartRequest("self_vs_recheck", "对比", rows[:2]))
    assert [t.get_text() for t in axes.get_legend().get_texts()] == ["自评得分", "复核得分"]


def test_many_projects_are_a_scatter_from_zero_with_one_point_each():
    rows = [(f"项目{i}", Decimal(90 + i % 7), Decimal(88 + i % 5)) for i in range(30)]
    rows.append(("项目3", None, Decimal(85)))  # 项目3's 多方评价
    axes = _axes(ChartRequest("self_vs_recheck", "对比", rows))
    recheck, evaluation = axes.collections
    assert len(recheck.get_offsets()) == 30 and len(evaluation.get_offsets()) == 1
    assert axes.get_xlim()[0] == 0 and axes.get_ylim()[0] == 0


# --------------------------------------------------------------------------- the font

NOTO = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")


@pytest.mark.skipif(not NOTO.is_file(), reason="fonts-noto-cjk is not installed")
def test_with_noto_cjk_the_regular_simplified_chinese_face_is_chosen(monkeypatch):
    """fonts-noto-cjk: the collections' first face is Japanese and the Bold file sorts first;
    the chosen face must be SC, regular, with the Chinese glyph of 直 (its cmap differs)."""
    from matplotlib import font_manager, ft2font

    monkeypatch.delenv("PBM_CJK_FONT", raising=False)
    # as on a machine whose matplotlib font cache predates the fonts: found by file name
    monkeypatch.setattr(font_manager.fontManager, "ttflist", [])
    charts.cjk_font.cache_clear()
    try:
        family = charts.cjk_font()
    finally:
        charts.cjk_font.cache_clear()
    assert family == "Noto Sans CJK SC"
    found = font_manager.fontManager.findfont(font_manager.FontProperties(family=family),
                                              fallback_to_default=False)
    face = ft2font.FT2Font(found, face_index=found.face_index)
    assert (face.family_name, face.style_name) == ("Noto Sans CJK SC", "Regular")
    japanese = next(ft2font.FT2Font(str(NOTO), face_index=index) for index in range(10)
                    if ft2font.FT2Font(str(NOTO), face_index=index).family_name == "Noto Sans CJK JP")
    assert face.get_char_index(ord("直")) != japanese.get_char_index(ord("直"))


def test_findfont_messages_are_silenced_while_a_chart_is_drawn(caplog):
    from matplotlib import font_manager

    caplog.set_level(logging.WARNING, logger="matplotlib.font_manager")
    font_manager.findfont(font_manager.FontProperties(family="PbmNoSuchFontA"))
    assert any("findfont" in r.getMessage() for r in caplog.records)  # what would be shown
    caplog.clear()
    logger = logging.getLogger("matplotlib.font_manager")
    level = logger.level
    with charts._quiet_font_manager():
        font_manager.findfont(font_manager.FontProperties(family="PbmNoSuchFontB"))
    assert caplog.records == []
    assert logger.level == level  # restored afterwards
    image = charts.draw(ChartRequest("self_vs_recheck", "对比", [("甲", Decimal(90), Decimal(80))]))
    assert image.png.startswith(b"\x89PNG")
    assert [r for r in caplog.records if r.name.startswith("matplotlib")] == []

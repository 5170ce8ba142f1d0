"""Charts for the overall notices: lights per department, grade distribution, self vs recheck.

Drawn with matplotlib (the ``charts`` extra, imported only here and only when a chart is
drawn) in a CJK font found on the machine.  Without such a font the chart is still drawn, with
numbered labels that match the 序号 column of the table beside it and English titles, so no
tofu boxes reach a reader; the caller warns once (REPORT-NO-CJK-FONT).

``PBM_CJK_FONT`` may name a font family or a font file to use, or ``none`` to force the
fallback.
"""

from __future__ import annotations

import io
import os
import re
import warnings
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pbm.reports.context import ChartRequest

#: Families tried in order: Noto/Source Han (Linux: apt-get install fonts-noto-cjk), WenQuanYi,
#: then the Windows and macOS system fonts.
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "DengXian",
    "PingFang SC", "Heiti SC", "STHeiti", "Hiragino Sans GB", "Noto Serif CJK SC",
    "Source Han Serif SC", "SimSun", "FangSong", "Droid Sans Fallback", "AR PL UMing CN",
    "AR PL UKai CN", "Noto Sans CJK JP", "Noto Sans CJK TC",
)
LIGHT_COLOURS = {"红": "#C00000", "黄": "#FFC000", "绿": "#00B050"}
GRADE_COLOURS = {"优": "#00B050", "良": "#92D050", "中": "#FFC000", "差": "#C00000"}
WIDTH_MM = 150


@dataclass
class ChartImage:
    png: bytes
    width_mm: int
    title: str


class ChartsUnavailable(Exception):
    """matplotlib is not installed: documents are rendered without charts."""


@cache
def cjk_font() -> str | None:
    """The family name of a CJK font matplotlib can use, or None."""
    choice = os.environ.get("PBM_CJK_FONT", "").strip()
    if choice.lower() in ("none", "off", "0"):
        return None
    try:
        from matplotlib import font_manager
    except ImportError:
        return None
    if choice and Path(choice).is_file():
        font_manager.fontManager.addfont(choice)
        return font_manager.FontProperties(fname=choice).get_name()
    available = {font.name for font in font_manager.fontManager.ttflist}
    for family in ((choice,) if choice else ()) + CJK_FAMILIES:
        if family in available:
            return family
    # matplotlib caches its font list: a font installed after the cache was built is only
    # found by looking at the files themselves.
    for path in sorted(font_manager.findSystemFonts()):
        if _CJK_FILE.search(Path(path).name):
            try:
                font_manager.fontManager.addfont(path)
                return font_manager.FontProperties(fname=path).get_name()
            except (OSError, RuntimeError, ValueError):
                continue
    return None


_CJK_FILE = re.compile(r"NotoSans(Mono)?CJK|NotoSerifCJK|SourceHan|wqy|simhei|simsun|msyh|"
                       r"PingFang|STHeiti|DroidSansFallback|uming|ukai", re.IGNORECASE)


def draw(request: ChartRequest) -> ChartImage:
    """One chart as PNG bytes.  Raises ChartsUnavailable without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg", force=True)
        from matplotlib import pyplot as plt
    except ImportError as exc:
        raise ChartsUnavailable(str(exc)) from None
    font = cjk_font()
    drawers = {"lights": _lights, "grades": _grades, "self_vs_recheck": _self_vs_recheck}
    drawer = drawers[request.kind]
    with warnings.catch_warnings():
        # Without a CJK font matplotlib warns once per missing glyph; the caller warns once.
        warnings.simplefilter("ignore")
        with matplotlib.rc_context(_style(font)):
            figure = drawer(plt, request, font is not None)
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=150, bbox_inches="tight",
                           metadata={"Software": None})
            plt.close(figure)
    return ChartImage(buffer.getvalue(), WIDTH_MM, request.title)


def _style(font: str | None) -> dict[str, Any]:
    style: dict[str, Any] = {"axes.unicode_minus": False, "font.size": 9,
                             "axes.spines.top": False, "axes.spines.right": False,
                             "svg.hashsalt": "pbm"}
    if font:
        style["font.family"] = "sans-serif"
        style["font.sans-serif"] = [font, "DejaVu Sans"]
    return style


def _labels(names: list[str], chinese: bool) -> list[str]:
    # Without a CJK font, number the bars like the 序号 column of the table in the document.
    return [_short(n) for n in names] if chinese else [str(i) for i in range(1, len(names) + 1)]


def _short(name: str, limit: int = 14) -> str:
    return name if len(name) <= limit else name[:limit - 1] + "…"


def _number(value: Any) -> float:
    if value is None:
        return 0.0
    return float(value)


def _lights(plt, request: ChartRequest, chinese: bool):
    names = [row[0] for row in request.data]
    labels = _labels(names, chinese)
    height = max(2.2, 0.32 * len(names) + 1.2)
    figure, axes = plt.subplots(figsize=(WIDTH_MM / 25.4, height))
    left = [0.0] * len(names)
    legend = {"红": "红灯", "黄": "黄灯", "绿": "绿灯"} if chinese else \
        {"红": "red", "黄": "yellow", "绿": "green"}
    for position, light in enumerate(("红", "黄", "绿"), start=1):
        values = [_number(row[position]) for row in request.data]
        axes.barh(labels, values, left=left, color=LIGHT_COLOURS[light], label=legend[light])
        left = [a + b for a, b in zip(left, values)]
    axes.invert_yaxis()  # first department on top, as in the table
    axes.set_xlabel("项目数" if chinese else "projects")
    axes.set_title(request.title if chinese else "Lights per department")
    axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    axes.xaxis.get_major_locator().set_params(integer=True)
    return figure


def _grades(plt, request: ChartRequest, chinese: bool):
    grades = [row[0] for row in request.data]
    counts = [_number(row[1]) for row in request.data]
    labels = grades if chinese else ["A (90+)", "B (80-89)", "C (60-79)", "D (<60)"][:len(grades)]
    figure, axes = plt.subplots(figsize=(WIDTH_MM / 25.4, 2.8))
    bars = axes.bar(labels, counts, color=[GRADE_COLOURS.get(g, "#7F7F7F") for g in grades])
    for bar, count in zip(bars, counts):
        axes.annotate(f"{int(count)}", (bar.get_x() + bar.get_width() / 2, bar.get_height()),
                      ha="center", va="bottom")
    axes.set_ylabel("项目数" if chinese else "projects")
    axes.set_title(request.title if chinese else "Grade distribution")
    axes.yaxis.get_major_locator().set_params(integer=True)
    return figure


def _self_vs_recheck(plt, request: ChartRequest, chinese: bool):
    names = [row[0] for row in request.data]
    claimed = [None if row[1] is None else _number(row[1]) for row in request.data]
    recomputed = [None if row[2] is None else _number(row[2]) for row in request.data]
    present = [v for v in claimed + recomputed if v is not None]
    self_label, recheck_label = ("自评得分", "复核得分") if chinese else ("self", "recheck")
    if len(names) <= 25:
        labels = _labels(names, chinese)
        height = max(2.4, 0.36 * len(names) + 1.2)
        figure, axes = plt.subplots(figsize=(WIDTH_MM / 25.4, height))
        positions = list(range(len(names)))
        axes.barh([p - 0.2 for p in positions], [v or 0.0 for v in claimed], height=0.4,
                  color="#4472C4", label=self_label)
        axes.barh([p + 0.2 for p in positions], [v or 0.0 for v in recomputed], height=0.4,
                  color="#ED7D31", label=recheck_label)
        axes.set_yticks(positions, labels)
        axes.invert_yaxis()
        axes.set_xlabel("分" if chinese else "points")
        # Scores cluster near the top: start the axis below the lowest score so gaps show.
        lowest = min(present, default=0.0)
        axes.set_xlim(max(0, int(lowest // 10) * 10 - 10), max([100.0, *present]) + 1)
        for position, (own, checked) in enumerate(zip(claimed, recomputed)):
            if own is not None and checked is not None and abs(own - checked) >= 0.005:
                axes.annotate(f"{own - checked:+.2f}", (max(own, checked), position),
                              xytext=(3, 0), textcoords="offset points", va="center", fontsize=7)
        axes.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), frameon=False)
    else:
        pairs = [(c, r) for c, r in zip(claimed, recomputed) if c is not None and r is not None]
        figure, axes = plt.subplots(figsize=(WIDTH_MM / 25.4, WIDTH_MM / 25.4 * 0.7))
        axes.scatter([r for _, r in pairs], [c for c, _ in pairs], s=12, color="#4472C4")
        axes.plot([0, 100], [0, 100], color="#7F7F7F", linewidth=0.8)
        axes.set_xlabel(recheck_label)
        axes.set_ylabel(self_label)
        axes.set_xlim(0, max([100.0, *present]) + 1)
        axes.set_ylim(0, max([100.0, *present]) + 1)
    axes.set_title(request.title if chinese else "Self-evaluation vs recheck")
    return figure

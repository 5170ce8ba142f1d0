"""Charts for the overall notices: lights per department, grade distribution, self vs recheck.

Drawn with matplotlib (the ``charts`` extra, imported only here and only when a chart is
drawn) in a CJK font found on the machine.  Without such a font the chart is still drawn, with
numbered labels that match the 序号 column of the table beside it and English titles, so no
tofu boxes reach a reader; the caller warns once (REPORT-NO-CJK-FONT).

``PBM_CJK_FONT`` may name a font family or a font file to use, or ``none`` to force the
fallback.

Which CJK face: a Simplified Chinese one (the SC face of Noto/Source Han) in its regular
weight.  fonts-noto-cjk ships collections (.ttc) whose first face is the Japanese one, and a
Bold file sorts before the Regular one: taking "the first CJK file" drew bold Japanese glyph
forms (直, 骨, 角 differ from the Chinese ones) with a ``findfont`` warning per label.
matplotlib's ``findfont`` messages are silenced while a chart is drawn: the caller warns once
(REPORT-NO-CJK-FONT) when no CJK font exists at all.
"""

from __future__ import annotations

import io
import logging
import os
import re
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from pbm.reports.context import ChartRequest
from pbm.reports.score_docs import SELF_EVALUATION

#: Families tried in order: the Simplified Chinese faces of Noto/Source Han (Linux: apt-get
#: install fonts-noto-cjk), WenQuanYi, the Windows and macOS system fonts; the Japanese, Korean
#: and Traditional faces of the same collections last (regional glyph forms).
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
    "Noto Serif CJK SC", "Noto Serif SC", "Source Han Serif SC", "Source Han Serif CN",
    "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "Microsoft YaHei", "SimHei", "DengXian",
    "PingFang SC", "Heiti SC", "STHeiti", "Hiragino Sans GB", "SimSun", "FangSong",
    "Noto Sans Mono CJK SC", "Droid Sans Fallback", "AR PL UMing CN", "AR PL UKai CN",
    "Noto Sans CJK TC", "Noto Serif CJK TC", "Noto Sans CJK HK", "Noto Sans CJK JP",
    "Noto Serif CJK JP", "Noto Sans CJK KR",
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
    """The family name of a CJK font matplotlib can use, or None: the first of
    :data:`CJK_FAMILIES` installed with a regular-weight face, else one that is only bold."""
    choice = os.environ.get("PBM_CJK_FONT", "").strip()
    if choice.lower() in ("none", "off", "0"):
        return None
    try:
        from matplotlib import font_manager
    except ImportError:
        return None
    manager = font_manager.fontManager
    if choice and Path(choice).is_file():
        _add_fonts(manager, [choice])
        faces = [f for f in manager.ttflist if Path(f.fname) == Path(choice)]
        return _preferred(faces, CJK_FAMILIES + tuple(f.name for f in faces)) or \
            font_manager.FontProperties(fname=choice).get_name()
    wanted = ((choice,) if choice else ()) + CJK_FAMILIES
    found = _preferred(manager.ttflist, wanted, regular_only=True)
    if found:
        return found
    # matplotlib caches its font list: a font installed after the cache was built is only
    # found by looking at the files themselves.
    files = {path for path in font_manager.findSystemFonts() if _CJK_FILE.search(Path(path).name)}
    _add_fonts(manager, sorted(files))
    scanned = tuple(f.name for f in manager.ttflist if f.fname in files)
    return _preferred(manager.ttflist, wanted + scanned)


_CJK_FILE = re.compile(r"NotoSans(Mono)?CJK|NotoSerifCJK|NotoSans(SC|TC)|NotoSerif(SC|TC)|"
                       r"SourceHan|wqy|simhei|simsun|msyh|PingFang|STHeiti|DroidSansFallback|"
                       r"uming|ukai", re.IGNORECASE)


def _add_fonts(manager, paths: list[str]) -> None:
    """Register font files (every face of a .ttc collection) not registered yet."""
    known = {Path(f.fname) for f in manager.ttflist}
    for path in paths:
        if Path(path) in known:
            continue
        try:
            manager.addfont(path)
        except (OSError, RuntimeError, ValueError):
            continue


def _preferred(faces, wanted: tuple[str, ...], *, regular_only: bool = False) -> str | None:
    """The first family of ``wanted`` that ``faces`` hold in a regular upright face; failing
    that (unless ``regular_only``), the first they hold at all (a family only in bold)."""
    regular = {face.name for face in faces if face.style == "normal" and _is_regular(face.weight)}
    every = set() if regular_only else {face.name for face in faces}
    for pool in (regular, every):
        for family in wanted:
            if family in pool:
                return family
    return None


def _is_regular(weight) -> bool:
    if isinstance(weight, str) and not weight.isdigit():
        from matplotlib.font_manager import weight_dict

        weight = weight_dict.get(weight.lower(), 400)
    return 350 <= int(weight) < 500


@contextmanager
def _quiet_font_manager():
    """matplotlib logs ``findfont: …`` at WARNING for every lookup that falls back; pbm
    warns once itself, so these go while a chart is drawn."""
    logger = logging.getLogger("matplotlib.font_manager")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(level)


def draw(request: ChartRequest) -> ChartImage:
    """One chart as PNG bytes.  Raises ChartsUnavailable without matplotlib."""
    try:
        import matplotlib

        matplotlib.use("Agg", force=True)
        from matplotlib import pyplot as plt
    except ImportError as exc:
        raise ChartsUnavailable(str(exc)) from None
    drawers = {"lights": _lights, "grades": _grades, "self_vs_recheck": _self_vs_recheck,
               "rectification": _rectification}
    drawer = drawers[request.kind]
    with _quiet_font_manager(), warnings.catch_warnings():
        font = cjk_font()
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


#: 监控情况通报: projects per department by light.
LIGHT_PARTS = (("红灯", "red", "红"), ("黄灯", "yellow", "黄"), ("绿灯", "green", "绿"))
#: 整改情况通报: closed, open within the deadline (replied, in progress, to check by hand),
#: overdue — green, amber, red as the lights.
RECTIFY_PARTS = (("已整改", "closed", "绿"), ("未销号（不含逾期未整改）", "open", "黄"),
                 ("逾期未整改", "overdue", "红"))


def _lights(plt, request: ChartRequest, chinese: bool):
    """Projects per department as stacked bars: (department, red, yellow, green)."""
    return _stacked(plt, request, chinese, LIGHT_PARTS, ("项目数", "projects"),
                    "Lights per department")


def _rectification(plt, request: ChartRequest, chinese: bool):
    """Problems per department as stacked bars: (department, closed, open, overdue)."""
    return _stacked(plt, request, chinese, RECTIFY_PARTS, ("问题数", "problems"),
                    "Problems per department")


def _stacked(plt, request: ChartRequest, chinese: bool, parts, axis: tuple[str, str],
             title_en: str):
    """One horizontal bar per department (first on top, as in the table beside it), its
    counts stacked in the colours of ``parts`` ((label, English label, light), …)."""
    names = [row[0] for row in request.data]
    labels = _labels(names, chinese)
    height = max(2.2, 0.32 * len(names) + 1.2)
    figure, axes = plt.subplots(figsize=(WIDTH_MM / 25.4, height))
    left = [0.0] * len(names)
    for position, (zh, en, light) in enumerate(parts, start=1):
        values = [_number(row[position]) for row in request.data]
        axes.barh(labels, values, left=left, color=LIGHT_COLOURS[light],
                  label=zh if chinese else en)
        left = [a + b for a, b in zip(left, values)]
    axes.invert_yaxis()
    axes.set_xlabel(axis[0] if chinese else axis[1])
    axes.set_title(request.title if chinese else title_en)
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


@dataclass
class ScorePoint:
    """One project in the self-vs-recheck chart: its 自评得分 and 复核得分 and, for a project
    also evaluated by several groups (多方评价), that evaluation's score."""

    name: str
    rows: list[int]                    # 1-based rows of the data: the 序号 of the table
    self_score: float | None = None
    recheck: float | None = None
    evaluation: float | None = None
    evaluation_type: str | None = None  # set when the project has an evaluation row
    self_evaluated: bool = False        # set when it has a 单位自评 row


#: The type of an evaluation row that does not name its own (score_docs' rows carry none).
OTHER_EVALUATION = "多方评价"


def score_points(data: list[tuple[Any, ...]]) -> list[ScorePoint]:
    """One point per project from rows ``(project, self score, recheck score[, type])``, in
    the order the projects first appear.

    The rows are those of 项目得分: a project with its unit's 单位自评 and a 多方评价 comes
    twice, the 多方评价 row without a self score.  A row is another evaluation of a project
    already listed when its type is not 单位自评 or — a row without a type — when it has no
    self score; it then adds that evaluation's score to the project instead of a second bar
    pair under the same name.
    """
    points: list[ScorePoint] = []
    by_name: dict[str, list[ScorePoint]] = {}
    for position, row in enumerate(data, start=1):
        name = str(row[0])
        claimed, checked = _optional(row[1]), _optional(row[2])
        kind = str(row[3]) if len(row) > 3 and row[3] else None
        earlier = by_name.setdefault(name, [])
        evaluation = kind != SELF_EVALUATION if kind else bool(earlier) and claimed is None
        if evaluation:
            point = next((p for p in earlier if p.evaluation_type is None), None)
        else:
            point = next((p for p in earlier if not p.self_evaluated), None)
        if point is None:
            point = ScorePoint(name, [])
            earlier.append(point)
            points.append(point)
        point.rows.append(position)
        if evaluation:
            point.evaluation, point.evaluation_type = checked, kind or OTHER_EVALUATION
        else:
            point.self_score, point.recheck, point.self_evaluated = claimed, checked, True
    return points


def _optional(value: Any) -> float | None:
    return None if value is None else _number(value)


def _self_vs_recheck(plt, request: ChartRequest, chinese: bool):
    points = score_points(request.data)
    evaluated = [p for p in points if p.evaluation_type]
    other = evaluated[0].evaluation_type if evaluated else OTHER_EVALUATION
    if chinese:
        self_label, recheck_label, other_label = "自评得分", "复核得分", f"{other}得分"
    else:
        self_label, recheck_label, other_label = "self-evaluation", "recheck", "multi-group evaluation"
    series = [(self_label, "#4472C4", [p.self_score for p in points]),
              (recheck_label, "#ED7D31", [p.recheck for p in points])]
    if evaluated:
        series.append((other_label, "#70AD47", [p.evaluation for p in points]))
    present = [v for _, _, values in series for v in values if v is not None]
    top = max([100.0, *present])
    if len(points) <= 25:
        labels = [_short(p.name) for p in points] if chinese else \
            [",".join(str(r) for r in p.rows) for p in points]
        figure, axes = plt.subplots(figsize=(WIDTH_MM / 25.4, max(2.4, 0.34 * len(points) + 1.0)))
        # Each project's bars share its row: two (自评, 复核), three with a 多方评价 score.
        bars: list[list[tuple[float, float, float]]] = [[] for _ in series]
        for position in range(len(points)):
            shown = [i for i, (_, _, values) in enumerate(series) if values[position] is not None]
            for order, index in enumerate(shown):
                thickness = 0.8 / len(shown)
                centre = position + (order - (len(shown) - 1) / 2) * thickness
                bars[index].append((centre, series[index][2][position], thickness))
        for (label, colour, _), drawn in zip(series, bars):
            axes.barh([y for y, _, _ in drawn], [v for _, v, _ in drawn],
                      height=[h for _, _, h in drawn], color=colour, label=label)
        axes.set_yticks(list(range(len(points))), labels)
        axes.invert_yaxis()  # first project on top, as in the table
        axes.set_xlabel("分" if chinese else "points")
        # From 0: a bar's length is its score, so a gap of 2 points looks like 2 points.
        axes.set_xlim(0, top + 4)
        for position, point in enumerate(points):
            own, checked = point.self_score, point.recheck
            if own is not None and checked is not None and abs(own - checked) >= 0.005:
                axes.annotate(f"{own - checked:+.2f}", (max(own, checked), position),
                              xytext=(3, 0), textcoords="offset points", va="center", fontsize=7)
        axes.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=len(series),
                    frameon=False)
        axes.set_title(request.title if chinese else "Self-evaluation vs recheck", pad=22)
        return figure
    figure, axes = plt.subplots(figsize=(WIDTH_MM / 25.4, WIDTH_MM / 25.4 * 0.7))
    pairs = [(p.recheck, p.self_score) for p in points
             if p.recheck is not None and p.self_score is not None]
    axes.scatter([x for x, _ in pairs], [y for _, y in pairs], s=12, color="#ED7D31",
                 label=recheck_label)
    others = [(p.evaluation, p.self_score) for p in points
              if p.evaluation is not None and p.self_score is not None]
    if others:
        axes.scatter([x for x, _ in others], [y for _, y in others], s=14, marker="^",
                     color="#70AD47", label=other_label)
    axes.plot([0, top], [0, top], color="#7F7F7F", linewidth=0.8)
    axes.set_xlabel(f"{recheck_label} / {other_label}" if others else recheck_label)
    axes.set_ylabel(self_label)
    axes.set_xlim(0, top + 1)
    axes.set_ylim(0, top + 1)
    axes.legend(loc="upper left", frameon=False)
    axes.set_title(request.title if chinese else "Self-evaluation vs recheck")
    return figure

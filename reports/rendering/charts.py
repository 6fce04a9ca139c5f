"""One SVG chart per area: each indicator's yearly values against its target.

matplotlib draws small multiples (one panel per indicator: bars for the baseline and each
year, a dashed line for the target, a band for a range target), with figure-level artists. `svg.fonttype = "none"`
keeps text as text, so WeasyPrint draws it with the embedded CJK font and `pdftotext`
extracts it; a fixed `svg.hashsalt` and no date in the metadata make the SVG identical for
identical data (the report's content hash depends on it). Each chart goes into the PDF as
an <img> with a data: URL (the only URLs the PDF renderer fetches).
"""

from __future__ import annotations

import base64
import io
import math
import re
import shutil
import subprocess
from dataclasses import dataclass, field
from functools import cache

import matplotlib

matplotlib.use("svg")  # no GUI backend in a worker

from django.utils.translation import gettext as _  # noqa: E402
from matplotlib.collections import PatchCollection  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.lines import Line2D  # noqa: E402
from matplotlib.patches import Rectangle  # noqa: E402

from ..data import IndicatorRow  # noqa: E402
from .format import num  # noqa: E402

COLUMNS = 3
PANEL_HEIGHT_IN = 1.8
WIDTH_IN = 6.7  # A4 text width with 18 mm margins is 6.85 in
BAR = "#8b1a1a"
PROVISIONAL = "#d9a3a3"  # a year still running (年内累计), lighter so it does not read as a fall
BASELINE = "#9e9e9e"
TARGET = "#c99a00"
TITLE_CHARS = 17


@dataclass(frozen=True)
class AreaChart:
    area: str
    rows: tuple[str, ...]  # one <svg> document per row of panels, without the XML prolog
    indicator_count: int
    skipped_milestones: int

    @property
    def data_uris(self) -> list[str]:
        """Each row of panels as an <img> source: a page can break between rows, so a large
        area does not leave the page before it half empty. An image rather than inline SVG:
        each keeps its own ids (matplotlib numbers them from 1 in every figure, so inline
        charts would share clip-path ids) and its SVG styles stay out of the page's CSS."""
        return [
            "data:image/svg+xml;base64," + base64.b64encode(s.encode("utf-8")).decode("ascii")
            for s in self.rows
        ]


def _title(name: str) -> tuple[str, float]:
    """A panel's title and its font size: whole, on one line or two (Chinese wraps between
    any two characters), cut with … only past two full lines. An evaluator matches each
    panel to the table by its name, so a name is not shortened to fit one line."""
    if len(name) <= TITLE_CHARS:
        return name, 8.5
    width = TITLE_CHARS + 2  # the smaller size fits two more characters a line
    if len(name) > 2 * width:
        name = name[: 2 * width - 1] + "…"
    half = min(width, (len(name) + 1) // 2)
    return f"{name[:half]}\n{name[half:]}", 7.5


@dataclass
class _Canvas:
    """Figure-level drawing in inches from the figure's bottom-left corner.

    Panels are drawn with plain artists (lines, rectangles, texts) placed on the figure, not
    with one matplotlib Axes each: an Axes builds tick machinery that made the charts cost a
    quarter of the PDF's own rendering time; this costs a few percent and looks the same."""

    fig: Figure
    width: float
    height: float
    bars: list = field(default_factory=list)
    bar_colours: list = field(default_factory=list)

    def xy(self, x: float, y: float) -> tuple[float, float]:
        return x / self.width, y / self.height

    def line(self, xs, ys, **kwargs) -> None:
        fx = [x / self.width for x in xs]
        fy = [y / self.height for y in ys]
        self.fig.add_artist(Line2D(fx, fy, transform=self.fig.transFigure, **kwargs))

    def rect(self, x, y, w, h, colour, **kwargs) -> None:
        self.fig.add_artist(
            Rectangle(
                self.xy(x, y),
                w / self.width,
                h / self.height,
                transform=self.fig.transFigure,
                facecolor=colour,
                edgecolor="none",
                **kwargs,
            )
        )

    def bar(self, x, y, w, h, colour) -> None:
        self.bars.append(Rectangle(self.xy(x, y), w / self.width, h / self.height))
        self.bar_colours.append(colour)

    def text(self, x, y, text, **kwargs) -> None:
        fx, fy = self.xy(x, y)
        self.fig.text(fx, fy, text, **kwargs)

    def finish(self) -> None:
        if self.bars:
            self.fig.add_artist(
                PatchCollection(
                    self.bars, transform=self.fig.transFigure, facecolor=self.bar_colours, edgecolor="none"
                )
            )


# Panel geometry (inches): the plot area inside each cell of the grid.
PAD_LEFT, PAD_RIGHT, PAD_TOP, PAD_BOTTOM = 0.58, 0.12, 0.32, 0.48


def _panel(
    canvas: _Canvas, left: float, bottom: float, width: float, height: float, row: IndicatorRow
) -> None:
    labels, values, colours = [], [], []
    if row.baseline is not None:
        labels.append(_("基期"))
        values.append(float(row.baseline))
        colours.append(BASELINE)
    for point in row.series:
        labels.append(str(point.year) + ("*" if point.provisional else ""))
        values.append(float(point.value) if point.value is not None else None)
        colours.append(PROVISIONAL if point.provisional else BAR)  # a year to date is no fall
    x0, y0 = left + PAD_LEFT, bottom + PAD_BOTTOM
    w, h = width - PAD_LEFT - PAD_RIGHT, height - PAD_TOP - PAD_BOTTOM
    target = float(row.target)
    top = float(row.target_max) if row.target_max is not None else target
    known = [v for v in values if v is not None]
    scale = max([top] + [abs(v) for v in known]) * 1.18 or 1.0

    def y_of(value: float) -> float:
        return y0 + h * max(value, 0.0) / scale

    if row.target_max is not None:
        canvas.rect(x0, y_of(target), w, y_of(top) - y_of(target), TARGET, alpha=0.18)
    slot = w / max(len(labels), 1)
    for i, (label, value, colour) in enumerate(zip(labels, values, colours, strict=True)):
        centre = x0 + slot * (i + 0.5)
        if value is not None:
            canvas.bar(centre - slot * 0.3, y0, slot * 0.6, y_of(value) - y0, colour)
        canvas.text(centre, y0 - 0.05, label, fontsize=8, ha="center", va="top")
    canvas.line([x0, x0, x0 + w], [y0 + h, y0, y0], lw=0.6, color="#555555")
    canvas.line([x0, x0 + w], [y_of(target)] * 2, lw=1, ls="--", color=TARGET)
    for tick in _ticks(scale):  # real y-axis ticks, not only 0 and the target
        canvas.line([x0 - 0.03, x0 + w], [y_of(tick)] * 2, lw=0.3, color="#dddddd")
        canvas.text(x0 - 0.05, y_of(tick), num(tick), fontsize=8, ha="right", va="center")
    title, size = _title(row.name)
    lift = 0.1 if "\n" not in title else 0.04  # two lines sit lower, inside the panel's top pad
    canvas.text(left + 0.06, y0 + h + lift, title, fontsize=size, ha="left", va="bottom", linespacing=1.05)
    label = _("目标 %(target)s%(unit)s") % {"target": row.target_display, "unit": row.unit}
    if not known:
        label = f"{label} · {_('无数据')}"
    canvas.text(
        x0 + w / 2,
        bottom + 0.06,
        label,
        fontsize=8,
        ha="center",
        va="bottom",
        color="#7a5c00" if known else "#6c757d",
    )


def _ticks(scale: float) -> list[float]:
    """Four to six round ticks from 0 up to the scale: 0, 10000, 20000, 30000 (the smallest
    round step that gives at most five intervals)."""
    if scale <= 0:
        return [0.0]
    magnitude = 10 ** math.floor(math.log10(scale / 5))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if scale / (m * magnitude) <= 5)
    ticks, value = [], 0.0
    while value <= scale * 0.999:
        ticks.append(value)
        value += step
    return ticks


def area_chart(area: str, rows: list[IndicatorRow], font_family: str) -> AreaChart | None:
    """The chart of one area, or None when the area has only milestone indicators."""
    plotted = [r for r in rows if not r.is_milestone]
    if not plotted:
        return None
    return _draw(area, plotted, len(rows) - len(plotted), font_family)


@cache
def _register_font(family: str) -> None:
    """Make matplotlib measure text in the report's CJK font even when its font cache was
    built before the font was installed (a stale cache falls back to DejaVu Sans)."""
    from matplotlib import font_manager

    if any(f.name == family for f in font_manager.fontManager.ttflist) or not shutil.which("fc-match"):
        return
    path = subprocess.run(
        ["fc-match", "-f", "%{file}", family], capture_output=True, text=True, check=False
    ).stdout.strip()
    if path:
        font_manager.fontManager.addfont(path)


def _draw(area: str, plotted: list[IndicatorRow], skipped: int, font_family: str) -> AreaChart:
    _register_font(font_family)
    cell = WIDTH_IN / COLUMNS
    rows = []
    for start in range(0, len(plotted), COLUMNS):
        with matplotlib.rc_context(
            {
                "font.family": [font_family, "DejaVu Sans"],
                "svg.fonttype": "none",
                "svg.hashsalt": "ipcity-report",
                "axes.unicode_minus": False,
            }
        ):
            height = PANEL_HEIGHT_IN
            canvas = _Canvas(fig=Figure(figsize=(WIDTH_IN, height)), width=WIDTH_IN, height=height)
            for c, row in enumerate(plotted[start : start + COLUMNS]):
                _panel(canvas, c * cell, 0, cell, PANEL_HEIGHT_IN, row)
            canvas.finish()
            buffer = io.StringIO()
            canvas.fig.savefig(buffer, format="svg", metadata={"Date": None, "Creator": None})
        svg = buffer.getvalue()
        svg = svg[svg.index("<svg") :]  # drop the XML prolog and doctype
        rows.append(re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S))
    return AreaChart(area=area, rows=tuple(rows), indicator_count=len(plotted), skipped_milestones=skipped)


def area_charts(grouped: dict[str, list[IndicatorRow]], font_family: str) -> list[AreaChart]:
    charts = []
    for area, rows in grouped.items():
        chart = area_chart(area, rows, font_family)
        if chart is not None:
            charts.append(chart)
    return charts

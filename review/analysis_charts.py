"""The training pages' charts as inline SVG built on the server: bars with last year's ghost, lines
with a shaded band and warning rules, a year heat-map.

Each chart comes with its hover readout ({"x": [...], "labels": [...]}, x in viewBox units) that
review/static/review/charts.js shows; the labels arrive formatted in the runner's units. The builders
know nothing of units or dates: the analysis template tags hand them numbers and ready-made text.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from html import escape

WIDTH, HEIGHT = 720, 180
LEFT, RIGHT, TOP, BOTTOM = 4, 4, 18, 22  # the axis values sit inside the plot, over their grid lines


@dataclass(frozen=True, slots=True)
class ChartFigure:
    """One `<figure class="chart">`: the SVG markup, the readout JSON and a caption."""

    group: str
    svg: str
    readout: str
    caption: str = ""
    legend: list[tuple[str, str]] = field(default_factory=list)  # (css class, name)


@dataclass(frozen=True, slots=True)
class Line:
    values: Sequence[float | None]
    css_class: str
    name: str
    dashed: bool = False


def readout_json(xs: Sequence[float], labels: Sequence[str]) -> str:
    """The readout as JSON that is safe inside a `<script>` element."""
    text = json.dumps({"x": [round(x, 1) for x in xs], "labels": list(labels)}, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def nice_ticks(low: float, high: float, count: int = 4, *, whole: bool = False) -> list[float]:
    """Round axis values covering low..high: steps of 1, 2, 2.5 or 5 times a power of ten. `whole` keeps
    to whole-number steps, for values shown as whole units (a pace's seconds, a count of runs): a step of
    0.25 s would print one m:ss label several times."""
    if high <= low:
        high = low + 1
    raw = (high - low) / count
    if whole:
        raw = max(raw, 1.0)
    power = 10 ** math.floor(math.log10(raw))
    steps = (m * power for m in (1, 2, 2.5, 5, 10))
    step = next(s for s in steps if s >= raw and (not whole or float(s).is_integer()))
    first = math.floor(low / step) * step
    ticks, value = [], first
    while value < high + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


class _Frame:
    """The plot area and the mapping of values into it."""

    def __init__(
        self,
        *,
        n: int,
        low: float,
        high: float,
        height: int = HEIGHT,
        invert: bool = False,
        whole: bool = False,
    ):
        self.n, self.height, self.invert = max(n, 1), height, invert
        self.ticks = nice_ticks(low, high, whole=whole)
        self.low, self.high = self.ticks[0], self.ticks[-1]
        self.plot_w = WIDTH - LEFT - RIGHT
        self.plot_h = height - TOP - BOTTOM

    def slot(self) -> float:
        return self.plot_w / self.n

    def x(self, index: float) -> float:
        """Centre of slot `index`."""
        return LEFT + (index + 0.5) * self.slot()

    def y(self, value: float) -> float:
        share = (value - self.low) / ((self.high - self.low) or 1)
        return TOP + (share if self.invert else 1 - share) * self.plot_h

    def open(self, css_class: str, label: str) -> str:
        return (
            f'<svg class="chart {escape(css_class)}" viewBox="0 0 {WIDTH} {self.height}" '
            f'preserveAspectRatio="xMidYMid meet" role="img" aria-label="{escape(label)}" '
            'xmlns="http://www.w3.org/2000/svg">'
        )

    def axes(self, x_ticks: Sequence[tuple[float, str]]) -> str:
        """The grid lines and the x labels (a label near either end is anchored to it, so no phone cuts
        it off)."""
        parts = [_hline(self.y(tick), "grid") for tick in self.ticks]
        for index, text in x_ticks:
            x = self.x(index)
            anchor = "start" if x < 60 else "end" if x > WIDTH - 60 else "middle"
            x = LEFT if anchor == "start" else WIDTH - RIGHT if anchor == "end" else x
            parts.append(
                f'<text x="{x:.1f}" y="{self.height - 6}" text-anchor="{anchor}">{escape(text)}</text>'
            )
        return "".join(parts)

    def values(self, y_format: Callable[[float], str]) -> str:
        """The axis values inside the plot over their grid lines, drawn last so nothing hides them; the
        bottom one is left out, where it would meet the x labels."""
        bottom = self.ticks[-1] if self.invert else self.ticks[0]
        return "".join(
            f'<text class="value" x="{LEFT + 2}" y="{self.y(tick) - 3:.1f}">{escape(y_format(tick))}</text>'
            for tick in self.ticks
            if tick != bottom
        )


def bar_chart(
    *,
    values: Sequence[float],
    labels: Sequence[str],
    x_ticks: Sequence[tuple[float, str]],
    y_format: Callable[[float], str],
    group: str,
    ghosts: Sequence[float] | None = None,
    caption: str = "",
    css_class: str = "",
    names: tuple[str, str] = ("this period", "a year before"),
    whole: bool = False,
) -> ChartFigure:
    """One bar per value; `ghosts` (the same periods a year before) drawn as wider pale bars behind;
    `whole` keeps the axis to whole numbers (a count of runs)."""
    top = max([*values, *(ghosts or []), 0.0])
    frame = _Frame(n=len(values), low=0.0, high=top or 1.0, whole=whole)
    slot = frame.slot()
    parts = [frame.open(f"bars {css_class}", caption), frame.axes(x_ticks)]
    base = frame.y(0)
    for i, value in enumerate(values):
        if ghosts is not None and ghosts[i] > 0:
            w = slot * 0.86
            y = frame.y(ghosts[i])
            parts.append(
                f'<rect class="ghost" x="{frame.x(i) - w / 2:.1f}" y="{y:.1f}" width="{w:.1f}" '
                f'height="{base - y:.1f}"/>'
            )
        if value > 0:
            w = slot * (0.5 if ghosts is not None else 0.7)
            y = frame.y(value)
            parts.append(
                f'<rect class="bar" x="{frame.x(i) - w / 2:.1f}" y="{y:.1f}" width="{w:.1f}" '
                f'height="{base - y:.1f}"/>'
            )
    parts.append(frame.values(y_format) + "</svg>")
    legend = [(f"bar {css_class}".strip(), names[0])] + ([("ghost", names[1])] if ghosts is not None else [])
    xs = [frame.x(i) for i in range(len(values))]
    return ChartFigure(group, "".join(parts), readout_json(xs, labels), caption, legend)


def stacked_bar_chart(
    *,
    stacks: Sequence[Sequence[float]],
    labels: Sequence[str],
    x_ticks: Sequence[tuple[float, str]],
    y_format: Callable[[float], str],
    group: str,
    names: Sequence[str],
    caption: str = "",
) -> ChartFigure:
    """One bar per period made of its parts (stacks[i][k]: part k of bar i, drawn bottom up with the css
    class `part{k}`)."""
    frame = _Frame(n=len(stacks), low=0.0, high=max((sum(s) for s in stacks), default=0.0) or 1.0)
    width = frame.slot() * 0.7
    parts = [frame.open("bars stacked", caption), frame.axes(x_ticks)]
    for i, stack in enumerate(stacks):
        base = 0.0
        for k, value in enumerate(stack):
            if value > 0:
                y_top, y_bottom = frame.y(base + value), frame.y(base)
                parts.append(
                    f'<rect class="part{k}" x="{frame.x(i) - width / 2:.1f}" y="{y_top:.1f}" '
                    f'width="{width:.1f}" height="{y_bottom - y_top:.1f}"/>'
                )
            base += value
    parts.append(frame.values(y_format) + "</svg>")
    xs = [frame.x(i) for i in range(len(stacks))]
    legend = [(f"part{k}", name) for k, name in enumerate(names)]
    return ChartFigure(group, "".join(parts), readout_json(xs, labels), caption, legend)


def _hline(y: float, css_class: str) -> str:
    return f'<line class="{escape(css_class)}" x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}"/>'


def _polyline(frame: _Frame, values: Sequence[float | None], css_class: str, dashed: bool) -> str:
    """One `<polyline>` per unbroken run of values (a None leaves a gap); a lone value is a dot."""
    runs: list[list[tuple[float, float]]] = [[]]
    for i, value in enumerate(values):
        if value is None:
            runs.append([])
        else:
            runs[-1].append((frame.x(i), frame.y(value)))
    dash = ' stroke-dasharray="5 3"' if dashed else ""
    parts = []
    for run in runs:
        if len(run) == 1:
            parts.append(
                f'<circle class="{escape(css_class)}" r="2.5" cx="{run[0][0]:.1f}" cy="{run[0][1]:.1f}"/>'
            )
        elif run:
            points = " ".join(f"{x:.1f},{y:.1f}" for x, y in run)
            parts.append(f'<polyline class="{escape(css_class)}" fill="none"{dash} points="{points}"/>')
    return "".join(parts)


def line_chart(
    *,
    lines: Sequence[Line],
    labels: Sequence[str],
    x_ticks: Sequence[tuple[float, str]],
    y_format: Callable[[float], str],
    group: str,
    band: tuple[float, float] | None = None,
    rules: Sequence[tuple[float, str]] = (),
    caption: str = "",
    css_class: str = "",
    height: int = HEIGHT,
    invert: bool = False,
    whole: bool = False,
) -> ChartFigure:
    """Lines over the same x slots (one per label); `band` is shaded between two values, `rules` are
    horizontal lines (value, css class) such as a warning level; `invert` puts low values on top (a
    pace: faster is up); `whole` keeps the axis to whole numbers (a pace's seconds)."""
    present = [v for line in lines for v in line.values if v is not None]
    extra = [*(band or ()), *(value for value, _ in rules)]
    low = min([*present, *extra], default=0.0)
    high = max([*present, *extra], default=1.0)
    frame = _Frame(
        n=len(labels),
        low=min(low, 0.0) if low >= 0 and high > 0 and low < high * 0.25 else low,
        high=high,
        height=height,
        invert=invert,
        whole=whole,
    )
    parts = [frame.open(f"lines {css_class}", caption)]
    if band is not None:
        y_top, y_bottom = frame.y(band[1]), frame.y(band[0])
        size = f'width="{frame.plot_w}" height="{y_bottom - y_top:.1f}"'
        parts.append(f'<rect class="band" x="{LEFT}" y="{y_top:.1f}" {size}/>')
    parts.append(frame.axes(x_ticks))
    if frame.low < 0 < frame.high:
        parts.append(_hline(frame.y(0), "zero"))
    for value, rule_class in rules:
        parts.append(_hline(frame.y(value), f"rule {rule_class}"))
    for line in lines:
        parts.append(_polyline(frame, line.values, line.css_class, line.dashed))
    parts.append(frame.values(y_format) + "</svg>")
    xs = [frame.x(i) for i in range(len(labels))]
    legend = [(line.css_class + (" dashed" if line.dashed else ""), line.name) for line in lines]
    return ChartFigure(group, "".join(parts), readout_json(xs, labels), caption, legend)


def heat_map(
    *,
    days: Sequence[tuple[dt.date, float]],
    week_start: int,
    day_label: Callable[[dt.date, float], str],
    week_label: Callable[[dt.date, float], str],
    group: str,
    caption: str = "",
) -> ChartFigure:
    """A year calendar: one column per week (starting on `week_start`), one row per weekday, a cell's
    shade the day's value in four levels (quartiles of the days with a value). Each cell has its own
    title; the readout names the week under the cursor."""
    if not days:
        return ChartFigure(group, "", readout_json([], []), caption)
    first = days[0][0]
    origin = first - dt.timedelta(days=(first.weekday() - week_start) % 7)
    positive = sorted(v for _, v in days if v > 0)
    cuts = [positive[int(len(positive) * q)] for q in (0.25, 0.5, 0.75)] if positive else []
    columns = (days[-1][0] - origin).days // 7 + 1
    cell, left, top = min(13.0, (WIDTH - 32 - RIGHT) / columns), 32, 16
    height = int(top + 7 * cell + 6)
    parts = [
        f'<svg class="chart heat" viewBox="0 0 {WIDTH} {height}" role="img" aria-label="{escape(caption)}" '
        'xmlns="http://www.w3.org/2000/svg">'
    ]
    weeks: dict[int, float] = {}
    month_seen = -1
    for day, value in days:
        col, row = (day - origin).days // 7, (day - origin).days % 7
        weeks[col] = weeks.get(col, 0.0) + value
        level = 0 if value <= 0 else 1 + sum(value > c for c in cuts)
        x, y = left + col * cell, top + row * cell
        parts.append(
            f'<rect class="l{level}" x="{x:.1f}" y="{y:.1f}" width="{cell - 2:.1f}" height="{cell - 2:.1f}">'
            f"<title>{escape(day_label(day, value))}</title></rect>"
        )
        if day.month != month_seen:  # the month's name above the column of its first day
            parts.append(f'<text x="{x:.1f}" y="{top - 5}">{day:%b}</text>')
            month_seen = day.month
    for row in (0, 2, 4):
        weekday = dt.date(2024, 1, 1 + (week_start + row) % 7)  # 1 January 2024 was a Monday
        parts.append(f'<text x="0" y="{top + row * cell + cell - 3:.1f}">{f"{weekday:%a}"[:2]}</text>')
    parts.append("</svg>")
    cols = sorted(weeks)
    xs = [left + c * cell + cell / 2 for c in cols]
    labels = [week_label(origin + dt.timedelta(days=7 * c), weeks[c]) for c in cols]
    legend = [(f"l{n}", text) for n, text in enumerate(("rest", "", "", "", "most"))]
    return ChartFigure(group, "".join(parts), readout_json(xs, labels), caption, legend)

"""An activity's charts as server-drawn SVG, each with the readout charts.js shows under the cursor.

Python draws the lines, the lap and rep bands and the gridlines; the page adds the tick labels as HTML
(so they stay legible when a phone shrinks the chart); review/static/review/charts.js only moves a
cursor and shows the pre-formatted label nearest it. Everything is in the runner's units.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import accumulate
from statistics import median

from activities.formatting import (
    display_units,
    distance_in_unit,
    distance_unit,
    elevation_unit,
    format_duration,
    pace_in_unit,
)

WIDTH, HEIGHT = 1000, 200  # viewBox of the plot area; it is stretched to the page's width
PAD = 0.06  # share of the height left free above and below the line
LINE_BUCKETS = 300  # min and max of each bucket: at most 600 points per line
READOUT_POINTS = 500  # moments the cursor can stop at, shared by every chart and the map
SLOWEST_SPEED = 0.8  # m/s; slower is standing, not running, and has no pace worth drawing
PACE_WINDOW = 15  # samples averaged for the pace line, so GPS jitter does not drown it
X_AXES = ("distance", "time")

DECIMAL_STEPS = tuple(m * 10.0**k for k in range(-2, 6) for m in (1, 2, 2.5, 5))
# Heart rate, elevation and cadence are read in whole numbers: no 142.5 bpm tick to round.
WHOLE_STEPS = tuple(step for step in DECIMAL_STEPS if step >= 1 and step.is_integer())
TIME_STEPS = (60, 120, 300, 600, 900, 1200, 1800, 3600, 7200, 10800, 21600)
PACE_STEPS = (5, 10, 15, 30, 60, 120, 300, 600)
FOOT_M = 0.3048
COLOURS = {"pace": "#1f6feb", "hr": "#c53030", "elevation": "#2f855a", "cadence": "#6b46c1"}


@dataclass(slots=True)
class Tick:
    """One axis label: `at` is its place along the axis in percent (0 = left or top)."""

    at: float
    label: str
    minor: bool = False  # every other label, left out where the chart is narrow (a phone)

    @property
    def edge(self) -> str:
        """Labels at the ends are anchored inwards, so none sticks out of a phone's screen."""
        return "start" if self.at < 6 else "end" if self.at > 94 else ""


@dataclass(slots=True)
class Span:
    """A lap or rep as seconds from the stream's start: drawn as a band, highlighted from its table."""

    start_s: float
    end_s: float
    kind: str  # "lap" or "rep"
    index: int


@dataclass(slots=True)
class Chart:
    key: str
    title: str
    svg: str
    y_ticks: list[Tick]
    readout: dict

    @property
    def readout_json(self) -> str:
        """The readout as JSON that is safe inside a <script> element."""
        text = json.dumps(self.readout, separators=(",", ":"), ensure_ascii=False)
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@dataclass(slots=True)
class ChartSet:
    """The charts of one activity, sharing an x axis and the moments their readouts stop at."""

    x_axis: str
    x_ticks: list[Tick]
    charts: list[Chart] = field(default_factory=list)
    samples: list[int] = field(default_factory=list)  # stream index of each readout moment
    has_distance: bool = False


def nice_ticks(lo: float, hi: float, *, steps: Sequence[float] = DECIMAL_STEPS, most: int = 5) -> list[float]:
    """Round values inside [lo, hi]: the multiples of the smallest step giving at most `most` of them."""
    if hi < lo:
        lo, hi = hi, lo
    for step in steps:
        first = math.ceil(lo / step - 1e-9)
        last = math.floor(hi / step + 1e-9)
        if last - first + 1 <= most:
            return [round(k * step, 10) for k in range(first, last + 1)]
    return [lo, hi]


def minmax_downsample(xs: Sequence[float], ys: Sequence[float], buckets: int = LINE_BUCKETS):
    """About 2 × `buckets` points: each run of samples keeps its lowest and its highest, in order, so a
    sprint, a summit or a heart-rate peak survives the thinning; the first and last samples stay too."""
    if len(xs) <= 2 * buckets:
        return list(xs), list(ys)
    ys = list(ys)
    out_x: list[float] = []
    out_y: list[float] = []
    size = len(xs) / buckets
    for b in range(buckets):
        lo = int(b * size)
        hi = max(int((b + 1) * size), lo + 1)
        chunk = ys[lo:hi]
        low, high = lo + chunk.index(min(chunk)), lo + chunk.index(max(chunk))
        for i in (low, high) if low < high else (high, low) if high < low else (low,):
            out_x.append(xs[i])
            out_y.append(ys[i])
    if out_x[0] != xs[0]:  # the line spans the whole axis
        out_x.insert(0, xs[0])
        out_y.insert(0, ys[0])
    if out_x[-1] != xs[-1]:
        out_x.append(xs[-1])
        out_y.append(ys[-1])
    return out_x, out_y


def centred_mean(values: Sequence[float | None], window: int) -> list[float | None]:
    """Mean of the present values within ±window/2 samples; a missing sample stays missing."""
    half = window // 2
    prefix = list(accumulate((v or 0.0 for v in values), initial=0.0))
    counts = list(accumulate((v is not None for v in values), initial=0))
    # Padded so the window of sample i is always [i, i + w) of the padded sums: no bounds checks.
    sums = [0.0] * half + prefix + [prefix[-1]] * half
    present = [0] * half + counts + [counts[-1]] * half
    w = 2 * half + 1
    return [
        None if v is None else (sums[i + w] - sums[i]) / (present[i + w] - present[i])
        for i, v in enumerate(values)
    ]


def reading_moments(n: int, most: int = READOUT_POINTS) -> list[int]:
    """Evenly spread sample indexes, first and last included."""
    if n <= most:
        return list(range(n))
    return [round(k * (n - 1) / (most - 1)) for k in range(most)]


def _filled(values: Sequence[float | None]) -> list[float]:
    """A cumulative column without gaps: a missing value repeats the previous one (0 at the start)."""
    return list(accumulate(values, lambda last, v: last if v is None else v, initial=0.0))[1:]


def _speeds(columns: dict) -> list[float | None]:
    speed = columns.get("speed")
    if speed and any(v is not None for v in speed):
        return list(speed)
    # No speed column (some GPX files): the distance gained over the surrounding ±5 samples.
    times, dist = columns["time"], _filled(columns.get("distance") or [None] * len(columns["time"]))
    n, out = len(times), []
    for i in range(n):
        lo, hi = max(0, i - 5), min(n - 1, i + 5)
        out.append((dist[hi] - dist[lo]) / (times[hi] - times[lo]) if times[hi] > times[lo] else None)
    return out


@dataclass(slots=True)
class _Series:
    key: str
    title: str
    values: list[float | None]  # in display units
    tick_steps: Sequence[float]
    tick_label: Callable[[float], str]
    min_span: float
    inverted: bool = False
    unit: str = ""

    def labels(self, values: Sequence[float | None], positions: Sequence[str]) -> list[str]:
        """ "5:02 /km · 2.40 km · 12:31" at each moment; "—" where the stream has no value there."""
        name, unit = self.tick_label, self.unit
        return [
            f"— · {p}" if v is None else f"{name(v)} {unit} · {p}"
            for v, p in zip(values, positions, strict=True)
        ]


def _pace_label(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"


def _series(columns: dict, units: str) -> list[_Series]:
    n = len(columns["time"])
    unit = distance_unit(units)
    per_unit = pace_in_unit(1000, units)  # seconds per km or mile at 1 m/s
    paces = [per_unit / s if s is not None and s > SLOWEST_SPEED else None for s in _speeds(columns)]
    feet = elevation_unit(units) == "ft"
    altitude = [None if a is None else (a / FOOT_M if feet else a) for a in columns.get("altitude") or []]
    plain = lambda v: f"{v:.0f}"  # noqa: E731
    return [
        _Series("pace", f"Pace (min/{unit})", centred_mean(paces, PACE_WINDOW), PACE_STEPS,
                _pace_label, 30, inverted=True, unit=f"/{unit}"),
        _Series("hr", "Heart rate (bpm)", list(columns.get("heart_rate") or [None] * n), WHOLE_STEPS,
                plain, 10, unit="bpm"),
        _Series("elevation", f"Elevation ({elevation_unit(units)})", altitude or [None] * n, WHOLE_STEPS,
                plain, 10, unit=elevation_unit(units)),
        _Series("cadence", "Cadence (spm)", list(columns.get("cadence") or [None] * n), WHOLE_STEPS,
                plain, 10, unit="spm"),
    ]  # fmt: skip


def _y_range(series: _Series, present: list[float]) -> tuple[float, float]:
    lo, hi = min(present), max(present)
    if series.inverted:
        # Pace: walking breaks would squash the running into a thin line; show up to 1.5 × the median.
        hi = min(hi, 1.5 * median(present))
    if hi - lo < series.min_span:
        middle = (hi + lo) / 2
        lo, hi = middle - series.min_span / 2, middle + series.min_span / 2
    pad = (hi - lo) * PAD
    return lo - pad, hi + pad


class _Scale:
    """Maps a value to viewBox units: x over [x0, x1], y over [y0, y1] (upside down unless inverted)."""

    def __init__(self, x0: float, x1: float, y0: float, y1: float, inverted: bool):
        self.x0, self.x_span = x0, (x1 - x0) or 1.0
        self.y0, self.y1, self.inverted = y0, y1, inverted

    def x(self, value: float) -> float:
        return round((value - self.x0) / self.x_span * WIDTH, 1)

    def y(self, value: float) -> float:
        clipped = min(max(value, self.y0), self.y1)
        share = (clipped - self.y0) / (self.y1 - self.y0)
        return round((share if self.inverted else 1 - share) * HEIGHT, 1)

    def _heights(self, values: Iterable[float]) -> list[float]:
        """`y` of present values, unrounded: one pass, as this runs for every drawn point."""
        y0, y1, ky = self.y0, self.y1, HEIGHT / (self.y1 - self.y0)
        clipped = [y0 if v < y0 else y1 if v > y1 else v for v in values]
        if self.inverted:
            return [(v - y0) * ky for v in clipped]
        return [HEIGHT - (v - y0) * ky for v in clipped]

    def ys(self, values: Sequence[float | None]) -> list[float | None]:
        """`y` of many values, rounded for the readout; None (no value at that moment) stays None."""
        heights = iter(self._heights([v for v in values if v is not None]))
        return [None if v is None else round(next(heights), 1) for v in values]

    def points(self, xs: Sequence[float], ys: Sequence[float]) -> Iterator[str]:
        """`x,y` pairs for a polyline."""
        kx, x0 = WIDTH / self.x_span, self.x0
        for x, py in zip(xs, self._heights(ys), strict=True):
            yield f"{(x - x0) * kx:.1f},{py:.1f}"

    def y_percent(self, value: float) -> float:
        return round(self.y(value) / HEIGHT * 100, 2)


def _bands_svg(spans: Iterable[Span], x_of_time: Callable[[float], float]) -> str:
    parts, laps = [], 0
    for span in spans:
        x0, x1 = x_of_time(span.start_s), x_of_time(span.end_s)
        if span.kind == "lap":
            laps += 1
            fill = "#eef2f6" if laps % 2 == 0 else "none"
        else:
            fill = "#fde8c8"
        parts.append(
            f'<rect class="band {span.kind}-band" data-{span.kind}="{span.index}" x="{x0}" y="0" '
            f'width="{max(x1 - x0, 0.5):.1f}" height="{HEIGHT}" fill="{fill}"/>'
        )
    return "".join(parts)


def _svg(series: _Series, points: str, bands: str, grid: list[float], x_grid: list[float]) -> str:
    lines = "".join(f'<line x1="0" y1="{y}" x2="{WIDTH}" y2="{y}"/>' for y in grid)
    lines += "".join(f'<line x1="{x}" y1="0" x2="{x}" y2="{HEIGHT}"/>' for x in x_grid)
    return (
        f'<svg class="chart-svg {series.key}" viewBox="0 0 {WIDTH} {HEIGHT}" preserveAspectRatio="none" '
        f'role="img" aria-label="{series.title}" xmlns="http://www.w3.org/2000/svg">'
        f'<g class="bands">{bands}</g>'
        f'<g class="grid" stroke="#dde2e6" vector-effect="non-scaling-stroke">{lines}</g>'
        f'<polyline class="line" fill="none" stroke="{COLOURS[series.key]}" stroke-width="1.5" '
        f'stroke-linejoin="round" vector-effect="non-scaling-stroke" points="{points}"/></svg>'
    )


def _x_values(columns: dict, metres: list[float] | None, x_axis: str, units: str) -> list[float]:
    if x_axis == "distance" and metres is not None:
        per_metre = distance_in_unit(1.0, units)
        return [d * per_metre for d in metres]
    return list(columns["time"])


def _x_tick_label(value: float, x_axis: str, units: str) -> str:
    if x_axis == "time":
        return format_duration(value)
    return f"{value:g} {distance_unit(units)}"


def _position_labels(times: Sequence[float], metres: list[float] | None, moments: list[int], units: str):
    """ "2.40 km · 12:31" at each moment (the time alone without distance)."""
    if metres is None:
        return [format_duration(times[i]) for i in moments]
    unit, per_metre = distance_unit(units), distance_in_unit(1.0, units)
    return [f"{metres[i] * per_metre:.2f} {unit} · {format_duration(times[i])}" for i in moments]


def activity_charts(
    columns: dict, *, x_axis: str = "distance", spans: Sequence[Span] = (), units: str | None = None
) -> ChartSet | None:
    """Pace, heart rate, elevation and cadence of one stream over distance (or time), or None when the
    stream has fewer than two samples. `spans` are laps and reps in seconds from the stream's start."""
    units = units or display_units()
    times = columns.get("time") or []
    if len(times) < 2:
        return None
    distance = columns.get("distance")
    has_distance = bool(distance) and any(d for d in distance)
    x_axis = x_axis if x_axis in X_AXES and has_distance else "time"
    metres = _filled(distance) if has_distance else None
    xs = _x_values(columns, metres, x_axis, units)
    x0, x1 = min(xs[0], 0.0), xs[-1]  # the axis starts at 0 km (or 0:00), where the run did
    steps = TIME_STEPS if x_axis == "time" else DECIMAL_STEPS
    x_ticks_values = nice_ticks(x0, x1, steps=steps, most=6)
    base = _Scale(x0, x1, 0, 1, False)

    def x_of_time(seconds: float) -> float:
        i = min(bisect_left(times, seconds), len(times) - 1)
        return base.x(xs[i])

    bands = _bands_svg(spans, x_of_time)
    moments = reading_moments(len(times))
    positions = _position_labels(times, metres, moments, units)
    readout_x = [base.x(xs[i]) for i in moments]
    chart_set = ChartSet(
        x_axis=x_axis,
        x_ticks=[
            Tick(
                round(base.x(v) / WIDTH * 100, 2),
                _x_tick_label(v, x_axis, units),
                len(x_ticks_values) > 4 and n % 2 == 1,
            )
            for n, v in enumerate(x_ticks_values)
        ],
        samples=moments,
        has_distance=has_distance,
    )
    x_grid = [base.x(v) for v in x_ticks_values]
    for series in _series(columns, units):
        chart = _chart(series, xs, x0, x1, bands, x_grid, moments, positions, readout_x)
        if chart is not None:
            chart_set.charts.append(chart)
    return chart_set


def _chart(series, xs, x0, x1, bands, x_grid, moments, positions, readout_x) -> Chart | None:
    pairs = [(x, v) for x, v in zip(xs, series.values, strict=False) if v is not None]
    if len(pairs) < 2:
        return None
    present = [v for _, v in pairs]
    y0, y1 = _y_range(series, present)
    scale = _Scale(x0, x1, y0, y1, series.inverted)
    line_x, line_y = minmax_downsample([p[0] for p in pairs], present)
    points = " ".join(scale.points(line_x, line_y))
    tick_values = nice_ticks(y0, y1, steps=series.tick_steps, most=4)
    values = [series.values[i] if i < len(series.values) else None for i in moments]
    readout = {
        "x": readout_x,
        "y": scale.ys(values),
        "labels": series.labels(values, positions),
    }
    return Chart(
        key=series.key,
        title=series.title,
        svg=_svg(series, points, bands, [scale.y(v) for v in tick_values], x_grid),
        y_ticks=[Tick(scale.y_percent(v), series.tick_label(v)) for v in tick_values],
        readout=readout,
    )

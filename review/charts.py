"""Line charts as inline SVG, rendered on the server from a decoded stream: no JavaScript, no CDN."""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

from activities.formatting import format_pace

MAX_POINTS = 400
WIDTH, HEIGHT = 720, 150
LEFT, RIGHT, TOP, BOTTOM = 52, 8, 8, 22


@dataclass(slots=True)
class Chart:
    title: str
    svg: str


def _bucket(xs: list[float], ys: list[float], n: int = MAX_POINTS) -> tuple[list[float], list[float]]:
    """At most `n` points: each is the mean of a run of consecutive samples."""
    if len(xs) <= n:
        return xs, ys
    size = len(xs) / n
    out_x, out_y = [], []
    for i in range(n):
        lo, hi = int(i * size), max(int((i + 1) * size), int(i * size) + 1)
        out_x.append(sum(xs[lo:hi]) / (hi - lo))
        out_y.append(sum(ys[lo:hi]) / (hi - lo))
    return out_x, out_y


def _smooth(values: list[float], window: int) -> list[float]:
    """Trailing moving average, so GPS speed jitter does not drown the pace line."""
    out, total = [], 0.0
    for i, value in enumerate(values):
        total += value
        if i >= window:
            total -= values[i - window]
        out.append(total / min(i + 1, window))
    return out


def svg_line_chart(
    *,
    xs: list[float],
    ys: list[float],
    x_label: str,
    y_format=lambda v: f"{v:.0f}",
    invert: bool = False,
    css_class: str = "",
) -> str:
    """One polyline with min/max gridlines; `invert` puts low values on top (pace: faster is up)."""
    x0, x1 = min(xs), max(xs)
    xs, ys = _bucket(xs, ys)
    y0, y1 = min(ys), max(ys)
    if y1 - y0 < 1e-9:
        y0, y1 = y0 - 1, y1 + 1
    x_span = (x1 - x0) or 1.0
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def px(x: float) -> float:
        return LEFT + (x - x0) / x_span * plot_w

    def py(y: float) -> float:
        share = (y - y0) / (y1 - y0)
        return TOP + (share if invert else 1 - share) * plot_h

    points = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in zip(xs, ys, strict=True))
    top_value, bottom_value = (y0, y1) if invert else (y1, y0)
    return (
        f'<svg class="chart {escape(css_class)}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg">'
        f'<line class="grid" x1="{LEFT}" y1="{TOP}" x2="{WIDTH - RIGHT}" y2="{TOP}"/>'
        f'<line class="grid" x1="{LEFT}" y1="{TOP + plot_h}" x2="{WIDTH - RIGHT}" y2="{TOP + plot_h}"/>'
        f'<text x="{LEFT - 4}" y="{TOP + 10}" text-anchor="end">{escape(y_format(top_value))}</text>'
        f'<text x="{LEFT - 4}" y="{TOP + plot_h}" text-anchor="end">{escape(y_format(bottom_value))}</text>'
        f'<text x="{LEFT}" y="{HEIGHT - 4}">{x0:.1f}</text>'
        f'<text x="{WIDTH - RIGHT}" y="{HEIGHT - 4}" text-anchor="end">{x1:.1f} {escape(x_label)}</text>'
        f'<polyline fill="none" points="{points}"/></svg>'
    )


def _series(xs: list, ys: list) -> tuple[list[float], list[float]]:
    pairs = [(x, y) for x, y in zip(xs, ys, strict=True) if x is not None and y is not None]
    return [p[0] for p in pairs], [p[1] for p in pairs]


def stream_charts(columns: dict) -> list[Chart]:
    """Pace, heart rate, elevation and cadence over distance (or over time without distance)."""
    distance = columns.get("distance")
    if distance and any(v is not None for v in distance):
        xs, x_label = [None if d is None else d / 1000 for d in distance], "km"
    else:
        xs, x_label = [t / 60 for t in columns["time"]], "min"
    charts = []
    speed = columns.get("speed")
    if speed:
        px, sp = _series(xs, [s if s and s > 0.8 else None for s in speed])
        if len(px) > 1:
            pace = _smooth([1000 / s for s in sp], 15)
            svg = svg_line_chart(
                xs=px, ys=pace, x_label=x_label, y_format=format_pace, invert=True, css_class="pace"
            )
            charts.append(Chart("Pace", svg))
    for name, title, css_class in (
        ("heart_rate", "Heart rate (bpm)", "hr"),
        ("altitude", "Elevation (m)", "elevation"),
        ("cadence", "Cadence (spm)", "cadence"),
    ):
        cx, cy = _series(xs, columns.get(name) or [None] * len(xs))
        if len(cx) > 1:
            charts.append(Chart(title, svg_line_chart(xs=cx, ys=cy, x_label=x_label, css_class=css_class)))
    return charts

"""Template tags of the analysis pages: their charts (numbers into the runner's units and readout
text, then `review.analysis_charts` draws them) and the dashboard's analysis cards.

    {% load analysis_tags %}
    {% volume_chart summary.volume.weekly "distance" last=12 as chart %}{% include "review/_chart.html" %}
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from itertools import pairwise

from django import template

from activities.analysis.load import LoadDay
from activities.analysis.selectors import LongRun, RunalyzeDay, ZoneWeek, shoes_near_end
from activities.analysis.trends import TrendMonth
from activities.analysis.vdot import EQUIVALENT_DISTANCES_M, STANDARD_DISTANCES_M
from activities.analysis.volume import PeriodVolume, period_starts
from activities.formatting import (
    FOOT_M,
    distance_in_unit,
    distance_unit,
    elevation_unit,
    format_distance,
    format_duration,
    format_elevation,
    format_pace,
    pace_in_unit,
)
from review.analysis_charts import ChartFigure, Line, bar_chart, heat_map, line_chart, stacked_bar_chart

register = template.Library()


def _trim(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:g}"


def _metric(
    metric: str,
) -> tuple[str, Callable[[float], float], Callable[[float], str], Callable[[float], str]]:
    """(title, SI → chart value, axis text, readout text) of a volume metric in the units in force."""
    if metric == "time":
        return "Moving time", lambda s: s / 3600, lambda h: f"{h:g} h", format_duration
    if metric == "elevation":
        to_unit = (lambda m: m / FOOT_M) if elevation_unit() == "ft" else (lambda m: m)
        return "Elevation gain", to_unit, lambda v: f"{_trim(v)} {elevation_unit()}", format_elevation
    if metric == "runs":
        return "Runs", float, lambda n: f"{n:g}", lambda n: f"{n:.0f} runs"
    unit = distance_unit()
    return "Distance", distance_in_unit, lambda v: f"{_trim(v)} {unit}", format_distance


METRIC_FIELDS = {"distance": "distance_m", "time": "moving_time_s", "elevation": "elevation_gain_m"}


def _si(volume: PeriodVolume, metric: str) -> float:
    return (
        float(volume.runs) if metric == "runs" else getattr(volume, METRIC_FIELDS.get(metric, "distance_m"))
    )


def _ticks(starts: Sequence[dt.date], text: Callable[[dt.date], str | None]) -> list[tuple[float, str]]:
    ticks = []
    for i, start in enumerate(starts):
        label = text(start)
        if label:
            ticks.append((i, label))
    return ticks


def _period_name(period: str, start: dt.date) -> str:
    if period == "weekly":
        return f"Week of {start.day} {start:%b %Y}"
    return f"{start:%B %Y}" if period == "monthly" else str(start.year)


@register.simple_tag
def volume_chart(
    volumes: Sequence[PeriodVolume], metric: str, period: str = "weekly", last: int = 0
) -> ChartFigure:
    """Bars of one metric per period, the same period a year before as a pale bar behind."""
    volumes = list(volumes)[-last:] if last else list(volumes)
    title, to_unit, axis, text = _metric(metric)
    labels = [
        f"{_period_name(period, v.period_start)} · {text(_si(v, metric))}"
        f" · a year before {text(_si(v.last_year, metric))}"
        for v in volumes
    ]
    starts = [v.period_start for v in volumes]
    if period == "weekly":
        every = -(-len(starts) // 8)  # at most eight labels
        ticks = _ticks(starts, lambda d: f"{d.day} {d:%b}" if starts.index(d) % every == 0 else None)
    elif period == "monthly":
        ticks = _ticks(starts, lambda d: str(d.year) if d.month == 1 or d == starts[0] else None)
    else:
        ticks = _ticks(starts, lambda d: str(d.year))
    return bar_chart(
        values=[to_unit(_si(v, metric)) for v in volumes],
        ghosts=[to_unit(_si(v.last_year, metric)) for v in volumes],
        labels=labels,
        x_ticks=ticks,
        y_format=axis,
        group=f"volume-{period}-{len(volumes)}",
        caption=title,
        names=("this year", "a year before"),
        whole=metric == "runs",
    )


@register.simple_tag
def longest_chart(volumes: Sequence[PeriodVolume]) -> ChartFigure:
    """The longest run of each week."""
    unit = distance_unit()
    starts = [v.period_start for v in volumes]
    every = -(-len(starts) // 8)
    return bar_chart(
        values=[distance_in_unit(v.longest_m) for v in volumes],
        labels=[
            f"Week of {v.period_start.day} {v.period_start:%b %Y} · longest {format_distance(v.longest_m)}"
            for v in volumes
        ],
        x_ticks=_ticks(starts, lambda d: f"{d.day} {d:%b}" if starts.index(d) % every == 0 else None),
        y_format=lambda v: f"{_trim(v)} {unit}",
        group=f"volume-weekly-{len(volumes)}",
        caption="Longest run of the week",
        css_class="longest",
        names=("longest run", ""),
    )


@register.simple_tag
def heat_chart(days: Sequence[tuple[dt.date, float]], week_start: int) -> ChartFigure:
    """A year of daily distance as a calendar."""
    return heat_map(
        days=days,
        week_start=week_start,
        day_label=lambda d, m: f"{_day(d)} · {format_distance(m) if m else 'rest'}",
        week_label=lambda d, m: f"Week of {d.day} {d:%b} · {format_distance(m)}",
        group="heat",
        caption="Daily distance",
    )


def _day_ticks(days: Sequence[dt.date]) -> list[tuple[float, str]]:
    return _ticks(days, lambda d: f"{d:%b}" if d.day == 1 else None)


@register.simple_tag
def load_charts(load: Sequence[LoadDay], runalyze: Sequence[RunalyzeDay | None]) -> list[ChartFigure]:
    """Fitness and fatigue, form, and the acute:chronic ratio, day by day, sharing one cursor."""
    days = [d.date for d in load]
    ticks = _day_ticks(days)
    has_runalyze = any(r is not None for r in runalyze)
    labels = []
    for d, r in zip(load, runalyze, strict=True):
        text = f"{_day(d.date)} · load {d.load:.0f} · CTL {d.ctl:.1f} · ATL {d.atl:.1f} · TSB {d.tsb:.1f}"
        if r is not None:
            text += f" · Runalyze {_num(r.fitness)}/{_num(r.fatigue)}/{_num(r.form)}"
        labels.append(text)
    fitness = [
        Line([d.ctl for d in load], "ctl", "CTL (fitness, RunBase)"),
        Line([d.atl for d in load], "atl", "ATL (fatigue, RunBase)"),
    ]
    form = [Line([d.tsb for d in load], "tsb", "TSB (form, RunBase)")]
    if has_runalyze:
        fitness += [
            Line([r.fitness if r else None for r in runalyze], "ctl", "Runalyze fitness", dashed=True),
            Line([r.fatigue if r else None for r in runalyze], "atl", "Runalyze fatigue", dashed=True),
        ]
        form.append(Line([r.form if r else None for r in runalyze], "tsb", "Runalyze form", dashed=True))
    acwr_labels = [
        f"{_day(d.date)} · ACWR rolling {_num(d.acwr_rolling, 2)} · EWMA {_num(d.acwr_ewma, 2)}" for d in load
    ]
    acwr = [
        Line([d.acwr_rolling for d in load], "acwr", "ACWR 7/28-day rolling"),
        Line([d.acwr_ewma for d in load], "acwr-ewma", "ACWR EWMA (ATL/CTL)"),
    ]
    return [
        line_chart(
            lines=fitness,
            labels=labels,
            x_ticks=ticks,
            y_format=_trim,
            group="load",
            caption="Fitness and fatigue",
        ),
        line_chart(
            lines=form, labels=labels, x_ticks=ticks, y_format=_trim, group="load", caption="Form", height=140
        ),
        line_chart(
            lines=acwr,
            labels=acwr_labels,
            x_ticks=ticks,
            y_format=lambda v: f"{v:g}",
            group="load",
            band=(0.8, 1.3),
            rules=[(1.5, "warning")],
            caption="Acute:chronic workload ratio",
            height=150,
        ),
    ]


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _day(day: dt.date) -> str:
    """ "Tue 5 Mar 2024" (by table: a readout has a label per day, and strftime is slow)."""
    return f"{WEEKDAYS[day.weekday()]} {day.day} {MONTHS[day.month - 1]} {day.year}"


def _num(value: float | None, digits: int = 0) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


@register.simple_tag
def vdot_chart(trend: Sequence[tuple[dt.date, float]]) -> ChartFigure | None:
    """The current VDOT on each day with a result."""
    if not trend:
        return None
    every = -(-len(trend) // 6)
    return line_chart(
        lines=[Line([v for _, v in trend], "vdot", "VDOT (best of the window)")],
        labels=[f"{d.day} {d:%b %Y} · VDOT {v:.1f}" for d, v in trend],
        x_ticks=[(i, f"{d:%b %Y}") for i, (d, _) in enumerate(trend) if i % every == 0],
        y_format=lambda v: f"{v:g}",
        group="vdot",
        caption="VDOT",
        height=150,
    )


def _months(trend: Sequence[TrendMonth]) -> list[dt.date]:
    """Every month from the first to the last of a trend, so the x axis is time."""
    if not trend:
        return []
    return period_starts(first=trend[0].month, last=trend[-1].month, period="monthly")


@register.simple_tag
def trend_chart(trend: Sequence[TrendMonth], kind: str) -> ChartFigure | None:
    """A monthly trend: `efficiency` (metres per heartbeat, up is better) or `pace` (faster is up)."""
    months = _months(trend)
    if not months:
        return None
    by_month = {t.month: t for t in trend}
    if kind == "pace":
        values = [pace_in_unit(by_month[m].value) if m in by_month else None for m in months]
        text, axis, caption = (
            (lambda t: format_pace(t.value)),
            _clock,
            "Pace at the heart-rate band (faster is up)",
        )
    else:
        values = [by_month[m].value if m in by_month else None for m in months]
        text, axis, caption = (
            (lambda t: f"{t.value:.2f} m per beat"),
            (lambda v: f"{v:g}"),
            "Efficiency of easy runs",
        )
    labels = [
        f"{m:%B %Y} · {text(by_month[m])} (median of {by_month[m].runs})"
        if m in by_month
        else f"{m:%B %Y} · no run"
        for m in months
    ]
    every = -(-len(months) // 6)  # at most six labels
    return line_chart(
        lines=[Line(values, kind, caption)],
        labels=labels,
        x_ticks=[(i, f"{m:%b %Y}") for i, m in enumerate(months) if i % every == 0],
        y_format=axis,
        group=f"trend-{kind}",
        caption=caption,
        height=160,
        invert=kind == "pace",
        whole=kind == "pace",
    )


def zone_names(bounds: Sequence[float]) -> list[str]:
    """ "Z1 < 114", "Z2 114–133", … "Z5 ≥ 171" (bpm)."""
    edges = [None, *bounds, None]
    names = []
    for k, (low, high) in enumerate(pairwise(edges)):
        span = f"< {high:g}" if low is None else f"≥ {low:g}" if high is None else f"{low:g}–{high:g}"
        names.append(f"Z{k + 1} {span}")
    return names


@register.simple_tag
def zones_chart(weeks: Sequence[ZoneWeek], bounds: Sequence[float]) -> ChartFigure | None:
    """Hours in each heart-rate zone per week, stacked zone 1 at the bottom."""
    if not weeks or not any(sum(w.zone_s) for w in weeks):
        return None
    names = zone_names(bounds)
    labels = []
    for w in weeks:
        zones = " · ".join(f"Z{k + 1} {format_duration(s)}" for k, s in enumerate(w.zone_s) if s)
        labels.append(f"Week of {w.week_start.day} {w.week_start:%b %Y} · {zones or 'no heart rate'}")
    every = -(-len(weeks) // 7)
    return stacked_bar_chart(
        stacks=[[s / 3600 for s in w.zone_s] for w in weeks],
        labels=labels,
        x_ticks=[(i, f"{w.week_start.day} {w.week_start:%b}") for i, w in enumerate(weeks) if i % every == 0],
        y_format=lambda h: f"{h:g} h",
        group="zones",
        names=[f"{name} bpm" for name in names],
        caption="Time in heart-rate zones per week",
    )


@register.simple_tag
def decoupling_chart(runs: Sequence[LongRun]) -> ChartFigure | None:
    """The aerobic decoupling of each long run, with the 0–5 % of a sound aerobic base shaded."""
    if not runs:
        return None
    every = -(-len(runs) // 6)
    labels = [
        f"{_day(r.date)} · {format_distance(r.distance_m)} in {format_duration(r.duration_s)}"
        f" · decoupling {r.decoupling_pct:.1f} %"
        for r in runs
    ]
    return line_chart(
        lines=[Line([r.decoupling_pct for r in runs], "decoupling", "Pa:HR decoupling")],
        labels=labels,
        x_ticks=[(i, f"{r.date:%b %Y}") for i, r in enumerate(runs) if i % every == 0],
        y_format=lambda v: f"{v:g} %",
        group="decoupling",
        band=(0.0, 5.0),
        caption="Aerobic decoupling of long runs",
        height=160,
    )


def _clock(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    return f"{minutes}:{secs:02d}"


@register.simple_tag
def near_end_shoes() -> list:
    """The shoes the dashboard's card warns about."""
    return shoes_near_end()


@register.filter
def bpm_list(bounds: Sequence[float]) -> str:
    """[111.0, 129.5] → "111, 129.5"."""
    return ", ".join(f"{b:g}" for b in bounds)


@register.filter
def words(text: str) -> list[str]:
    """`{% with whats="weekly monthly"|words %}`: a list written in a template."""
    return text.split()


@register.filter
def last_n(items: Sequence, n: int) -> list:
    """The last `n` items."""
    return list(items)[-int(n) :]


@register.filter
def in_unit(metres: float | None) -> str:
    """A distance as a bare number in km or miles (the column header names the unit)."""
    return "—" if metres is None else f"{distance_in_unit(metres):,.0f}"


@register.filter
def load_method(method: str) -> str:
    """`trimp_stream` → "TRIMP, HR stream"."""
    return LOAD_METHODS.get(method, method)


LOAD_METHODS = {"trimp_stream": "TRIMP, HR stream", "trimp_avg": "TRIMP, average HR", "srpe": "Session RPE"}


@register.filter
def equivalents(times_s: dict[str, float]) -> list[tuple[str, float, float]]:
    """VDOT's equivalent times as (distance name, seconds, seconds per km) rows."""
    return [(name, t, t / (EQUIVALENT_DISTANCES_M[name] / 1000)) for name, t in times_s.items()]


ZONES = {
    "E": "E · easy",
    "M": "M · marathon",
    "T": "T · threshold",
    "I": "I · interval",
    "R": "R · repetition",
}


@register.filter
def pace_zone(zone: str) -> str:
    return ZONES.get(zone, zone)


_STANDARD_NAMES = {metres: name for name, metres in STANDARD_DISTANCES_M.items()}


@register.filter
def race_name(metres: float) -> str:
    """A race's official distance by its name ("half marathon"), else in the runner's unit."""
    return _STANDARD_NAMES.get(metres) or format_distance(metres)


@register.filter
def distance_round(metres: float | None) -> str:
    """A set figure such as a shoe's retirement distance, in whole units: 800000 → "800 km" or "497 mi"
    (not "800.00 km": nobody retires a shoe at a hundredth of a kilometre)."""
    return "—" if metres is None else f"{distance_in_unit(metres):,.0f} {distance_unit()}"


@register.filter
def share_pct(part: float, whole: float) -> float:
    """`{{ s.distance_m|share_pct:s.threshold_m }}`: the share in %, for a progress bar."""
    return round(100 * part / whole, 1) if whole else 0.0


@register.filter
def effort_pace(time_s: float, metres: float) -> float | None:
    """Seconds per km of covering `metres` in `time_s` (the `pace` filter shows it in the runner's unit)."""
    return time_s / (metres / 1000) if metres else None

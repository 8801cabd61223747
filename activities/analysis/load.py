"""RunBase's own training load per activity, and the daily series built on it.

Per activity, the first method that has its inputs (stored beside the figure in `ActivityLoad`):

1. `trimp_stream` — Banister's TRIMP over the heart-rate stream:
   Σ Δt_min · HRr · k·e^(c·HRr), HRr = (HR − HRrest) / (HRmax − HRrest) clipped to 0…1,
   k, c = 0.64, 1.92 (men) or 0.86, 1.67 (women). Each sample counts until the next one; a gap of more
   than `MAX_GAP_S` (a paused recording) counts `MAX_GAP_S`.
2. `trimp_avg` — the same formula once, with the average heart rate over the moving time.
3. `srpe` — Foster's session RPE: RPE (or the training log's intensity score) × minutes. Its scale is
   not TRIMP's (an hour at RPE 5 is 300, at TRIMP ~100): it keeps a spreadsheet-only run from counting 0.

HRrest and HRmax come from the settings; without an HRmax, the highest activity max HR (at most
`HR_MAX_CEILING`) is used and the figure says it is estimated.

The daily series (CTL/ATL/TSB) is `activities.training_load.training_load_series`'s 42/7-day EWMA,
fed this load instead of Runalyze's TRIMP; ACWR is acute over chronic load, both as 7/28-day rolling
means and as the EWMA ratio ATL / CTL.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import pairwise

from django.db import transaction
from django.db.models import Max

from activities.analysis.config import AnalysisConfig, analysis_config
from activities.models import Activity, ActivityLoad
from activities.training_load import training_load_series

BANISTER = {"male": (0.64, 1.92), "female": (0.86, 1.67)}
MAX_GAP_S = 30.0
HR_MAX_CEILING = 230.0
ACWR_CHRONIC_DAYS = 28


@dataclass(frozen=True, slots=True)
class HeartRateLimits:
    rest: float
    max: float
    estimated: bool
    sex: str = "male"

    def reserve(self, hr: float) -> float:
        return min(1.0, max(0.0, (hr - self.rest) / (self.max - self.rest)))

    def weight(self, hr: float) -> float:
        """HRr · k·e^(c·HRr): the TRIMP of one minute at `hr`."""
        k, c = BANISTER.get(self.sex, BANISTER["male"])
        x = self.reserve(hr)
        return x * k * math.exp(c * x)


def heart_rate_limits(*, cfg: AnalysisConfig | None = None) -> HeartRateLimits | None:
    """HRrest and HRmax from the settings, else HRmax estimated from the activities; None without either."""
    cfg = cfg or analysis_config()
    if cfg.hr_max:
        return HeartRateLimits(cfg.hr_rest, cfg.hr_max, False, cfg.sex)
    top = Activity.objects.filter(max_hr__lte=HR_MAX_CEILING).aggregate(top=Max("max_hr"))["top"]
    if top is None or top <= cfg.hr_rest:
        return None
    return HeartRateLimits(cfg.hr_rest, top, True, cfg.sex)


def trimp_from_stream(*, times: Sequence, heart_rates: Sequence, limits: HeartRateLimits) -> float | None:
    """Banister TRIMP over samples (times in s); None when fewer than two samples carry a heart rate."""
    samples = [(t, hr) for t, hr in zip(times, heart_rates, strict=True) if t is not None and hr is not None]
    if len(samples) < 2:
        return None
    total = 0.0
    for (t0, hr), (t1, _) in pairwise(samples):
        total += min(t1 - t0, MAX_GAP_S) / 60.0 * limits.weight(hr)
    return total


def trimp_from_average(*, avg_hr: float, duration_s: float, limits: HeartRateLimits) -> float:
    return duration_s / 60.0 * limits.weight(avg_hr)


def session_rpe(*, rpe: float, duration_s: float) -> float:
    return rpe * duration_s / 60.0


@dataclass(frozen=True, slots=True)
class LoadFigure:
    load: float
    method: str


def activity_load_compute(
    *, activity: Activity, columns: dict | None, limits: HeartRateLimits | None
) -> LoadFigure | None:
    """Pure: the load of one activity by the first method that has its inputs."""
    if limits is not None and columns and "heart_rate" in columns:
        trimp = trimp_from_stream(times=columns["time"], heart_rates=columns["heart_rate"], limits=limits)
        if trimp is not None:
            return LoadFigure(round(trimp, 3), ActivityLoad.Method.TRIMP_STREAM)
    duration = activity.duration_s or activity.elapsed_s
    if limits is not None and activity.avg_hr and duration:
        load = trimp_from_average(avg_hr=activity.avg_hr, duration_s=duration, limits=limits)
        return LoadFigure(round(load, 3), ActivityLoad.Method.TRIMP_AVG)
    rpe = activity.rpe or activity.intensity_score
    if rpe and duration:
        return LoadFigure(round(session_rpe(rpe=rpe, duration_s=duration), 3), ActivityLoad.Method.SRPE)
    return None


def load_inputs(activity: Activity, stream_id: int | None, cfg: AnalysisConfig) -> str:
    """What an activity's load is computed from. An estimated HRmax enters as `est`, not its value: a
    new highest heart rate does not make every load stale (`refresh_analysis` recomputes them all)."""
    hr = f"{cfg.hr_rest:g}/{cfg.hr_max or 'est'}/{cfg.sex}"
    values = (
        activity.avg_hr,
        activity.duration_s,
        activity.elapsed_s,
        activity.rpe,
        activity.intensity_score,
    )
    return "|".join([str(stream_id or "-"), hr, *(f"{v:g}" if v is not None else "-" for v in values)])


def activity_load_refresh(
    *,
    activity: Activity,
    stream_id: int | None,
    read_columns: Callable[[], dict],
    cfg: AnalysisConfig | None = None,
    limits: HeartRateLimits | None = None,
    force: bool = False,
) -> bool:
    """Store an activity's load when its inputs changed (or `force`); True when it changed.
    `read_columns()` decodes the stream and `limits` default to `heart_rate_limits()`: both are used
    only when the load is recomputed."""
    cfg = cfg or analysis_config()
    inputs = load_inputs(activity, stream_id, cfg)
    stored = ActivityLoad.objects.filter(activity=activity).first()
    if stored is not None and stored.inputs == inputs and not force:
        return False
    limits = limits or heart_rate_limits(cfg=cfg)
    figure = activity_load_compute(
        activity=activity, columns=read_columns() if stream_id else None, limits=limits
    )
    with transaction.atomic():
        if figure is None:
            return bool(stored and stored.delete()[0])
        uses_hr = figure.method != ActivityLoad.Method.SRPE
        values = {
            "load": figure.load,
            "method": figure.method,
            "hr_rest": limits.rest if uses_hr else None,
            "hr_max": limits.max if uses_hr else None,
            "hr_max_estimated": bool(uses_hr and limits.estimated),
            "inputs": inputs,
        }
        if stored is not None and all(getattr(stored, k) == v for k, v in values.items()):
            return False
        ActivityLoad.objects.update_or_create(activity=activity, defaults=values)
    return True


@dataclass(frozen=True, slots=True)
class LoadDay:
    date: dt.date
    load: float
    ctl: float
    atl: float
    tsb: float
    acwr_rolling: float | None  # mean load of the last 7 days / of the last 28 days
    acwr_ewma: float | None  # ATL / CTL


def acwr_rolling(
    *, loads: Sequence[float], acute: int = 7, chronic: int = ACWR_CHRONIC_DAYS
) -> list[float | None]:
    """Pure: per day, the mean of the last `acute` days over the mean of the last `chronic` days (None
    until `chronic` days exist or when the chronic mean is 0)."""
    out: list[float | None] = []
    for i in range(len(loads)):
        if i + 1 < chronic:
            out.append(None)
            continue
        chronic_mean = sum(loads[i + 1 - chronic : i + 1]) / chronic
        acute_mean = sum(loads[i + 1 - acute : i + 1]) / acute
        out.append(round(acute_mean / chronic_mean, 3) if chronic_mean else None)
    return out


def daily_load(*, sport: str | None = None) -> dict[dt.date, float]:
    """The summed stored load per local date (every sport unless one is given)."""
    rows = ActivityLoad.objects.all()
    if sport:
        rows = rows.filter(activity__sport=sport)
    daily: dict[dt.date, float] = defaultdict(float)
    for day, load in rows.values_list("activity__date", "load"):
        daily[day] += load
    return dict(daily)


def load_series(
    *, daily: dict[dt.date, float], until: dt.date, since: dt.date | None = None
) -> list[LoadDay]:
    """Pure: CTL/ATL/TSB (42/7-day EWMA, `training_load_series`) and both ACWRs for every day; with
    `since`, only the days from then on, each with the figures the whole series gives it."""
    days = training_load_series(daily_trimp=daily, until=until, since=since)
    if not days:
        return []
    # The rolling ACWR of the first day shown needs the (rounded) loads of up to 27 days before it.
    first = max(min(daily), days[0].date - dt.timedelta(days=ACWR_CHRONIC_DAYS - 1))
    before = [
        round(daily.get(first + dt.timedelta(days=i), 0.0), 3) for i in range((days[0].date - first).days)
    ]
    rolling = acwr_rolling(loads=before + [d.trimp for d in days])[len(before) :]
    return [
        LoadDay(d.date, d.trimp, d.ctl, d.atl, d.tsb, r, round(d.atl / d.ctl, 3) if d.ctl else None)
        for d, r in zip(days, rolling, strict=True)
    ]

"""RunBase's own training load: CTL, ATL and TSB from the daily sum of Runalyze TRIMP.

Shown beside Runalyze's fitness/fatigue/form snapshot, so the two can be compared. The model is the
usual exponentially weighted moving average of daily load with smoothing factor 2 / (N + 1):
N = 42 days for CTL (fitness), N = 7 for ATL (fatigue), TSB (form) = CTL − ATL, all starting at 0
before the first day with TRIMP. Every day gets a row, rest days included (load 0), up to today.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from activities.models import AthleteDay, RunalyzeMetrics

CTL_DAYS = 42
ATL_DAYS = 7
_LOAD_FIELDS = ("trimp", "ctl", "atl", "tsb")


@dataclass(frozen=True, slots=True)
class LoadDay:
    date: dt.date
    trimp: float
    ctl: float
    atl: float
    tsb: float


@dataclass(slots=True)
class TrainingLoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def summary(self) -> str:
        return f"days created={self.created} updated={self.updated} unchanged={self.unchanged}"


def training_load_series(
    *, daily_trimp: dict[dt.date, float], until: dt.date, since: dt.date | None = None
) -> list[LoadDay]:
    """Pure: one `LoadDay` per day from the first day with load to `until` (values rounded to 0.001);
    with `since`, only the days from then on (the averages still start at the first day with load)."""
    if not daily_trimp:
        return []
    alpha_ctl = 2.0 / (CTL_DAYS + 1)
    alpha_atl = 2.0 / (ATL_DAYS + 1)
    day = min(daily_trimp)
    end = max(until, max(daily_trimp))
    ctl = atl = 0.0
    series = []
    while day <= end:
        load = daily_trimp.get(day, 0.0)
        ctl += alpha_ctl * (load - ctl)
        atl += alpha_atl * (load - atl)
        if since is None or day >= since:
            series.append(LoadDay(day, round(load, 3), round(ctl, 3), round(atl, 3), round(ctl - atl, 3)))
        day += dt.timedelta(days=1)
    return series


def _daily_trimp() -> dict[dt.date, float]:
    daily: dict[dt.date, float] = defaultdict(float)
    rows = RunalyzeMetrics.objects.filter(
        trimp__isnull=False, record__deleted_at__isnull=True, record__local_date__isnull=False
    ).values_list("record__local_date", "trimp")
    for day, trimp in rows:
        daily[day] += trimp
    return dict(daily)


def home_today() -> dt.date:
    return timezone.now().astimezone(ZoneInfo(settings.RUNBASE_HOME_TZ)).date()


@transaction.atomic
def training_load_recompute(
    *, until: dt.date | None = None, log: Callable[[str], None] | None = None
) -> TrainingLoadResult:
    """(Re)write trimp/ctl/atl/tsb on every `AthleteDay` from the stored TRIMPs; unchanged days stay."""
    series = {
        day.date: day for day in training_load_series(daily_trimp=_daily_trimp(), until=until or home_today())
    }
    existing = {row.date: row for row in AthleteDay.objects.select_for_update()}
    result = TrainingLoadResult()
    now = timezone.now()
    to_create, to_update = [], []
    for date, day in series.items():
        row = existing.get(date)
        values = {"trimp": day.trimp, "ctl": day.ctl, "atl": day.atl, "tsb": day.tsb}
        if row is None:
            to_create.append(AthleteDay(date=date, **values))
        elif any(getattr(row, name) != value for name, value in values.items()):
            _assign(row, values, now)
            to_update.append(row)
        else:
            result.unchanged += 1
    # Days outside the series (load since removed) lose their load values, not their Runalyze snapshot.
    cleared = {"trimp": 0.0, "ctl": None, "atl": None, "tsb": None}
    for date, row in existing.items():
        if date not in series and any(getattr(row, name) != cleared[name] for name in _LOAD_FIELDS):
            _assign(row, cleared, now)
            to_update.append(row)
    AthleteDay.objects.bulk_create(to_create, batch_size=500)
    AthleteDay.objects.bulk_update(to_update, [*_LOAD_FIELDS, "updated_at"], batch_size=500)
    result.created, result.updated = len(to_create), len(to_update)
    if log is not None:
        log(f"training load: {result.summary()}")
    return result


def _assign(row: AthleteDay, values: dict, now: dt.datetime) -> None:
    for name, value in values.items():
        setattr(row, name, value)
    row.updated_at = now

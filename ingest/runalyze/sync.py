"""`runalyze_sync`: Runalyze activities + metrics into source records, and the athlete's values per day.

Two methods share everything after the download: the Personal API (`api`, pages newest first, stopping
at the first id already stored) and the website's CSV (`csv`, one download of everything, checked whole
before anything is written). Each activity's record and its `RunalyzeMetrics` are written in one
transaction. Then Runalyze's fitness/fatigue/form snapshot goes on today's `AthleteDay` and RunBase's
own CTL/ATL/TSB are recomputed from the stored TRIMPs.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction

from activities.models import ActivitySource, AthleteDay, RunalyzeMetrics
from activities.training_load import TrainingLoadResult, home_today, training_load_recompute
from ingest.records import RecordError, Route, Source, SourceError
from ingest.store import record_mark_deleted, record_store
from ingest.sync import RunningSync, SyncResult, sync_running

from .client import RunalyzeClient
from .parser import (
    HeartRateHistory,
    ParsedRunalyze,
    activity_parse,
    csv_items,
    heart_rate_history_parse,
    statistics_parse,
    vo2max_correction_factor,
)
from .web import CSV_PATH, RunalyzeWeb

NAME = "runalyze"
Log = Callable[[str], None]


@dataclass(slots=True)
class RunalyzeSyncResult(SyncResult):
    COUNTERS: ClassVar[tuple[str, ...]] = (*SyncResult.COUNTERS, "deleted", "requests")

    method: str = "api"
    deleted: int = 0
    requests: int = 0
    pages: int = 0
    stopped_at: str | None = None  # the first already-stored id that ended an incremental sync
    load: TrainingLoadResult | None = None


@dataclass(slots=True)
class _Context:
    run: RunningSync[RunalyzeSyncResult]
    log: Log
    route: str
    hr_max: HeartRateHistory | None = None
    hr_rest: HeartRateHistory | None = None

    @property
    def result(self) -> RunalyzeSyncResult:
        return self.run.result


def runalyze_sync(
    *,
    all: bool = False,
    method: str = "api",
    log: Log | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> RunalyzeSyncResult:
    """Sync Runalyze by `method` ("api" or "csv"); `all` re-reads every activity (API).

    Raises SourceError (bad token, failed login, unexpected page, another run holding the lock) with
    a message saying what to do; per-activity faults are counted in `failed` and the batch goes on.
    """
    if method not in METHODS:
        raise SourceError(f"unknown Runalyze sync method {method!r}: use one of {', '.join(METHODS)}")
    say = log or (lambda _line: None)
    with sync_running(name=NAME, result=RunalyzeSyncResult(method=method)) as run:
        METHODS[method](context=_Context(run=run, log=say, route=ROUTES[method]), all=all, sleep=sleep)
        _correction_factor_store()
        run.result.load = training_load_recompute(log=say)
    return run.result


def _sync_api(*, context: _Context, all: bool, sleep: Callable[[float], None]) -> None:
    client = RunalyzeClient(sleep=sleep)
    _athlete_values(context=context, client=client)
    cursor = context.run.cursor
    # Stop at stored ids only once a backfill has reached the end: an interrupted first sync resumes.
    stop_at_stored = not all and cursor.get("backfill_complete", False)
    seen: set[str] = set()
    try:
        for page in client.iter_activity_pages():
            context.result.pages += 1
            ids = [str(item.get("id")) for item in page]
            stored = _stored_ids(ids) if stop_at_stored else set()
            # The page holding the first stored id is the last one fetched, but all of it is stored:
            # edits to the most recent runs come at no extra request (unchanged ones cost a hash compare).
            for source_id, item in zip(ids, page, strict=True):
                seen.add(source_id)
                _store_one(context=context, item=item)
            if stored:
                context.result.stopped_at = next(source_id for source_id in ids if source_id in stored)
                break
    finally:
        context.result.requests = client.calls
    reached_end = context.result.stopped_at is None
    if all and reached_end:
        _mark_deleted(context=context, seen=seen)
    cursor["backfill_complete"] = cursor.get("backfill_complete", False) or reached_end


def _mark_deleted(*, context: _Context, seen: set[str]) -> None:
    """After a complete --all listing, records Runalyze no longer has are marked deleted, not removed."""
    gone = sorted(
        set(
            ActivitySource.objects.filter(source=Source.RUNALYZE, deleted_at__isnull=True).values_list(
                "source_id", flat=True
            )
        )
        - seen
    )
    if gone:
        context.result.deleted = record_mark_deleted(source=Source.RUNALYZE, source_ids=gone)
        for source_id in gone:
            context.log(f"deleted runalyze:{source_id} (no longer on Runalyze; kept, marked deleted)")


def _sync_csv(*, context: _Context, all: bool, sleep: Callable[[float], None]) -> None:
    web = RunalyzeWeb()
    client = RunalyzeClient(sleep=sleep) if settings.RUNALYZE_TOKEN else None
    try:
        web.login()
        # Checked whole (HTML page, missing columns, broken CSV) before a single row is written.
        items = csv_items(data=web.activities_csv(), name=f"Runalyze {CSV_PATH}")
        if client is not None:
            _athlete_values(context=context, client=client)
        else:
            context.log("no RUNALYZE_TOKEN: %HRR/%HRmax and Runalyze's fitness snapshot are skipped")
        parsed = [_parse(context=context, item=item) for item in items]
        for entry in parsed:
            if entry is not None:
                _write(context=context, entry=entry)
    finally:
        context.result.requests = web.calls + (client.calls if client else 0)
    context.result.pages = 1


METHODS = {"api": _sync_api, "csv": _sync_csv}
ROUTES = {"api": Route.RUNALYZE_API, "csv": Route.RUNALYZE_CSV}


def _stored_ids(ids: Iterable[str]) -> set[str]:
    return set(
        ActivitySource.objects.filter(source=Source.RUNALYZE, source_id__in=list(ids)).values_list(
            "source_id", flat=True
        )
    )


def _parse(*, context: _Context, item: dict) -> ParsedRunalyze | None:
    try:
        return activity_parse(item=item, hr_max=context.hr_max, hr_rest=context.hr_rest)
    except RecordError as exc:
        context.result.add_error(str(exc), log=context.log)
        return None


def _store_one(*, context: _Context, item: dict) -> None:
    entry = _parse(context=context, item=item)
    if entry is not None:
        _write(context=context, entry=entry)


def _write(*, context: _Context, entry: ParsedRunalyze) -> None:
    """The record and its metrics in one transaction: never one without the other."""
    with transaction.atomic():
        stored = record_store(parsed=entry.activity, route=context.route)
        metrics_changed = _metrics_store(record=stored.record, values=entry.metrics)
    outcome = "updated" if stored.outcome == "unchanged" and metrics_changed else stored.outcome
    activity = entry.activity
    line = f"{outcome} runalyze:{activity.source_id} {activity.local_date} {activity.workout_name or ''}"
    context.result.count(outcome, log=context.log, line=line.rstrip(), start_time=activity.start_time)
    context.run.refresh()


def _metrics_store(*, record: ActivitySource, values: dict[str, Any]) -> bool:
    """Create or update the record's `RunalyzeMetrics`; True when something changed."""
    metrics = RunalyzeMetrics.objects.filter(record=record).first()
    if metrics is None:
        RunalyzeMetrics.objects.create(record=record, **values)
        return True
    changed = [name for name, value in values.items() if getattr(metrics, name) != value]
    for name in changed:
        setattr(metrics, name, values[name])
    if changed:
        metrics.save(update_fields=changed)
    return bool(changed)


def _athlete_values(*, context: _Context, client: RunalyzeClient) -> None:
    """HRmax/HRrest history (for %HRR, and per day) and today's fitness/fatigue/form snapshot."""
    hr_max_raw, hr_rest_raw = client.heart_rate_max(), client.heart_rate_rest()
    context.hr_max = heart_rate_history_parse(payload=hr_max_raw, name="metrics/heartRateMax")
    context.hr_rest = heart_rate_history_parse(payload=hr_rest_raw, name="metrics/heartRateRest")
    statistics = client.statistics_current()
    snapshot = statistics_parse(payload=statistics)
    with transaction.atomic():
        _athlete_day_update(home_today(), {**snapshot}, raw={"runalyze_statistics": statistics})
        for day, value in context.hr_max.points:
            _athlete_day_update(day, {"hr_max": value})
        for day, value in context.hr_rest.points:
            _athlete_day_update(day, {"hr_rest": value})


def _athlete_day_update(day: dt.date, values: dict[str, Any], raw: dict | None = None) -> None:
    row, created = AthleteDay.objects.select_for_update().get_or_create(date=day, defaults=values)
    if created and raw is None:
        return
    changed = [name for name, value in values.items() if getattr(row, name) != value]
    for name in changed:
        setattr(row, name, values[name])
    if raw is not None and any(row.raw.get(key) != value for key, value in raw.items()):
        row.raw = {**row.raw, **raw}
        changed.append("raw")
    if changed:
        row.save(update_fields=[*changed, "updated_at"])


def _correction_factor_store() -> None:
    """Today's VO2max correction factor from the stored races, for showing corrected effective VO2max."""
    races = RunalyzeMetrics.objects.filter(
        record__source=Source.RUNALYZE, record__workout_type="race", record__deleted_at__isnull=True
    ).values_list("vo2max_by_time", "vo2max")
    factor = vo2max_correction_factor(races=races)
    if factor is not None:
        with transaction.atomic():
            _athlete_day_update(home_today(), {}, raw={"vo2max_correction_factor": factor})

"""Incremental Strava sync: pages of summaries -> detail (+ streams) -> source records, cursor per page.

The cursor (`SyncState("strava").cursor["after"]`, epoch seconds of the newest start stored) moves only
after every activity of its page is committed. Each run re-lists from `cursor - STRAVA_REREAD_DAYS`
and re-reads the detail of activities in that window, so renames, type and gear changes show up;
older activities are re-read only when their summary changed. A rate-limit stop keeps all work done.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from django.conf import settings

from activities.models import ActivitySource, Shoe, Stream
from activities.services import shoe_resolve
from ingest.placement import record_place
from ingest.records import Route, Source, SourceError
from ingest.store import record_mark_deleted, record_store
from ingest.strava.client import (
    PER_PAGE,
    StravaApi,
    StravaError,
    StravaNotFound,
    StravaRateLimited,
    backfill_eta_s,
)
from ingest.strava.parser import parse_api_activity, start_date_local_hints, summary_signature
from ingest.strava.tokens import tokens_load
from ingest.sync import RunningSync, SyncResult, sync_running

SYNC_NAME = "strava"
REREAD_EVERY_S = 3600


@dataclass(slots=True)
class StravaSyncResult(SyncResult):
    COUNTERS: ClassVar[tuple[str, ...]] = (*SyncResult.COUNTERS, "missing", "deleted", "calls")
    LABELS: ClassVar[dict[str, str]] = {"calls": "api_calls"}

    missing: int = 0  # 404 on the detail: deleted or hidden meanwhile; skipped
    deleted: int = 0  # marked deleted (--all)
    listed: int = 0
    calls: int = 0
    resume_at: dt.datetime | None = None  # set when a rate limit stopped the run
    stopped: str = ""

    def summary(self) -> str:
        text = SyncResult.summary(self)
        if self.resume_at:
            text += f" stopped_by_rate_limit resume_after={self.resume_at:%Y-%m-%dT%H:%MZ}"
        return text

    def run_error(self) -> str:
        """A rate-limit stop is the run's error too: the run did not get to the end."""
        return "\n".join(text for text in (self.stopped, SyncResult.run_error(self)) if text)


class _Shoes:
    """Strava shoe ids -> Shoe rows: the athlete's shoes up front, retired ones via `/gear/{id}`."""

    def __init__(self, api: StravaApi):
        self.api = api
        self.names: dict[str, str | None] = {}

    def load(self) -> dict:
        """The athlete's current shoes; a known shoe that left that list is looked up (retired?)."""
        athlete = self.api.athlete()
        listed = set()
        for gear in athlete.get("shoes") or []:
            listed.add(gear["id"])
            self.names[gear["id"]] = gear.get("name")
            self._update(shoe_resolve(strava_gear_id=gear["id"], name=gear.get("name")), gear)
        gone = Shoe.objects.filter(strava_gear_id__startswith="g", retired=False).exclude(
            strava_gear_id__in=listed
        )
        for gear_id in gone.values_list("strava_gear_id", flat=True):
            self._lookup(gear_id)
        return athlete

    def resolve(self, gear_id: str | None) -> tuple[Shoe | None, str | None]:
        if not gear_id or not gear_id.startswith("g"):  # "b…" ids are bikes
            return None, None
        if gear_id in self.names:
            shoe = shoe_resolve(strava_gear_id=gear_id, name=self.names[gear_id])
            return shoe, shoe.name
        known = Shoe.objects.filter(strava_gear_id=gear_id).first()
        if known is not None:
            self.names[gear_id] = known.name
            return known, known.name
        return self._lookup(gear_id)  # not among the athlete's shoes: a retired one

    def _lookup(self, gear_id: str) -> tuple[Shoe, str]:
        try:
            gear = self.api.gear(gear_id)
        except StravaNotFound:
            gear = {"id": gear_id}
        self.names[gear_id] = gear.get("name")
        shoe = shoe_resolve(strava_gear_id=gear_id, name=gear.get("name"))
        self._update(shoe, gear)
        return shoe, shoe.name

    @staticmethod
    def _update(shoe: Shoe, gear: dict) -> None:
        values = {"retired": bool(gear.get("retired", shoe.retired))}
        if gear.get("distance") is not None:
            values["distance_m"] = float(gear["distance"])
        for name in ("brand_name", "model_name"):
            if gear.get(name):
                values[name.removesuffix("_name")] = gear[name]
        if any(getattr(shoe, k) != v for k, v in values.items()):
            Shoe.objects.filter(pk=shoe.pk).update(**values)


def _epoch(text: str) -> int:
    return int(dt.datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp())


def _list_after(cursor: dict, *, all: bool, since: dt.date | dt.datetime | None) -> int:
    if all:
        return 0
    if since is not None:
        if not isinstance(since, dt.datetime):
            since = dt.datetime.combine(since, dt.time(), dt.UTC)
        return int(since.timestamp())
    if "after" in cursor:
        return max(0, int(cursor["after"]) - settings.STRAVA_REREAD_DAYS * 86400)
    return 0


class _Run:
    """One sync run: the API, the shoe book, the result and the re-read window."""

    def __init__(
        self,
        *,
        api: StravaApi,
        streams: bool,
        log: Callable[[str], None],
        window: tuple[float, float],
        result: StravaSyncResult,
    ):
        self.api = api
        self.streams = streams
        self.log = log
        self.shoes = _Shoes(api)
        self.result = result
        # Activities starting in [newest stored - STRAVA_REREAD_DAYS, newest stored] get their detail
        # re-read. Newer ones are new, or stored by a run that stopped mid-page: read once, not again.
        self.window = window

    def needs_detail(self, summary: dict, record: ActivitySource | None, has_stream: bool) -> bool:
        if record is None or record.deleted_at is not None or not record.raw.get("detail"):
            return True
        if self.window[0] <= _epoch(summary["start_date"]) <= self.window[1]:
            return True
        if self.streams and not has_stream and not record.raw.get("manual"):  # manual: never streams
            return True
        return record.raw.get("summary_sig") != summary_signature(summary)

    def activity(self, summary: dict) -> None:
        sid = str(summary["id"])
        record = ActivitySource.objects.filter(source=Source.STRAVA, source_id=sid).first()
        has_stream = record is not None and Stream.objects.filter(record=record).exists()
        if not self.needs_detail(summary, record, has_stream):
            self.result.count("unchanged")
            return
        try:
            detail = self.api.activity(sid)
            stream_data = self._streams(sid) if self.streams or has_stream else None
        except StravaNotFound as error:
            message = f"activity {sid} ({summary.get('name')}): {error}; skipped"
            self.result.add_error(message, log=self.log, line=f"skipped {sid}: {error}", counter="missing")
            return
        try:
            shoe, gear_name = self.shoes.resolve(detail.get("gear_id") or summary.get("gear_id"))
            parsed = parse_api_activity(
                summary=summary, detail=detail, streams=stream_data, gear_name=gear_name
            )
            hints = start_date_local_hints(summary, detail)  # used only without `utc_offset`
            record_place(parsed, hints=hints, home_tz=settings.RUNBASE_HOME_TZ)
            outcome = record_store(parsed=parsed, route=Route.STRAVA_API, shoe=shoe).outcome
        except (SourceError, ValueError, KeyError, TypeError) as error:
            if isinstance(error, StravaError):  # the API failed (gear lookup): stop the run, not the record
                raise
            self.result.add_error(f"activity {sid}: {error}", log=self.log, line=f"failed {sid}: {error}")
            return
        line = f"{outcome} {sid} {parsed.local_date} {parsed.sport} {parsed.workout_name!r}"
        self.result.count(outcome, log=self.log, line=line, start_time=parsed.start_time)

    def _streams(self, sid: str) -> dict | None:
        try:
            return self.api.streams(sid)
        except StravaNotFound:
            return None  # a manual activity has no streams


def _progress_line(run: _Run, label: str) -> str:
    short, daily = run.api.budget.left()
    text = f"{label}: {run.result.listed} listed, api calls {run.api.budget.calls}"
    if short is not None and daily is not None:
        text += f", budget left {short}/15min {daily}/day"
    return text


def strava_sync(
    *,
    all: bool = False,
    since: dt.date | dt.datetime | None = None,
    streams: bool = False,
    log: Callable[[str], None] | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
    total_hint: int | None = None,
) -> StravaSyncResult:
    """Sync Strava activities into source records; see the module docstring for the cursor rules.

    Raises SourceError (StravaAuthError, StravaInactive, StravaError) for what the user must fix;
    a rate limit is not an error: the result carries `resume_at` and the next run continues.
    `total_hint` (activities expected) turns the progress lines into an ETA.
    """
    log = log or (lambda _line: None)
    with sync_running(name=SYNC_NAME, result=StravaSyncResult()) as run:
        _sync(
            run,
            all=all,
            since=since,
            streams=streams,
            log=log,
            sleep=sleep,
            clock=clock,
            total_hint=total_hint,
        )
    return run.result


def _sync(
    running: RunningSync[StravaSyncResult], *, all, since, streams, log, sleep, clock, total_hint
) -> None:
    api = StravaApi(tokens=tokens_load(), sleep=sleep, clock=clock)
    cursor = running.cursor
    # The re-read window ends at the newest activity stored (or now, on a first run). A run that
    # resumes a rate-limited backfill skips it (and the shoe list): the stopped run did both.
    # Renames, type and gear changes show in the summary signature at no cost; the window re-read
    # (one detail call each) is for detail-only edits (description, laps): at most once an hour, so a
    # frequent schedule does not spend the daily budget on it.
    resuming = bool(cursor.get("resume_at"))
    reread = not resuming and clock() - float(cursor.get("reread_at", 0)) >= REREAD_EVERY_S
    newest = int(cursor.get("after") or clock())
    window = (newest - settings.STRAVA_REREAD_DAYS * 86400, newest) if reread else (1.0, 0.0)
    run = _Run(api=api, streams=streams, log=log, window=window, result=running.result)
    seen: set[str] = set()
    complete = False
    try:
        athlete = {"id": api.tokens.athlete_id} if resuming else run.shoes.load()
        after = _list_after(cursor, all=all, since=since)
        if after == 0 and total_hint is None and not cursor.get("backfill_total"):
            total_hint = _activity_count(api, athlete)
        if total_hint:  # kept while a backfill takes several runs, for its ETA
            cursor["backfill_total"] = total_hint
        total_hint = total_hint or cursor.get("backfill_total")
        for page_no, page in enumerate(api.activity_pages(after=after), 1):
            for summary in page:
                running.refresh()
                seen.add(str(summary["id"]))
                run.result.listed += 1
                run.activity(summary)
            if page:
                newest = max(_epoch(s["start_date"]) for s in page)
                if newest > int(cursor.get("after", 0)):
                    cursor["after"] = newest
                    running.save_cursor()
            log(_progress_line(run, f"page {page_no}") + _eta(run, total_hint, clock))
        complete = True
        cursor.pop("resume_at", None)
        if reread:
            cursor["reread_at"] = clock()
    except StravaRateLimited as error:
        run.result.resume_at = error.resume_at
        run.result.stopped = str(error)
        cursor["resume_at"] = error.resume_at.isoformat()  # `after` stays: the page is not finished
        log(_progress_line(run, "stopped") + _eta(run, total_hint, clock))
        log(str(error))
    run.result.calls = api.budget.calls
    if all and complete:
        gone = list(
            ActivitySource.objects.filter(source=Source.STRAVA, deleted_at__isnull=True)
            .exclude(source_id__in=seen)
            .values_list("source_id", flat=True)
        )
        run.result.deleted = record_mark_deleted(source=Source.STRAVA, source_ids=gone)
        for sid in gone:
            log(f"deleted on Strava: {sid} (kept, marked deleted)")


def _activity_count(api: StravaApi, athlete: dict) -> int | None:
    """Runs + rides + swims from the athlete's stats: the size of a backfill, for its ETA."""
    try:
        stats = api.get("/athletes/{id}/stats", id=athlete["id"])
    except (StravaNotFound, KeyError):
        return None
    kinds = ("all_run_totals", "all_ride_totals", "all_swim_totals")
    return sum(int((stats.get(kind) or {}).get("count") or 0) for kind in kinds) or None


def _eta(run: _Run, total_hint: int | None, clock) -> str:
    """Activities still to fetch and when the rate limits let that finish (detail + streams each)."""
    short, daily = run.api.budget.left()
    if not total_hint or short is None or daily is None:
        return ""
    remaining = max(0, total_hint - ActivitySource.objects.filter(source=Source.STRAVA).count())
    if not remaining:
        return ""
    per_activity = (2 if run.streams else 1) + 1 / PER_PAGE
    _, _, lim15, limday = min(run.api.budget.usage.values(), key=lambda u: u[2])
    eta = backfill_eta_s(
        calls=int(remaining * per_activity + 0.999),
        short_left=short - 1,
        daily_left=daily - 1,
        short_limit=lim15 - 1,
        daily_limit=limday - 1,
        now=clock(),
    )
    return f", ~{remaining} to go, ETA {dt.timedelta(seconds=int(eta))}"

"""The Garmin Connect pull: the activity list, each activity's original file and its summary.

Per run (one lock with the export importer, whose records these are too):
1. the profile and the shoes (`ingest.garmin.gear`);
2. the activity list, newest first, down to the cursor (`SyncState("garmin_connect").cursor["newest"]`,
   the newest start a completed run saw) less GARMIN_REREAD_DAYS, so renames and type or gear changes
   show up; activities whose download failed earlier (`cursor["retry"]`) are reached again; `--since`
   and `--all` list further back;
3. in batches: each activity's original (a multisport parent's, for all its legs) is downloaded once —
   a record that already has its original is not downloaded again — and goes through the shared file
   path (`files_ingest`, route `garmin_connect`), so a file the export, HealthFit or Strava brought
   is the same record; then each summary becomes the `garmin` record the export would have made
   (source_id = activityId, `connect_parser`), paired with the file's session by start time and
   serial and carrying the shoe.
A 429 stops the run after finishing the activities already downloaded (the result and the cursor say
when to go on); a broken download fails that activity alone, for the next run to try again. Nothing
is half-imported: a summary is stored only once its file has been, each in its own transaction.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

from django.conf import settings

from activities.models import ActivitySource
from ingest.files import FileInput, FileOutcome, FilesResult, files_ingest
from ingest.garmin.client import PAGE_SIZE, GarminConnectApi, GarminError, GarminNotFound, GarminRateLimited
from ingest.garmin.connect_parser import (
    detail_as_list_item,
    item_child_ids,
    item_is_parent,
    item_parse,
    item_start,
)
from ingest.garmin.gear import GearBook
from ingest.garmin.original import original_files
from ingest.garmin.pairing import Recording, SummaryKey, summaries_pair
from ingest.placement import record_place
from ingest.records import RecordError, Route, Source, SourceError
from ingest.store import record_store
from ingest.sync import RunningSync, SyncResult, sync_running
from ingest.zipsafe import ZipLimits

SYNC_NAME = "garmin_connect"
LOCK = "garmin_export"  # the export importer writes the same `garmin` records
ROUTE = Route.GARMIN_CONNECT
BATCH = 20  # originals held in memory at once
NO_ORIGINAL = "none"  # raw["original_sha256"] of an activity without a file (entered by hand)
_KEPT = ("original_sha256", "original_of", "paired_file_sha256", "paired_record")

Log = Callable[[str], None]


@dataclass(slots=True)
class GarminPullResult(SyncResult):
    """The summaries' records, the originals' files, and the API calls it took."""

    COUNTERS: ClassVar[tuple[str, ...]] = (
        *SyncResult.COUNTERS,
        "downloaded",
        "without_file",
        "parents",
        "calls",
    )
    LABELS: ClassVar[dict[str, str]] = {"calls": "api_calls", "parents": "multisport_parents"}

    downloaded: int = 0
    without_file: int = 0
    parents: int = 0
    calls: int = 0
    listed: int = 0
    files: FilesResult = field(default_factory=FilesResult)
    resume_at: dt.datetime | None = None  # set when Garmin's 429 stopped the run
    stopped: str = ""

    def summary(self) -> str:
        files = " ".join(f"{key}={value}" for key, value in self.files.counts().items() if value)
        text = f"activities: {SyncResult.summary(self)}; files: {files or 'none'}"
        if self.resume_at:
            text += f" stopped_by_rate_limit resume_after={self.resume_at:%Y-%m-%dT%H:%MZ}"
        return text

    def run_error(self) -> str:
        """A rate-limit stop is the run's error too: the run did not get to the end."""
        return "\n".join(text for text in (self.stopped, SyncResult.run_error(self)) if text)


@dataclass(frozen=True, slots=True)
class GarminPullProgress:
    """Handed to `progress` after every batch: activities listed (of `total` in a backfill), originals
    downloaded, activities failed."""

    listed: int
    total: int | None
    downloaded: int
    failed: int


@dataclass(slots=True)
class _Unit:
    """One thing to download: an activity, or a multisport parent with its legs (summaries)."""

    owner_id: str  # whose original holds the file(s)
    start: dt.datetime | None
    legs: list[dict[str, Any]]
    download: bool = False
    sha256s: list[str] = field(default_factory=list)
    fetched: bool = False  # the original was downloaded (or Garmin has none)
    failed: bool = False  # a broken download: tried again next run


def _noop(_line: str) -> None:
    pass


def _epoch(value: dt.datetime | None) -> int | None:
    return None if value is None else int(value.timestamp())


def _since_start(since: dt.date | dt.datetime) -> dt.datetime:
    if isinstance(since, dt.datetime):
        return since if since.tzinfo else since.replace(tzinfo=dt.UTC)
    return dt.datetime.combine(since, dt.time(), dt.UTC)


class _Pull:
    def __init__(
        self,
        running: RunningSync[GarminPullResult],
        api: GarminConnectApi,
        log: Log,
        *,
        workers: int | None,
        page_size: int,
        progress: Callable[[GarminPullProgress], None] | None,
    ):
        self.running = running
        self.result = running.result
        self.cursor = running.cursor
        self.api = api
        self.log = log
        self.workers = workers
        self.page_size = page_size
        self.progress = progress
        self.gear = GearBook(api)
        self.limits = ZipLimits.from_settings()
        self.retry: dict[str, int] = {str(k): int(v) for k, v in (self.cursor.get("retry") or {}).items()}
        self.newest_seen: int | None = None
        self.legs_done: set[str] = set()  # legs a parent's unit took (the list may show them on a later page)
        self.started = api.clock()

    # -- the run -------------------------------------------------------------------------------
    def stop_at(self, *, all: bool, since) -> dt.datetime | None:
        if all:
            return None
        if since is not None:
            return _since_start(since)
        if "newest" not in self.cursor:
            return None  # no run has finished yet: the whole history (a backfill)
        oldest = int(self.cursor["newest"]) - settings.GARMIN_REREAD_DAYS * 86400
        oldest = min([oldest, *self.retry.values()])
        return dt.datetime.fromtimestamp(oldest, dt.UTC)

    def go(self, *, all: bool, since) -> None:
        stop_at = self.stop_at(all=all, since=since)
        try:
            self.gear.load(self.api.profile().get("profileId"))
            total = self._backfill_total(stop_at)
            for page in self.api.activity_pages(page_size=self.page_size):
                index = {str(item.get("activityId")): item for item in page}
                batch: list[dict] = []
                for item in page:
                    started = item_start(item)
                    if stop_at is not None and started is not None and started < stop_at:
                        self._batch(batch, index, total)
                        return self._finished()
                    self.result.listed += 1
                    batch.append(item)
                    if len(batch) >= BATCH:
                        self._batch(batch, index, total)
                        batch = []
                self._batch(batch, index, total)
            self._finished()
        except GarminRateLimited as error:
            self.result.resume_at = error.resume_at
            self.result.stopped = str(error)
            self.cursor["resume_at"] = error.resume_at.isoformat()
            self.cursor["retry"] = self.retry
            self.log(str(error))
        finally:
            self.result.calls = self.api.calls

    def _finished(self) -> None:
        if self.newest_seen is not None:
            self.cursor["newest"] = max(self.newest_seen, int(self.cursor.get("newest", 0)))
        self.cursor["retry"] = self.retry
        self.cursor.pop("resume_at", None)
        self.cursor.pop("backfill_total", None)

    def _backfill_total(self, stop_at: dt.datetime | None) -> int | None:
        """How many activities a backfill covers (kept over the runs it takes), for its ETA."""
        if stop_at is not None:
            return None
        if not self.cursor.get("backfill_total"):
            self.cursor["backfill_total"] = self.api.activity_count()
        return self.cursor.get("backfill_total")

    def _progress(self, total: int | None) -> None:
        self.running.refresh()
        listed = self.result.listed
        text = f"garmin: {listed}{f'/{total}' if total else ''} listed, {self.result.downloaded} downloaded"
        text += f", {self.api.calls} api calls"
        if total and listed and total > listed:
            per_item = (self.api.clock() - self.started) / listed
            text += f", ETA {dt.timedelta(seconds=int(per_item * (total - listed)))}"
        self.log(text)
        if self.progress is not None:
            self.progress(GarminPullProgress(listed, total, self.result.downloaded, self.result.failed))

    # -- a batch -------------------------------------------------------------------------------
    def _batch(self, items: list[dict], index: dict[str, dict], total: int | None) -> None:
        if not items:
            return
        units = [unit for item in items if (unit := self._unit(item, index)) is not None]
        stop: GarminError | None = None
        inputs: list[FileInput] = []
        owners: dict[str, _Unit] = {}
        for unit in units:
            if stop is not None or not unit.download:
                continue
            try:
                for item in self._download(unit):
                    owners[item.origin] = unit
                    inputs.append(item)
            except GarminError as error:  # 429, 5xx, a challenge: finish what is downloaded, then stop
                stop = error
        if inputs:
            before = len(self.result.files.outcomes)
            files_ingest(
                inputs=inputs,
                route=ROUTE,
                workers=self.workers,
                log=self.log,
                progress=self.running.progress(),
                result=self.result.files,
            )
            self._note_files(self.result.files.outcomes[before:], owners)
        for unit in units:
            if not unit.failed and (unit.fetched or not unit.download):
                self._store(unit)
        if stop is not None:
            raise stop
        self._progress(total)

    def _unit(self, item: dict, index: dict[str, dict]) -> _Unit | None:
        activity_id = str(item.get("activityId"))
        started = item_start(item)
        parent_id = str(item.get("parentId") or "")
        if (parent_id and parent_id in index) or activity_id in self.legs_done:
            return None  # a listed leg: its parent's unit stores it
        if item_is_parent(item):
            self.result.parents += 1
            legs = [self._leg(child, index) for child in item_child_ids(item)]
            legs = [leg for leg in legs if leg is not None]
            self.legs_done.update(str(leg.get("activityId")) for leg in legs)
        else:
            legs = [item]
        self._saw(started)
        unit = _Unit(owner_id=activity_id, start=started, legs=legs)
        stored = {
            record.source_id: record.raw
            for record in ActivitySource.objects.filter(
                source=Source.GARMIN, source_id__in=[str(leg.get("activityId")) for leg in legs]
            ).only("source_id", "raw")
        }
        unit.download = not legs or any(
            "original_sha256" not in stored.get(str(leg.get("activityId")), {}) for leg in legs
        )
        if not unit.download:
            for leg in legs:
                kept = stored[str(leg.get("activityId"))]
                leg.update({key: kept[key] for key in _KEPT if key in kept})
        return unit

    def _leg(self, child_id: str, index: dict[str, dict]) -> dict | None:
        """A multisport leg's summary: from the list when it is there, else from its detail."""
        if child_id in index:
            return dict(index[child_id])
        try:
            return detail_as_list_item(self.api.activity(child_id))
        except GarminNotFound:
            self.log(f"skip leg {child_id}: Garmin Connect has it no more")
            return None

    def _saw(self, started: dt.datetime | None) -> None:
        epoch = _epoch(started)
        if epoch is not None and (self.newest_seen is None or epoch > self.newest_seen):
            self.newest_seen = epoch

    def _download(self, unit: _Unit) -> list[FileInput]:
        try:
            data = self.api.original(unit.owner_id)
        except GarminNotFound:
            unit.sha256s, unit.fetched = [NO_ORIGINAL], True  # entered by hand: a summary, no file
            return []
        self.result.downloaded += 1
        unit.fetched = True
        try:
            files = original_files(activity_id=unit.owner_id, data=data, limits=self.limits)
        except SourceError as error:
            unit.failed = True
            self.retry[unit.owner_id] = _epoch(unit.start) or 0
            self.result.add_error(str(error), log=self.log, line=f"FAILED {error}; tried again next run")
            return []
        if not files:
            unit.sha256s = [NO_ORIGINAL]
        return files

    def _note_files(self, outcomes: list[FileOutcome], owners: dict[str, _Unit]) -> None:
        for outcome in outcomes:
            unit = owners.get(outcome.origin)
            if unit is not None and outcome.sha256:
                unit.sha256s.append(outcome.sha256)

    # -- the summaries -------------------------------------------------------------------------
    def _store(self, unit: _Unit) -> None:
        parsed = []
        for leg in unit.legs:
            if unit.download:
                leg["original_sha256"] = unit.sha256s[0] if unit.sha256s else NO_ORIGINAL
                if unit.owner_id != str(leg.get("activityId")):
                    leg["original_of"] = unit.owner_id
            try:
                parsed.append(record_place(item_parse(leg), home_tz=settings.RUNBASE_HOME_TZ))
            except RecordError as error:
                self.result.add_error(str(error), log=self.log, line=f"FAILED {error}")
        if unit.download:
            self._pair(parsed, unit)
        self.retry.pop(unit.owner_id, None)
        for record in parsed:
            self._store_one(record)

    def _pair(self, parsed: list, unit: _Unit) -> None:
        shas = [sha for sha in unit.sha256s if sha != NO_ORIGINAL]
        for record in parsed:
            record.raw.pop("paired_file_sha256", None)
            record.raw.pop("paired_record", None)
        if not shas:
            return
        rows = ActivitySource.objects.filter(
            source=Source.FIT_FILE, file__sha256__in=shas, start_time__isnull=False
        ).values_list("source_id", "start_time", "device_serial")
        recordings = [
            Recording(source_id=sid, start_time=at, serial=serial or None) for sid, at, serial in rows
        ]
        keys = [SummaryKey(p.source_id, p.start_time, p.device.serial) for p in parsed]
        pairs = summaries_pair(summaries=keys, recordings=recordings)
        for record in parsed:
            recording = pairs.get(record.source_id)
            record.raw["paired_file_sha256"] = recording.sha256 if recording else shas[0]
            if recording is not None:
                record.raw["paired_record"] = recording.source_id

    def _store_one(self, parsed) -> None:
        shoe, parsed.gear = self.gear.shoe_for(parsed.source_id, parsed.start_time)
        try:
            outcome = record_store(parsed=parsed, route=ROUTE, shoe=shoe).outcome
        except SourceError as error:
            self.result.add_error(str(error), log=self.log, line=f"FAILED garmin {parsed.source_id}: {error}")
            return
        if outcome != "unchanged" and parsed.raw.get("original_sha256") == NO_ORIGINAL:
            self.result.without_file += 1
        line = (
            f"{outcome} garmin {parsed.source_id} {parsed.local_date} {parsed.sport} {parsed.workout_name!r}"
        )
        self.result.count(outcome, log=self.log, line=line, start_time=parsed.start_time)


def garmin_connect_sync(
    *,
    all: bool = False,
    since: dt.date | dt.datetime | None = None,
    log: Log | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
    workers: int | None = None,
    page_size: int = PAGE_SIZE,
    progress: Callable[[GarminPullProgress], None] | None = None,
) -> GarminPullResult:
    """Pull Garmin Connect activities into source records; see the module docstring.

    Raises SourceError for what the user must fix (GarminAuthError: sign in again; GarminChallenge;
    GarminError: 5xx or timeouts after retries); a rate limit is not an error: the result carries
    `resume_at` and the next run goes on where this one stopped. `log` gets a line per activity and a
    progress line (with an ETA in a backfill) per batch, `progress` the same counts.
    """
    log = log or _noop
    api = GarminConnectApi.from_stored_tokens(sleep=sleep, clock=clock)
    with sync_running(name=SYNC_NAME, result=GarminPullResult(), lock=LOCK) as running:
        _Pull(running, api, log, workers=workers, page_size=page_size, progress=progress).go(
            all=all, since=since
        )
    return running.result

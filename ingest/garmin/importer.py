"""Import a Garmin Connect export zip: the uploaded recording files, then one record per summary.

1. Every uploaded FIT/GPX/TCX of the nested `UploadedFiles_*_Part*.zip` goes through the shared file
   pipeline (`files_ingest`, route `garmin_export`): archived, parsed in the worker pool, one
   transaction per file, `fit_file` records keyed by content hash (`parsers.file_identity`), so
   duplicates land once and a re-run skips what is done. Members are read one at a time as the
   pipeline asks for them, and the pipeline drops each file's bytes once archived: memory holds the
   largest file, never the export.
2. Each summary (not a multisport parent: its legs are summaries of their own) becomes a `garmin`
   record (source_id = activityId), paired with the file session it came from by start time and
   device serial; the pairing is kept in `raw["paired_file_sha256"]` / `raw["paired_record"]`. A
   summary without a file (a manual activity) is a record without streams. A summary is placed in time
   after pairing: its own local start first, else its file's UTC offset (`ingest.placement`).
Before any of that, the whole export (its part zips included) is checked against the archive budget
(`ingest.zipsafe.zip_validate`): a refused export imports nothing. Every record is its own
transaction, so an interrupted import re-run finishes the rest, duplicating nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, ClassVar

from django.conf import settings

from activities.models import ActivitySource
from ingest.files import FileInput, FilesResult, files_ingest, max_file_bytes
from ingest.garmin.export import export_summaries, export_uploads, is_recording, is_summary_file
from ingest.garmin.pairing import Recording, SummaryKey, summaries_pair
from ingest.garmin.parser import summary_is_parent, summary_parse
from ingest.parsers import file_identity
from ingest.placement import record_place
from ingest.records import FileHints, ParsedActivity, RecordError, Route, Source, SourceError
from ingest.store import record_store
from ingest.sync import SyncResult, sync_running
from ingest.zipsafe import ZipLimits, zip_validate

ROUTE = Route.GARMIN_EXPORT
SYNC_NAME = "garmin_export"
_QUERY_CHUNK = 500

Log = Callable[[str], None]


@dataclass(slots=True)
class GarminProgress:
    """Running counts handed to `progress` after every file and every summary."""

    files: int = 0
    activities: int = 0
    failed: int = 0
    activities_total: int = 0


@dataclass(slots=True)
class GarminImportResult(SyncResult):
    """The summaries' records, and the uploaded files' own result."""

    COUNTERS: ClassVar[tuple[str, ...]] = (
        *SyncResult.COUNTERS,
        "paired",
        "without_file",
        "parents_skipped",
    )
    LABELS: ClassVar[dict[str, str]] = {"parents_skipped": "multisport_parents"}

    parents_skipped: int = 0
    paired: int = 0
    without_file: int = 0
    files: FilesResult = field(default_factory=FilesResult)

    def summary(self) -> str:
        files = " ".join(f"{key}={value}" for key, value in self.files.counts().items() if value)
        return f"activities: {SyncResult.summary(self)}; files: {files or 'none'}"


def _noop(_message: str) -> None:
    pass


def _file_inputs(path: Path, shas: set[str], limits: ZipLimits) -> Iterator[FileInput]:
    """The uploads as pipeline inputs; remembers each file's hash for the pairing step."""
    for entry in export_uploads(path, limits=limits):
        shas.add(file_identity(name=entry.name, data=entry.data, max_bytes=max_file_bytes()))
        item = FileInput(name=PurePosixPath(entry.name).name, origin=entry.path, data=entry.data)
        del entry  # the pipeline drops the item's bytes once archived: hold no other reference
        yield item


def _is_read(name: str) -> bool:
    """The members the import inflates (others are name-checked and counted, never read)."""
    return is_summary_file(name) or is_recording(name)


def _recordings(shas: set[str]) -> list[Recording]:
    """The `fit_file` records the export's files produced (one per session), with start and serial."""
    found: list[Recording] = []
    ordered = sorted(shas)
    for start in range(0, len(ordered), _QUERY_CHUNK):
        rows = ActivitySource.objects.filter(
            source=Source.FIT_FILE,
            file__sha256__in=ordered[start : start + _QUERY_CHUNK],
            start_time__isnull=False,
        ).values_list("source_id", "start_time", "device_serial", "utc_offset_s")
        found.extend(
            Recording(source_id=sid, start_time=start_time, serial=serial or None, utc_offset_s=offset)
            for sid, start_time, serial, offset in rows
        )
    return found


def _parse_summaries(
    items: list[dict[str, Any]], result: GarminImportResult, log: Log
) -> list[ParsedActivity]:
    parsed: list[ParsedActivity] = []
    for item in items:
        if summary_is_parent(item):
            result.parents_skipped += 1
            log(f"skip {item.get('activityId')}: multisport parent (its legs are imported)")
            continue
        try:
            parsed.append(summary_parse(item))  # placed once paired: its file may know its offset
        except RecordError as exc:
            result.add_error(str(exc), log=log, line=f"FAILED {exc}")
    return parsed


def _store_summary(
    parsed: ParsedActivity, recording: Recording | None, result: GarminImportResult, log: Log
) -> None:
    if recording is not None:
        parsed.raw["paired_file_sha256"] = recording.sha256
        parsed.raw["paired_record"] = recording.source_id
    offset = recording.utc_offset_s if recording is not None else None
    hints = FileHints(utc_offset_s=offset, label="paired file")
    record_place(parsed, hints=hints, home_tz=settings.RUNBASE_HOME_TZ)
    try:
        outcome = record_store(parsed=parsed, route=ROUTE).outcome
    except SourceError as exc:
        result.add_error(str(exc), log=log, line=f"FAILED garmin {parsed.source_id}: {exc}")
        return
    result.count("paired" if recording is not None else "without_file")
    paired = f"file {recording.sha256[:12]}" if recording else "no file"
    line = f"{outcome} garmin {parsed.source_id} {parsed.workout_name or ''} ({paired})"
    result.count(outcome, log=log, line=line, start_time=parsed.start_time)


def garmin_import(
    *,
    path: str | Path,
    workers: int | None = None,
    log: Log | None = None,
    progress: Callable[[GarminProgress], None] | None = None,
) -> GarminImportResult:
    """Import one Garmin "Export My Data" zip; safe to re-run, and to re-run after an interruption.

    Raises SourceError when the zip cannot be read or breaks a limit of the archive budget (checked
    for the whole export before anything is imported, see ingest.zipsafe); a bad file or summary is
    counted as failed and the import goes on.
    """
    log = log or _noop
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"{path}: no such export zip")
    state = GarminProgress()
    with sync_running(name=SYNC_NAME, result=GarminImportResult()) as run:
        result = run.result

        def advance(*, files: int = 0, activities: int = 0) -> None:
            state.files += files
            state.activities += activities
            state.failed = result.failed + result.files.failed
            run.refresh()
            if progress:
                progress(state)

        limits = ZipLimits.from_settings()
        zip_validate(path, limits=limits, want=_is_read)
        items = export_summaries(path, limits=limits)
        state.activities_total = sum(not summary_is_parent(item) for item in items)
        shas: set[str] = set()
        files_ingest(
            inputs=_file_inputs(path, shas, limits),
            route=ROUTE,
            workers=workers,
            log=log,
            progress=lambda _outcome: advance(files=1),
            result=result.files,
        )
        if not items and not state.files:
            raise SourceError(
                f"{path.name}: no *_summarizedActivities.json and no UploadedFiles_*.zip inside: "
                "not a Garmin Connect export"
            )
        parsed = _parse_summaries(items, result, log)
        keys = [SummaryKey(p.source_id, p.start_time, p.device.serial) for p in parsed]
        pairs = summaries_pair(summaries=keys, recordings=_recordings(shas))
        for record in parsed:
            _store_summary(record, pairs.get(record.source_id), result, log)
            advance(activities=1)
        result.saw(result.files.last_activity_at)
    return result

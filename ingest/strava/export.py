"""Import a Strava bulk export ("Download your data" zip): for users without API access, and backfills.

The zip holds `activities.csv` (one row per activity, id = the API's activity id), the original uploads
under `activities/` (`.fit.gz`, `.tcx.gz`, `.gpx`), and `shoes.csv`. Uploads go through the shared file
pipeline (route `strava_export`): each becomes a `fit_file` record keyed by its content's SHA-256 (the
`.gz` inflated: `parsers.file_identity`), so a file that also arrived from the watch or HealthFit is not
imported twice. Each CSV row becomes the `strava` record of that id, carrying its upload's identity in
`raw`; a manual entry has no file and no streams.
A record the API already filled (laps, splits, offsets) is kept: the export row would only thin it.
A row's `Activity Date` is UTC with no zone: its UTC offset is its upload's (a FIT's local timestamp),
so a run abroad is dated where it was run; without one (a GPX, a manual entry) placement falls back.
The whole zip is checked against the archive budget (`ingest.zipsafe`) before anything is imported;
the uploads are read one at a time as the pipeline asks for them, so memory holds the largest file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import ClassVar

from django.conf import settings

from activities.models import ActivitySource
from ingest.files import FILE_SUFFIXES, FileInput, FilesResult, files_ingest, max_file_bytes
from ingest.parsers import file_identity
from ingest.placement import record_place
from ingest.records import FileHints, Route, Source, SourceError
from ingest.store import record_store
from ingest.strava.parser import export_rows, export_shoe_names, parse_export_row
from ingest.sync import RunningSync, SyncResult, sync_running
from ingest.zipsafe import ZipLimits, zip_entries, zip_validate

LOCK_NAME = "strava"  # the API sync writes the same records: never both at once
SYNC_NAME = "strava_export"


@dataclass(slots=True)
class StravaExportResult(SyncResult):
    """The activities.csv rows' records, and the uploads' own result."""

    COUNTERS: ClassVar[tuple[str, ...]] = ("created", "updated", "unchanged", "kept_api", "failed")

    kept_api: int = 0  # rows whose record came from the API: left as the API gave them
    files: FilesResult = field(default_factory=FilesResult)

    def summary(self) -> str:
        return f"{SyncResult.summary(self)} | files: {self.files.summary()}"


@dataclass(slots=True)
class _Zip:
    """What one pass over the zip leaves behind besides the uploads: the CSVs and the file hashes."""

    path: Path
    limits: ZipLimits
    activities_csv: str | None = None
    shoes_csv: str | None = None
    shas: dict[str, str] = field(default_factory=dict)  # member name -> its file_identity

    def uploads(self) -> Iterator[FileInput]:
        entries = zip_entries(self.path, limits=self.limits, nested=lambda _name: False, want=_wanted)
        for entry in entries:
            name = entry.name
            base = PurePosixPath(name).name.lower()
            if base == "activities.csv":
                self.activities_csv = entry.data.decode("utf-8-sig")
            elif base == "shoes.csv":
                self.shoes_csv = entry.data.decode("utf-8-sig")
            elif base.endswith(FILE_SUFFIXES):
                self.shas[name] = file_identity(name=name, data=entry.data, max_bytes=max_file_bytes())
                item = FileInput(name=PurePosixPath(name).name, origin=entry.path, data=entry.data)
                del entry  # the pipeline drops the item's bytes once archived: hold no other reference
                yield item


def _wanted(name: str) -> bool:
    """The members read: the two CSVs and the uploads; nothing else is inflated."""
    base = PurePosixPath(name).name.lower()
    return base in ("activities.csv", "shoes.csv") or base.endswith(FILE_SUFFIXES)


def strava_export_import(
    *,
    path: str | Path,
    workers: int | None = None,
    log: Callable[[str], None] | None = None,
    progress: Callable[[object], None] | None = None,
) -> StravaExportResult:
    """Import a Strava export zip; re-running changes nothing. SourceError for an unusable zip or one
    over the archive budget (then nothing is imported)."""
    log = log or (lambda _line: None)
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"{path}: no such Strava export zip")
    archive = _Zip(path=path, limits=ZipLimits.from_settings())
    with sync_running(name=SYNC_NAME, result=StravaExportResult(), lock=LOCK_NAME) as run:
        zip_validate(path, limits=archive.limits, want=_wanted)  # a refused zip imports nothing
        files_ingest(
            inputs=archive.uploads(),
            route=Route.STRAVA_EXPORT,
            workers=workers,
            log=log,
            progress=run.progress(progress),
            result=run.result.files,
        )
        if archive.activities_csv is None:
            raise SourceError(f"{path.name}: no activities.csv inside: not a Strava export")
        _store_rows(archive, run, log)
    return run.result


def _store_rows(archive: _Zip, run: RunningSync[StravaExportResult], log) -> None:
    result = run.result
    shoe_names = export_shoe_names(archive.shoes_csv) if archive.shoes_csv else {}
    from_api = set(
        ActivitySource.objects.filter(
            source=Source.STRAVA, route=Route.STRAVA_API, deleted_at__isnull=True
        ).values_list("source_id", flat=True)
    )
    offsets = _upload_offsets(set(archive.shas.values()))
    for row in export_rows(archive.activities_csv or ""):
        run.refresh()
        if row.activity_id in from_api:
            result.count("kept_api")
            continue
        sha = archive.shas.get(row.filename) if row.filename else None
        if row.filename and sha is None:
            result.errors.append(f"activities.csv line {row.line}: {row.filename} is not in the zip")
        try:
            parsed = parse_export_row(row, shoe_names=shoe_names, file_sha256=sha)
            upload = offsets.get(sha or "", [])
            hints = FileHints(utc_offset_s=_closest_offset(upload, parsed.start_time), label="upload")
            record_place(parsed, hints=hints, home_tz=settings.RUNBASE_HOME_TZ)  # the CSV has UTC only
            outcome = record_store(parsed=parsed, route=Route.STRAVA_EXPORT).outcome
        except SourceError as error:
            result.add_error(str(error), log=log, line=f"FAILED activities.csv line {row.line}: {error}")
            continue
        line = f"{outcome} strava {parsed.source_id} {parsed.start_time:%Y-%m-%d} {parsed.workout_name or ''}"
        result.count(outcome, log=log, line=line, start_time=parsed.start_time)


Session = tuple[dt.datetime, int]  # an upload's session: UTC start, UTC offset


def _upload_offsets(identities: set[str]) -> dict[str, list[Session]]:
    """Each upload's sessions that know their UTC offset, by file identity (one query per 500)."""
    found: dict[str, list[Session]] = {}
    ordered = sorted(identities)
    for first in range(0, len(ordered), 500):
        rows = ActivitySource.objects.filter(
            source=Source.FIT_FILE,
            file__sha256__in=ordered[first : first + 500],
            start_time__isnull=False,
            utc_offset_s__isnull=False,
        ).values_list("file__sha256", "start_time", "utc_offset_s")
        for identity, start, offset in rows:
            found.setdefault(identity, []).append((start, offset))
    return found


def _closest_offset(sessions: list[Session], start: dt.datetime | None) -> int | None:
    """The offset of the upload's session that started closest to the row (a multisport file has
    several)."""
    if not sessions or start is None:
        return None
    return min(sessions, key=lambda s: (abs((s[0] - start).total_seconds()), s[1]))[1]

"""Import a Strava bulk export ("Download your data" zip): for users without API access, and backfills.

The zip holds `activities.csv` (one row per activity, id = the API's activity id), the original uploads
under `activities/` (`.fit.gz`, `.tcx.gz`, `.gpx`), and `shoes.csv`. Uploads go through the shared file
pipeline (route `strava_export`): each becomes a `fit_file` record keyed by its SHA-256, so a file that
also arrived from the watch or HealthFit is not imported twice. Each CSV row becomes the `strava`
record of that id, carrying its upload's SHA-256 in `raw`; a manual entry has no file and no streams.
A record the API already filled (laps, splits, offsets) is kept: the export row would only thin it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from activities.models import ActivitySource
from ingest.files import FILE_SUFFIXES, FileInput, FilesResult, files_ingest
from ingest.locks import sync_lock
from ingest.records import Route, Source, SourceError
from ingest.store import record_store
from ingest.strava.parser import export_rows, export_shoe_names, parse_export_row
from ingest.sync_state import sync_run
from ingest.zipsafe import zip_entries

LOCK_NAME = "strava"  # the API sync writes the same records: never both at once
RUN_NAME = "strava_export"


@dataclass(slots=True)
class StravaExportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    kept_api: int = 0  # rows whose record came from the API: left as the API gave them
    failed: int = 0
    files: FilesResult = field(default_factory=FilesResult)
    errors: list[str] = field(default_factory=list)
    last_activity_at: object = None

    def summary(self) -> str:
        return (
            f"created={self.created} updated={self.updated} unchanged={self.unchanged} "
            f"kept_api={self.kept_api} failed={self.failed} | files: {self.files.summary()}"
        )


@dataclass(slots=True)
class _Zip:
    """What one pass over the zip leaves behind besides the uploads: the CSVs and the file hashes."""

    path: Path
    activities_csv: str | None = None
    shoes_csv: str | None = None
    shas: dict[str, str] = field(default_factory=dict)  # member name -> sha256

    def uploads(self) -> Iterator[FileInput]:
        for entry in zip_entries(self.path, nested=lambda _name: False):
            name = entry.name
            base = PurePosixPath(name).name.lower()
            if base == "activities.csv":
                self.activities_csv = entry.data.decode("utf-8-sig")
            elif base == "shoes.csv":
                self.shoes_csv = entry.data.decode("utf-8-sig")
            elif base.endswith(FILE_SUFFIXES):
                self.shas[name] = hashlib.sha256(entry.data).hexdigest()
                yield FileInput(name=PurePosixPath(name).name, origin=entry.path, data=entry.data)


def strava_export_import(
    *,
    path: str | Path,
    workers: int | None = None,
    log: Callable[[str], None] | None = None,
    progress: Callable[[object], None] | None = None,
) -> StravaExportResult:
    """Import a Strava export zip; re-running changes nothing. SourceError for an unusable zip."""
    log = log or (lambda _line: None)
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"{path}: no such Strava export zip")
    result = StravaExportResult()
    archive = _Zip(path=path)
    with sync_lock(name=LOCK_NAME) as lock, sync_run(name=RUN_NAME) as run:

        def file_done(outcome) -> None:
            lock.refresh()
            if progress:
                progress(outcome)

        files_ingest(
            inputs=archive.uploads(),
            route=Route.STRAVA_EXPORT,
            workers=workers,
            log=log,
            progress=file_done,
            result=result.files,
        )
        if archive.activities_csv is None:
            raise SourceError(f"{path.name}: no activities.csv inside: not a Strava export")
        _store_rows(archive, result, log, lock)
        run.finish(result)
    return result


def _store_rows(archive: _Zip, result: StravaExportResult, log, lock) -> None:
    shoe_names = export_shoe_names(archive.shoes_csv) if archive.shoes_csv else {}
    from_api = set(
        ActivitySource.objects.filter(
            source=Source.STRAVA, route=Route.STRAVA_API, deleted_at__isnull=True
        ).values_list("source_id", flat=True)
    )
    for row in export_rows(archive.activities_csv or ""):
        lock.refresh()
        if row.activity_id in from_api:
            result.kept_api += 1
            continue
        sha = archive.shas.get(row.filename) if row.filename else None
        if row.filename and sha is None:
            result.errors.append(f"activities.csv line {row.line}: {row.filename} is not in the zip")
        try:
            parsed = parse_export_row(row, shoe_names=shoe_names, file_sha256=sha)
            outcome = record_store(parsed=parsed, route=Route.STRAVA_EXPORT).outcome
        except SourceError as error:
            result.failed += 1
            result.errors.append(str(error))
            log(f"FAILED activities.csv line {row.line}: {error}")
            continue
        setattr(result, outcome, getattr(result, outcome) + 1)
        if result.last_activity_at is None or parsed.start_time > result.last_activity_at:
            result.last_activity_at = parsed.start_time
        log(f"{outcome} strava {parsed.source_id} {parsed.start_time:%Y-%m-%d} {parsed.workout_name or ''}")

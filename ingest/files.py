"""The file-ingest service: recording files in, source records out, each file exactly once.

Every route that brings files (HealthFit folder, `import_files`, Garmin and Strava export zips, the demo
data) feeds `files_ingest` with `FileInput`s, on disk (`path`) or in memory (`data`). Per file:

1. a file seen before at the same path with the same size and mtime is left alone, unread;
2. otherwise it is identified by its content (`parsers.file_identity`: the SHA-256 of the bytes, of
   the inflated bytes when gzipped): known content is not imported twice (a renamed copy, the same
   recording through another route, plain or `.gz`); a failed file is retried only when it changes;
3. new content is archived in the raw store, the bytes as received, BEFORE it is parsed;
4. parsing runs in a pool of worker processes; the parent writes, one transaction per file: the
   manifest row (`ProcessedFile`) and every record of the file commit together or not at all;
5. a file changed in place (same path, new bytes) updates the records it produced before.

File names are stored and printed readably even when they are not valid UTF-8 (`readable`): the odd
bytes show as `\\xff`, and `disk_path` turns a stored path back into the one on disk. A file whose
planning fails for any reason other than the database is one failed file, never the end of the run;
an exception that does end a run names the file it was working on.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.db import IntegrityError, InterfaceError, OperationalError, transaction

from activities.models import ActivitySource
from ingest.models import ProcessedFile, clip_to_field
from ingest.parse_worker import ParseJob, ParseOutcome, default_workers, parse_many
from ingest.parsers import file_identity
from ingest.rawstore import RawFile, raw_store_put
from ingest.records import FileHints, ParsedActivity, SourceError
from ingest.store import record_mark_deleted, record_store
from ingest.sync import SyncResult, sync_running

logger = logging.getLogger("runbase.ingest")

FILE_SUFFIXES = (".fit", ".gpx", ".tcx", ".fit.gz", ".gpx.gz", ".tcx.gz")
STATUSES = ("imported", "updated", "unchanged", "already_seen", "skipped", "failed", "pending", "ignored")
_MANIFEST_CHUNK = 500
_DB_GONE = (OperationalError, InterfaceError)  # the database itself failed: stop, do not blame the file


def readable(text: str) -> str:
    """`text` as it can be stored and printed. A name that is not valid UTF-8 comes from the OS with
    its odd bytes as surrogate escapes, which neither the database nor a UTF-8 terminal accepts: they
    are written `\\xff` instead (`disk_path` reads them back). Valid text is returned unchanged."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        pass
    try:
        raw = os.fsencode(text)
    except UnicodeEncodeError:  # a lone surrogate that no file system produced: keep it visible
        return text.encode("utf-8", "backslashreplace").decode("utf-8")
    return raw.decode("utf-8", "backslashreplace")


_ESCAPED_BYTE = re.compile(rb"\\x([0-9a-f]{2})")


def disk_path(location: str) -> Path:
    """The path on disk of a stored `readable` location (its `\\xff` escapes turned back into bytes)."""
    path = Path(location)
    if "\\x" not in location or path.exists():
        return path
    raw = _ESCAPED_BYTE.sub(lambda m: bytes([int(m.group(1), 16)]), location.encode("utf-8"))
    return Path(os.fsdecode(raw))


@dataclass(slots=True)
class FileInput:
    """One file to ingest: on disk (`path`), in memory (`data`) or read on demand (`reader`, e.g. a
    zip member streamed when its turn comes) — exactly one of them.

    `origin` says where it was seen: a path, or `export.zip!inner/dir/file.fit` for a zip member.
    `size` is the size seen when the folder was listed: a file that grew since is still being written.
    `hints` is what the route knows of the recording's time (a HealthFit name's local start), for
    placement; `raw` is merged into every record's raw values (e.g. HealthFit's workout type).
    `name` and `origin` are made `readable`. Once archived, an in-memory file's bytes are dropped
    (`release`): a long import keeps hashes and names, never the files.
    """

    name: str
    origin: str
    data: bytes | None = None
    path: Path | None = None
    mtime: float | None = None
    hints: FileHints | None = None
    size: int | None = None
    raw: dict[str, Any] | None = None
    reader: Callable[[], bytes] | None = None

    def __post_init__(self) -> None:
        self.name, self.origin = readable(self.name), readable(self.origin)
        if sum(source is not None for source in (self.data, self.path, self.reader)) != 1:
            raise ValueError(f"{self.origin}: give a FileInput one of data, path or reader")

    def read_bytes(self) -> bytes:
        """The file's bytes (OSError when they cannot be read)."""
        if self.path is not None:
            return self.path.read_bytes()
        if self.data is not None:
            return self.data
        if self.reader is None:
            raise ValueError(f"{self.origin}: its bytes were released after archiving")
        return self.reader()

    def release(self) -> None:
        """Drop the in-memory bytes (they are in the raw store now)."""
        self.data = None
        self.reader = None


@dataclass(slots=True)
class FileOutcome:
    name: str
    origin: str
    status: str  # one of STATUSES
    sha256: str = ""
    error: str = ""  # failed: the fault; skipped/pending/ignored/already_seen: the reason
    record_ids: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.name, self.origin = readable(self.name), readable(self.origin)

    def line(self) -> str:
        # A folder's files by name; a zip member by where it sits in the zip.
        text = f"{self.status:<12} {self.origin if '!' in self.origin else self.name}"
        if self.record_ids:
            text += f" -> {len(self.record_ids)} record(s) #{', #'.join(map(str, self.record_ids))}"
        return f"{text}: {self.error}" if self.error else text


@dataclass(slots=True)
class FilesResult(SyncResult):
    """One count per file status (`created` is a file `imported`), and every file's outcome.

    A failed file is not the run's error: the manifest keeps it (runbase_status lists failed files).
    """

    COUNTERS: ClassVar[tuple[str, ...]] = (
        "created",
        "updated",
        "unchanged",
        "already_seen",
        "skipped",
        "failed",
        "pending",
        "ignored",
    )
    LABELS: ClassVar[dict[str, str]] = {"created": "imported"}

    already_seen: int = 0
    skipped: int = 0
    pending: int = 0
    ignored: int = 0
    outcomes: list[FileOutcome] = field(default_factory=list)

    @property
    def imported(self) -> int:
        return self.created

    def add(self, outcome: FileOutcome) -> FileOutcome:
        self.count(outcome.status)
        self.outcomes.append(outcome)
        return outcome

    def by_status(self, status: str) -> list[FileOutcome]:
        return [o for o in self.outcomes if o.status == status]


@dataclass(slots=True)
class _Planned:
    """A file whose new content must be parsed: archived already, its bytes dropped."""

    item: FileInput
    location: str  # manifest `path`: the absolute path, or the origin of an in-memory file
    sha256: str  # the file's identity (`file_identity`): the manifest's key and its records' source_id
    raw: RawFile  # the archived bytes as received (a `.gz` stays compressed)
    mtime: float | None
    prior_id: int | None  # the manifest row of this path's previous content (changed in place)
    prior_sha: str = ""


Log = Callable[[str], Any] | None


def max_file_bytes() -> int:
    """The per-file budget in bytes (RUNBASE_ARCHIVE_MAX_FILE_MB): for identifying and parsing alike."""
    return int(settings.RUNBASE_ARCHIVE_MAX_FILE_MB * (1 << 20))


def resolve_workers(workers: int | None) -> int:
    """`workers` if given, else settings.INGEST_WORKERS, where 0 means one per core."""
    if workers is None:
        workers = settings.INGEST_WORKERS
    return workers if workers and workers > 0 else default_workers()


def files_ingest(
    *,
    inputs: Iterable[FileInput],
    route: str,
    workers: int | None = None,
    log: Log = None,
    progress: Callable[[FileOutcome], Any] | None = None,
    result: FilesResult | None = None,
) -> FilesResult:
    """Ingest files once each (see the module docstring); one bad file never stops the batch.

    `log` gets one line per file, `progress` every FileOutcome. Pass `result` to add to a result
    that already holds outcomes (HealthFit's stubs and sidecars).
    """
    result = result if result is not None else FilesResult()

    def report(outcome: FileOutcome) -> None:
        report_outcome(result.add(outcome), log=log)
        if progress is not None:
            progress(outcome)

    seen: dict[str, str] = {}  # sha256 -> origin of the files planned so far: no bytes kept
    planned: dict[int, _Planned] = {}  # in the parse pool now

    max_bytes = max_file_bytes()  # the per-file budget, for workers

    def jobs() -> Iterator[ParseJob]:
        """Plan file by file (drawn lazily by the parse pool): report what needs no parsing, archive
        and hand on what does."""
        for chunk in _chunks(inputs, _MANIFEST_CHUNK):
            known = _manifest_by_path(chunk)
            for item in chunk:
                with _naming(item):
                    step = _plan_safely(item, known=known, seen=seen)
                if isinstance(step, FileOutcome):
                    report(step)
                    continue
                key = len(seen)
                seen[step.sha256] = item.origin
                planned[key] = step
                yield ParseJob(
                    key=key,
                    name=item.name,
                    path=str(step.raw.absolute),
                    home_tz=settings.RUNBASE_HOME_TZ,
                    hints=item.hints,
                    max_bytes=max_bytes,
                )

    for job, parsed in parse_many(jobs(), workers=resolve_workers(workers)):
        plan = planned.pop(job.key)
        with _naming(plan.item):
            outcome = _write(plan, parsed, route=route, result=result)
        report(outcome)
    return result


@contextmanager
def _naming(item: FileInput) -> Iterator[None]:
    """An exception that ends the run (the database went away …) says which file it was working on."""
    try:
        yield
    except BaseException as exc:
        if not any("while importing" in note for note in getattr(exc, "__notes__", ())):
            exc.add_note(f"while importing {item.origin}")
        raise


def _plan_safely(
    item: FileInput, *, known: dict[str, ProcessedFile], seen: dict[str, str]
) -> FileOutcome | _Planned:
    """`_plan`, where anything but the database failing makes the file a failed one, not the run."""
    try:
        return _plan(item, known=known, seen=seen)
    except _DB_GONE:
        raise
    except Exception as exc:
        logger.exception("planning %s failed", item.origin)
        return _outcome(item, "failed", error=f"{item.name}: could not be read ({type(exc).__name__}: {exc})")
    finally:
        item.release()


def files_import_paths(
    *,
    paths: Sequence[Path],
    route: str = "files",
    workers: int | None = None,
    log: Log = None,
    progress: Callable[[FileOutcome], Any] | None = None,
    name_hints: Callable[[str], FileHints | None] | None = None,
) -> FilesResult:
    """Import `.fit`/`.gpx`/`.tcx` files and folders (recursively): the `files` sync.

    File names mean nothing here unless the caller says how to read them: `name_hints(file name)`
    (e.g. `healthfit_name_hints`) gives the hints placement uses where a file is silent.
    """
    missing = [str(p) for p in paths if not Path(p).exists()]
    if missing:
        raise SourceError(f"No such file or folder: {', '.join(missing)}")
    with sync_running(name="files", result=FilesResult()) as run:
        files_ingest(
            inputs=_path_inputs(paths, name_hints=name_hints),
            route=route,
            workers=workers,
            log=log,
            progress=run.progress(progress),
            result=run.result,
        )
    return run.result


def _path_inputs(
    paths: Sequence[Path], *, name_hints: Callable[[str], FileHints | None] | None = None
) -> Iterator[FileInput]:
    for root in paths:
        root = Path(root).expanduser().absolute()
        files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if _wanted(p, root))
        for path in files:
            hints = name_hints(path.name) if name_hints is not None else None
            yield FileInput(name=path.name, origin=str(path), path=path, hints=hints)


def _wanted(path: Path, root: Path) -> bool:
    hidden = any(part.startswith(".") for part in path.relative_to(root).parts)
    return not hidden and path.name.lower().endswith(FILE_SUFFIXES) and path.is_file()


def _chunks(items: Iterable[FileInput], size: int) -> Iterator[list[FileInput]]:
    """Up to `size` files for one manifest query; a file held in memory ends its chunk, so a zip's
    members are planned (archived, released) one by one, never hundreds held at once."""
    chunk: list[FileInput] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size or item.data is not None:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _manifest_by_path(chunk: list[FileInput]) -> dict[str, ProcessedFile]:
    """One query per chunk: the manifest rows of the on-disk files, by path (newest wins)."""
    locations = [_location(item.path) for item in chunk if item.path is not None]
    if not locations:
        return {}
    rows = (
        ProcessedFile.objects.filter(path__in=locations)
        .only("pk", "path", "size", "mtime", "sha256", "status", "error")
        .order_by("updated_at")
    )
    return {row.path: row for row in rows}


def _location(path: Path) -> str:
    """A file's manifest `path`: absolute, and `readable` (stored and looked up the same way)."""
    return readable(str(path.absolute()))


def _plan(
    item: FileInput, *, known: dict[str, ProcessedFile], seen: dict[str, str]
) -> FileOutcome | _Planned:
    """Decide what a file needs without parsing it; archive new content."""
    mtime = item.mtime
    if item.path is not None:
        location = _location(item.path)
        if item.size is not None and item.mtime is not None:
            size = item.size  # listed a moment ago (the HealthFit scan): no second stat
        else:
            try:
                stat = item.path.stat()
            except OSError as exc:
                return _outcome(item, "failed", error=f"cannot read {item.origin}: {exc.strerror or exc}")
            size, mtime = stat.st_size, stat.st_mtime
        previous = known.get(location)
        if previous is not None and previous.size == size and previous.mtime == mtime:
            return _outcome(item, "unchanged", sha256=previous.sha256, error=_earlier(previous))
        try:
            data = item.path.read_bytes()
        except OSError as exc:
            return _outcome(item, "failed", error=f"cannot read {item.origin}: {exc.strerror or exc}")
        if len(data) != size:
            return _outcome(item, "pending", error="still being written (its size changed): next sync")
    else:
        location, data, previous = item.origin, item.read_bytes(), None
    sha256 = file_identity(name=item.name, data=data, max_bytes=max_file_bytes())
    if sha256 in seen:
        return _outcome(item, "already_seen", sha256=sha256, error=f"same content as {seen[sha256]}")
    existing = ProcessedFile.objects.filter(sha256=sha256).first()
    if existing is not None:
        return _known_content(item, existing, location=location, mtime=mtime, size=len(data))
    raw = raw_store_put(data=data, name=item.name)
    return _Planned(
        item=item,
        location=location,
        sha256=sha256,
        raw=raw,
        mtime=mtime,
        prior_id=previous.pk if previous is not None else None,
        prior_sha=previous.sha256 if previous is not None else "",
    )


def _earlier(row: ProcessedFile) -> str:
    if row.status == ProcessedFile.Status.FAILED:
        return f"failed before, retried when the file changes ({row.error})"
    if row.status == ProcessedFile.Status.SKIPPED:
        return f"skipped before ({row.error})" if row.error else "skipped before: not an activity"
    return ""


def _known_content(
    item: FileInput, row: ProcessedFile, *, location: str, mtime: float | None, size: int
) -> FileOutcome:
    """Content already in the manifest: touched in place, renamed/moved, or a second copy."""
    if row.path == location:
        if item.path is not None and row.mtime != mtime:
            # Same file, new mtime (touched, re-downloaded): remember it so the file is not read again.
            ProcessedFile.objects.filter(pk=row.pk).update(mtime=mtime, size=size)
        return _outcome(item, "unchanged", sha256=row.sha256, error=_earlier(row))
    moved = item.path is not None and _is_gone(row.path)
    if moved:
        ProcessedFile.objects.filter(pk=row.pk).update(
            path=location, name=clip_to_field(ProcessedFile, "name", item.name), mtime=mtime
        )
    note = f"renamed or moved from {row.path}" if moved else f"same content as {row.path}"
    if row.status != ProcessedFile.Status.IMPORTED:
        note += f"; {_earlier(row)}"
    ids = list(row.records.values_list("pk", flat=True))
    return _outcome(item, "already_seen", sha256=row.sha256, error=note, record_ids=ids)


def _is_gone(location: str) -> bool:
    """A manifest path that no longer exists on disk (zip members' origins never "exist")."""
    if "!" in location:
        return False
    return not disk_path(location).exists()


def _write(plan: _Planned, parsed: ParseOutcome, *, route: str, result: FilesResult) -> FileOutcome:
    """One transaction per file: manifest row + records. A failure leaves only a `failed` row."""
    item = plan.item
    if parsed.error:
        return _fail(plan, route=route, error=parsed.error)
    status = ProcessedFile.Status.SKIPPED if parsed.skipped else ProcessedFile.Status.IMPORTED
    try:
        with transaction.atomic():
            row = _save_row(plan, route=route, status=status, error=parsed.skipped)
            if parsed.skipped:
                return _outcome(item, "skipped", sha256=plan.sha256, error=parsed.skipped)
            outcome = _store_records(plan, row, parsed.records, route=route)
    except _DB_GONE:
        raise
    except IntegrityError as exc:
        if ProcessedFile.objects.filter(sha256=plan.sha256).exists():
            # A concurrent run (another route's lock) imported the same bytes first.
            return _outcome(item, "already_seen", sha256=plan.sha256, error="imported meanwhile")
        return _fail(plan, route=route, error=f"{item.name}: could not be stored ({exc})")
    except SourceError as exc:
        return _fail(plan, route=route, error=str(exc) if item.name in str(exc) else f"{item.name}: {exc}")
    except Exception as exc:
        logger.exception("storing %s failed", item.origin)
        return _fail(
            plan, route=route, error=f"{item.name}: could not be stored ({type(exc).__name__}: {exc})"
        )
    starts = [r.start_time for r in parsed.records if r.start_time is not None]
    result.saw(max(starts, default=None))
    return outcome


def _store_records(
    plan: _Planned, row: ProcessedFile, records: list[ParsedActivity], *, route: str
) -> FileOutcome:
    """Inside the file's transaction: retarget the old content's records, then upsert each record."""
    item = plan.item
    old = _retarget(plan, row) if plan.prior_id is not None else {}
    ids, outcomes = [], set()
    for parsed in records:
        if item.raw:
            parsed.raw.update(item.raw)
        stored = record_store(parsed=parsed, route=route, file=row)
        ids.append(stored.record.pk)
        outcomes.add(stored.outcome)
    gone = [source_id for source_id in old.values() if source_id not in {r.source_id for r in records}]
    if gone:
        record_mark_deleted(source="fit_file", source_ids=gone)
    status = "updated" if old or outcomes == {"updated"} else "imported"
    return _outcome(item, status, sha256=plan.sha256, record_ids=ids)


def _retarget(plan: _Planned, row: ProcessedFile) -> dict[int, str]:
    """A file changed in place: move its records to the new hash-based ids, so they are updated, not
    duplicated. Returns {record id: new source_id}."""
    moved: dict[int, str] = {}
    old_sha = plan.prior_sha
    for record in ActivitySource.objects.select_for_update().filter(file=row, source="fit_file"):
        if not record.source_id.startswith(old_sha):
            continue
        new_id = plan.sha256 + record.source_id[len(old_sha) :]
        if ActivitySource.objects.filter(source="fit_file", source_id=new_id).exists():
            continue
        ActivitySource.objects.filter(pk=record.pk).update(source_id=new_id)
        moved[record.pk] = new_id
    return moved


def _save_row(plan: _Planned, *, route: str, status: str, error: str) -> ProcessedFile:
    """Create the manifest row, or move this path's row (changed in place) to the new content."""
    item = plan.item
    values = dict(
        sha256=plan.sha256,
        path=clip_to_field(ProcessedFile, "path", plan.location),
        name=clip_to_field(ProcessedFile, "name", item.name),
        route=route,
        size=plan.raw.size,
        mtime=plan.mtime,
        raw_path=plan.raw.raw_path,
        status=status,
        error=error,
    )
    if plan.prior_id is not None:
        row = ProcessedFile.objects.select_for_update().filter(pk=plan.prior_id).first()
        if row is not None:
            for name, value in values.items():
                setattr(row, name, value)
            row.attempts += 1
            row.save()
            return row
        plan.prior_id = None
    return ProcessedFile.objects.create(**values)


def _fail(plan: _Planned, *, route: str, error: str) -> FileOutcome:
    """Record a failed file (in its own transaction, after the file's work was rolled back).

    Another route's run may have recorded the same bytes meanwhile (`import_files` and `sync_icloud`
    on one folder hold different locks): then its row stands and this file is `already_seen`."""
    try:
        with transaction.atomic():
            _save_row(plan, route=route, status=ProcessedFile.Status.FAILED, error=error)
    except IntegrityError:
        other = ProcessedFile.objects.filter(sha256=plan.sha256).first()
        if other is None:
            raise
        note = f"recorded meanwhile by another run ({other.status} at {other.path})"
        return _outcome(plan.item, "already_seen", sha256=plan.sha256, error=note)
    return _outcome(plan.item, "failed", sha256=plan.sha256, error=error)


def _outcome(item: FileInput, status: str, **values: Any) -> FileOutcome:
    return FileOutcome(name=item.name, origin=item.origin, status=status, **values)


@contextmanager
def console_output(stdout: Any, *, quiet: bool) -> Iterator[tuple[Log, Callable[[FileOutcome], Any] | None]]:
    """`(log, progress)` for a command: one line per file unless `quiet`, and on a terminal a
    progress bar (files done, rate) that the lines scroll above."""
    if quiet:
        yield None, None
        return
    if not stdout.isatty():
        yield stdout.write, None
        return
    from tqdm import tqdm

    with tqdm(unit="file", leave=False, dynamic_ncols=True) as bar:
        yield bar.write, lambda _outcome: bar.update(1)


def report_outcome(outcome: FileOutcome, *, log: Log) -> None:
    if log is not None:
        log(outcome.line())
    if outcome.status == "failed":
        logger.warning("%s", outcome.line())
    elif outcome.status in ("imported", "updated"):
        logger.info("%s", outcome.line())
    else:
        logger.debug("%s", outcome.line())

"""Import the training-log workbook: read, regex pass, LLM fallback, store, mark deleted rows, report.

Identity rule (documented in the README): a run is `sheet|date#n`. On re-import the runs of one date
are matched to that date's existing records first by their cells' fingerprint (unchanged rows keep
their record, wherever they moved), then in order (an edited row updates its record in place); a row
left over is new, a record left over was deleted from the sheet and is marked deleted. So inserting a
row never re-keys the others, and removing one run of a double leaves the other's record alone.
Changing a row's date is a delete plus a create. Only sheets present in the file are compared.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from django.conf import settings
from django.db import transaction

from activities.models import ActivitySource, Shoe
from activities.services import shoe_resolve
from ingest.models import ProcessedFile, clip_to_field
from ingest.rawstore import RawFile, raw_store_put
from ingest.records import ParsedActivity, Route, SourceError
from ingest.store import parsed_content_hash, record_mark_deleted, record_store
from ingest.sync import RunningSync, SyncResult, sync_running
from ingest.xlsx.archive import workbook_check
from ingest.xlsx.fallback import llm_merge, notes_fallback
from ingest.xlsx.parser import SOURCE, SheetRow, WorkbookRead, row_activity, workbook_read
from ingest.xlsx.report import ReportRow, report_write

Log = Callable[[str], Any] | None
DEFAULT_THRESHOLD = 0.7
SYNC_NAME = "xlsx"


@dataclass(slots=True)
class XlsxImportResult(SyncResult):
    COUNTERS: ClassVar[tuple[str, ...]] = (
        "created",
        "updated",
        "unchanged",
        "deleted",
        "failed",
        "skipped",
        "low_confidence",
        "llm_answered",
    )

    deleted: int = 0
    skipped: int = 0
    low_confidence: int = 0
    llm_answered: int = 0
    report_path: Path | None = None


def xlsx_import(*, path: str | Path, review: bool = False, log: Log = None) -> XlsxImportResult:
    """Import every run of the training log at `path` as `master_xlsx` source records: the `xlsx`
    sync (SyncBusy while another import of it runs).

    The workbook is checked against the archive budget (`ingest.xlsx.archive`; refused: nothing
    archived or imported), then archived in the raw store before it is read. Re-running with the
    same file changes nothing. Raises SourceError when the file cannot be read as a training log; a bad row
    is counted as failed and the rest goes on.
    """
    path = Path(path)
    workbook_check(path)  # before a byte is read: a refused workbook leaves nothing behind
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SourceError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    with sync_running(name=SYNC_NAME, result=XlsxImportResult()) as run:
        _import(path, data, raw_store_put(data=data, name=path.name), run, review=review, log=log)
    return run.result


def _import(
    path: Path, data: bytes, raw: RawFile, run: RunningSync[XlsxImportResult], *, review: bool, log: Log
) -> None:
    book = workbook_read(data, name=path.name, aliases=getattr(settings, "XLSX_COLUMN_ALIASES", None))
    threshold = float(getattr(settings, "XLSX_LLM_THRESHOLD", DEFAULT_THRESHOLD))
    result = run.result
    result.skipped = len(book.skipped)
    for problem in book.errors:
        result.add_error(problem.message, log=log)
    existing = _existing(book.sheets)
    ids, gone = assign_ids(book.rows, existing)
    result.llm_answered = _llm_pass(book, existing, threshold, log)
    run.refresh()
    processed = _manifest(path, raw)
    outcomes = _store(book, existing, ids, gone, processed, threshold, result, log)
    if review:
        result.report_path = report_write(
            name=path.name, rows=outcomes, book=book, threshold=threshold, summary=result.summary()
        )
        _say(log, f"review report: {result.report_path}")


def _say(log: Log, message: str) -> None:
    if log is not None:
        log(message)


def _existing(sheets: list[str]) -> dict[tuple[str, str], list[dict]]:
    """Records of these sheets by (sheet, date): id, fingerprint, deleted flag, cached LLM answer."""
    found: dict[tuple[str, str], list[dict]] = defaultdict(list)
    rows = ActivitySource.objects.filter(source=SOURCE).values_list(
        "source_id", "raw", "deleted_at", "content_hash", "file_id"
    )
    for source_id, raw, deleted_at, content_hash, file_id in rows:
        raw = raw or {}
        if raw.get("sheet") in sheets:
            found[(raw["sheet"], raw.get("date", ""))].append(
                {
                    "id": source_id,
                    "fingerprint": raw.get("fingerprint"),
                    "deleted": deleted_at is not None,
                    "llm": raw.get("llm"),
                    # what record_store would compare: lets an unchanged row skip the per-row queries
                    "unchanged_hash": content_hash if deleted_at is None and file_id else None,
                }
            )
    return found


def _occurrence(source_id: str) -> int:
    try:
        return int(source_id.rsplit("#", 1)[1])
    except (IndexError, ValueError):
        return 0


def assign_ids(rows: list[SheetRow], existing: dict[tuple[str, str], list[dict]]) -> tuple[dict, list[str]]:
    """Give every row its source_id (keyed by `id(row)`) and list the live records no row claims."""
    groups: dict[tuple[str, str], list[SheetRow]] = defaultdict(list)
    for row in rows:
        groups[(row.sheet, row.local_date.isoformat())].append(row)
    ids: dict[int, str] = {}
    gone: list[str] = []
    for key in groups.keys() | existing.keys():
        records = sorted(existing.get(key, []), key=lambda r: _occurrence(r["id"]))
        free = list(records)
        pending = []
        for row in groups.get(key, []):
            same = next((r for r in free if r["fingerprint"] == row.fingerprint), None)
            if same is not None:
                ids[id(row)] = same["id"]
                free.remove(same)
            else:
                pending.append(row)
        live = [r for r in free if not r["deleted"]]
        for row, record in zip(pending, live, strict=False):
            ids[id(row)] = record["id"]
            free.remove(record)
        taken = {r["id"] for r in records} | {ids[id(r)] for r in groups.get(key, []) if id(r) in ids}
        n = 1
        for row in pending[len(live) :]:
            while f"{key[0]}|{key[1]}#{n}" in taken:
                n += 1
            ids[id(row)] = f"{key[0]}|{key[1]}#{n}"
            taken.add(ids[id(row)])
        gone += [r["id"] for r in free if not r["deleted"]]
    return ids, gone


def _llm_pass(book: WorkbookRead, existing: dict, threshold: float, log: Log) -> int:
    """Ask the model about the notes the regex pass doubts; an unchanged row reuses its stored answer."""
    cached = {
        record["fingerprint"]: record["llm"]["answer"]
        for records in existing.values()
        for record in records
        if (record.get("llm") or {}).get("answer")
    }
    doubtful = [row for row in book.rows if row.notes and row.extracted.confidence < threshold]
    ask = []
    for row in doubtful:
        if row.fingerprint in cached:
            llm_merge(row, cached[row.fingerprint])
        else:
            ask.append(row)
    answered = len(doubtful) - len(ask)
    if ask:
        _say(log, f"asking the LLM about {len(ask)} notes the regex pass is not sure of")
        batch_size = int(getattr(settings, "XLSX_LLM_BATCH_SIZE", 25))
        answered += notes_fallback(ask, batch_size=batch_size, log=log)
    return answered


def _manifest(path: Path, raw: RawFile) -> ProcessedFile:
    """List the workbook as imported in the manifest, with its copy in the raw store."""
    processed, _ = ProcessedFile.objects.update_or_create(
        sha256=raw.sha256,
        defaults={
            "path": str(path.resolve()),
            "name": path.name,
            "route": Route.XLSX,
            "size": raw.size,
            "mtime": path.stat().st_mtime,
            "raw_path": raw.raw_path,
            "status": ProcessedFile.Status.IMPORTED,
        },
    )
    return processed


@transaction.atomic
def _store(
    book: WorkbookRead,
    existing: dict,
    ids: dict,
    gone: list[str],
    processed: ProcessedFile,
    threshold: float,
    result: XlsxImportResult,
    log: Log,
) -> list[ReportRow]:
    """All rows in one transaction: one commit, and nothing half-written if the import dies."""
    report = []
    hashes = {r["id"]: r["unchanged_hash"] for records in existing.values() for r in records}
    shoes: dict[str, Shoe | None] = {}
    for row in book.rows:
        source_id = ids[id(row)]
        try:  # record_store writes in its own savepoint: a bad row rolls back alone
            parsed = row_activity(row, source_id=source_id, threshold=threshold)
            if hashes.get(source_id) and hashes[source_id] == parsed_content_hash(parsed):
                outcome = "unchanged"
            else:
                outcome = _write(parsed, processed, shoes)
        except SourceError as exc:
            result.add_error(f"{book.name}: sheet {row.sheet!r} row {row.row}: {exc}", log=log)
            continue
        result.count(outcome, log=log, line=f"{outcome} {source_id} {_describe(parsed)}")
        result.low_confidence += parsed.raw["needs_review"]
        report.append(ReportRow(row=row, source_id=source_id, outcome=outcome, parsed=parsed))
    if gone:
        result.deleted = record_mark_deleted(source=SOURCE, source_ids=gone)
        for source_id in gone:
            _say(log, f"deleted {source_id}: no longer in the sheet")
    return report


def _write(parsed: ParsedActivity, processed: ProcessedFile, shoes: dict[str, Shoe | None]) -> str:
    """Store one row; each distinct shoe name is resolved through the alias table once per import."""
    gear = parsed.gear or ""
    if gear not in shoes:
        shoes[gear] = shoe_resolve(name=gear)
    stored = record_store(parsed=parsed, route=Route.XLSX, file=processed, shoe=shoes[gear])
    if stored.outcome != "unchanged":
        _flag(stored.record, parsed.raw)
    return stored.outcome


def _flag(record: ActivitySource, raw: dict) -> None:
    """Flag a new or changed record the parse is unsure of; an unchanged one keeps a reviewer's verdict."""
    reason = (
        clip_to_field(ActivitySource, "review_reason", "; ".join(raw["issues"]))
        if raw["needs_review"]
        else ""
    )
    if record.needs_review != raw["needs_review"] or record.review_reason != reason:
        ActivitySource.objects.filter(pk=record.pk).update(
            needs_review=raw["needs_review"], review_reason=reason
        )


def _describe(parsed: ParsedActivity) -> str:
    km = f"{parsed.distance_m / 1000:.2f} km" if parsed.distance_m else "no distance"
    flag = " (review)" if parsed.raw["needs_review"] else ""
    return f"{km} confidence={parsed.parse_confidence:.2f}{flag}"

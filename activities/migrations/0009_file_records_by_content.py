"""Key file records by their content, and merge the duplicates an older version made of one recording.

A recording file used to be identified by the SHA-256 of its bytes as received, so one FIT imported plain
and again as a Strava export's `.fit.gz` became two `fit_file` records and two manifest rows. It is now
the SHA-256 of the content, inflated when gzipped (`ingest.parsers.file_identity`).

The content is recomputed from the raw store: the archived copy of every manifest row is the file as it
was received, the one reliable witness of its content (a record keeps values, not bytes, and two
copies' records differ in their `raw.file_name`, so their `content_hash` differ too). For each manifest
row whose archive is gzip:
- the row takes the content's hash, or merges into the row that holds it already: the survivor (the
  imported one, else the older) lists the other (path, name, route, archive, status, dates) in `copies`;
- each of its records takes the matching id (`<content hash>[#session]`), or merges into the record
  holding it: the older (live first) record stays with its id, activity and file; it takes the other's
  laps and stream if it had none, else the canonical intervals and best efforts pointing at the other's
  laps and stream move to its own; then the other is deleted. Provenance, conflicts and manual overrides
  name sources and activities, never a record, so they hold as they are. The runner's pin on either twin
  stays, on the kept record, and places it; decisions that named the deleted twin (`record:<id>`, its
  snapshot) name the kept one. When the twin sat in another
  activity, the kept record and that activity's other records are marked changed, so the next reconcile
  looks at them again; an activity left without records is flagged for review as an orphan (kept, with
  its overrides);
- Strava rows (`upload_sha256`) and Garmin summaries (`paired_file_sha256`, `paired_record`) that named
  the old hash name the new one.
A row whose archive is missing or does not inflate (within RUNBASE_ARCHIVE_MAX_FILE_MB) keeps its hash,
as the importers do for such a file. Safe on an empty database; running it again changes nothing.
"""

import logging
import zlib
from hashlib import sha256
from pathlib import Path

from django.conf import settings
from django.db import migrations
from django.db.models import Q
from django.utils import timezone

logger = logging.getLogger("runbase.ingest")

_GZIP_MAGIC = b"\x1f\x8b"
_CHUNK = 1 << 20
# reconcile.canonical.ORPHAN_REASON when this was written
_ORPHAN_REASON = "No live source records (deleted at the source or moved to another run): keep or delete it."
_ROW_FIELDS = ("sha256", "path", "name", "route", "size", "raw_path", "status", "error", "attempts")


def _content_hash(path: Path, max_bytes: int) -> str | None:
    """SHA-256 of a gzip archive's inflated content (every member); None when it is not gzip, is
    missing, is corrupt or inflates past `max_bytes` (the importers' per-file budget)."""
    try:
        with path.open("rb") as handle:
            if handle.read(2) != _GZIP_MAGIC:
                return None
            data = _GZIP_MAGIC + handle.read()
    except OSError:
        logger.warning("file identity: archive %s is missing or unreadable: its hash is kept", path)
        return None
    digest, size, view = sha256(), 0, memoryview(data)
    try:
        while True:
            inflater = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
            while not inflater.eof:
                if not view:
                    return None  # truncated
                fed = view[:_CHUNK]
                chunk = inflater.decompress(fed, max_bytes + 1 - size)
                view = view[len(fed) - len(inflater.unconsumed_tail) - len(inflater.unused_data) :]
                size += len(chunk)
                if size > max_bytes:
                    return None
                digest.update(chunk)
            if view[:2] != _GZIP_MAGIC:
                break
    except zlib.error:
        return None
    return digest.hexdigest()


def _described(row) -> dict:
    values = {name: getattr(row, name) for name in _ROW_FIELDS}
    values["mtime"] = row.mtime
    values["created_at"] = row.created_at.isoformat() if row.created_at else None
    values["updated_at"] = row.updated_at.isoformat() if row.updated_at else None
    return values


class _Merge:
    """The historical models and what the merge has done, for the summary line."""

    def __init__(self, apps) -> None:
        self.File = apps.get_model("ingest", "ProcessedFile")
        self.Record = apps.get_model("activities", "ActivitySource")
        self.Activity = apps.get_model("activities", "Activity")
        self.Lap = apps.get_model("activities", "Lap")
        self.Stream = apps.get_model("activities", "Stream")
        self.BestEffort = apps.get_model("activities", "BestEffort")
        self.Interval = apps.get_model("activities", "Interval")
        self.Pin = apps.get_model("reconcile", "RecordPin")
        self.Decision = apps.get_model("reconcile", "Decision")
        self.renamed: dict[str, str] = {}  # old hash -> content hash
        self.merged: dict[int, int] = {}  # deleted record id -> the kept record's
        self.rows_merged = self.records_merged = self.records_rekeyed = 0

    def row(self, row, identity: str) -> None:
        """Give `row` the content's hash, merging it into the row that holds it already."""
        old, old_pk = row.sha256, row.pk
        holder = self.File.objects.filter(sha256=identity).first()
        survivor = row
        if holder is not None:
            survivor, other = (row, holder) if _prefer(row, holder) else (holder, row)
            survivor.copies = [*survivor.copies, _described(other), *other.copies]
            self.Record.objects.filter(file=other).update(file=survivor)
            other.delete()
            self.rows_merged += 1
        survivor.sha256 = identity
        survivor.save()
        self.renamed[old] = identity
        # by the file (indexed; a LIKE on source_id would read every record for every row)
        files = (survivor.pk, old_pk)
        mine = self.Record.objects.filter(Q(file_id__in=files) | Q(source_id=old), source="fit_file")
        for record in mine:
            if record.source_id == old or record.source_id.startswith(old + "#"):
                self.record(record, identity + record.source_id[len(old) :], survivor)

    def record(self, record, target_id: str, row) -> None:
        """Give `record` the id `target_id`, merging it with the record that holds it already."""
        twin = self.Record.objects.filter(source="fit_file", source_id=target_id).first()
        if twin is None:
            record.source_id, record.file = target_id, row
            record.save(update_fields=["source_id", "file"])
            self.records_rekeyed += 1
            return
        kept, other = sorted((record, twin), key=lambda r: (r.deleted_at is not None, r.pk))
        self._children(kept, other)
        target = self._pinned(kept, other)
        if target is None:
            target = kept.activity_id if kept.activity_id is not None else other.activity_id
        left = {a for a in (kept.activity_id, other.activity_id) if a not in (None, target)}
        if left:
            kept.changed_at = timezone.now()  # reconcile looks at it again
        self.merged[other.pk] = kept.pk
        other.delete()  # with its pin, if the kept record has one of its own
        kept.source_id, kept.file, kept.activity_id = target_id, row, target
        kept.save()
        for activity_id in left:
            self._left(activity_id)
        self.records_merged += 1

    def _pinned(self, kept, other) -> int | None:
        """The activity the runner pinned either twin to (the kept record's pin first), the pin now on
        the kept record; None when neither is pinned."""
        pins = {pin.record_id: pin for pin in self.Pin.objects.filter(record_id__in=(kept.pk, other.pk))}
        pin = pins.get(kept.pk) or pins.get(other.pk)
        if pin is None:
            return None
        if pin.record_id != kept.pk:
            self.Pin.objects.filter(pk=pin.pk).update(record_id=kept.pk)
        return pin.activity_id

    def _left(self, activity_id: int) -> None:
        """An activity that lost a record: its other records are looked at again by the next reconcile;
        without any, it is flagged as reconcile flags an orphan (kept, never deleted behind the runner)."""
        live = self.Record.objects.filter(activity_id=activity_id, deleted_at__isnull=True)
        if live.exists():
            live.update(changed_at=timezone.now())
        else:
            self.Activity.objects.filter(pk=activity_id).update(
                needs_review=True, review_code="orphan", review_reason=_ORPHAN_REASON
            )

    def _children(self, kept, other) -> None:
        """The laps and stream stay with `kept`; what pointed at `other`'s points at them."""
        if not self.Lap.objects.filter(record=kept).exists():
            self.Lap.objects.filter(record=other).update(record=kept)
        else:
            laps = dict(self.Lap.objects.filter(record=kept).values_list("index", "pk"))
            for lap in self.Lap.objects.filter(record=other, interval__isnull=False).distinct():
                self.Interval.objects.filter(lap=lap).update(lap_id=laps.get(lap.index))
        stream = self.Stream.objects.filter(record=kept).first()
        if stream is None:
            self.Stream.objects.filter(record=other).update(record=kept)
        else:
            self.BestEffort.objects.filter(stream__record=other).update(stream=stream)

    def references(self) -> None:
        """Strava rows and Garmin summaries that named an old hash name the content's."""
        if not self.renamed:
            return
        for record in self.Record.objects.filter(source__in=("strava", "garmin")).only("pk", "raw"):
            raw = dict(record.raw or {})
            for key in ("upload_sha256", "paired_file_sha256"):
                if raw.get(key) in self.renamed:
                    raw[key] = self.renamed[raw[key]]
            paired = raw.get("paired_record")
            if isinstance(paired, str) and paired.partition("#")[0] in self.renamed:
                sha, sep, session = paired.partition("#")
                raw["paired_record"] = self.renamed[sha] + sep + session
            if raw != record.raw:
                self.Record.objects.filter(pk=record.pk).update(raw=raw)


    def decisions(self) -> None:
        """Decisions that named a merged record (`record:<id>`, its snapshot) name the kept one."""
        if not self.merged:
            return

        def kept(record_id):
            while record_id in self.merged:
                record_id = self.merged[record_id]
            return record_id

        for decision in self.Decision.objects.all():
            keys = [
                f"record:{kept(int(key[7:]))}" if key.startswith("record:") and key[7:].isdigit() else key
                for key in decision.keys or []
            ]
            before = dict(decision.before or {})
            if isinstance(before.get("records"), list):
                before["records"] = [
                    {**snap, "id": kept(snap["id"])} if isinstance(snap, dict) and "id" in snap else snap
                    for snap in before["records"]
                ]
            if keys != decision.keys or before != decision.before:
                self.Decision.objects.filter(pk=decision.pk).update(keys=keys, before=before)


def _prefer(row, holder) -> bool:
    """Whether `row` rather than `holder` survives: the imported one, else the older."""
    imported = (row.status == "imported", holder.status == "imported")
    if imported[0] != imported[1]:
        return imported[0]
    return row.pk < holder.pk


def key_by_content(apps, schema_editor) -> None:
    merge = _Merge(apps)
    store = Path(settings.RAW_STORE_DIR)
    max_bytes = int(settings.RUNBASE_ARCHIVE_MAX_FILE_MB * (1 << 20))
    for pk, old, raw_path in merge.File.objects.order_by("pk").values_list("pk", "sha256", "raw_path"):
        identity = _content_hash(store / raw_path, max_bytes) if raw_path else None
        if identity is not None and identity != old:
            row = merge.File.objects.filter(pk=pk).first()
            if row is not None:  # not merged away earlier in this loop
                merge.row(row, identity)
    merge.references()
    merge.decisions()
    if merge.renamed:
        logger.info(
            "file identity by content: %d manifest row(s) re-keyed, %d merged; "
            "%d record(s) re-keyed, %d merged",
            len(merge.renamed),
            merge.rows_merged,
            merge.records_rekeyed,
            merge.records_merged,
        )


class Migration(migrations.Migration):
    dependencies = [
        ("activities", "0008_alter_activitysource_route"),
        ("ingest", "0005_processedfile_copies"),
        ("reconcile", "0004_decisions_and_record_pins"),  # pins and decisions name records by id
    ]

    operations = [migrations.RunPython(key_by_content, migrations.RunPython.noop)]

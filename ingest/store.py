"""Write one parsed record idempotently: a source record with its laps and stream, in one transaction.

Every ingest route (file import, HealthFit, Garmin, Strava, Runalyze, spreadsheet) ends here, so the
invariants hold once: `(source, source_id)` is unique, an unchanged record is left alone, a changed
one is rewritten whole and marked for reconcile, never half-written.

Records arrive placed and validated, and are written as they are: the store neither dates nor checks
them. Each route does both once, where it makes its records:
- recording files (HealthFit, file import, the files of Garmin and Strava exports): `parsers.file_records`
  in the parse worker places (`placement.records_place`) and validates;
- Strava (API and export CSV), Garmin summaries, Runalyze, the spreadsheet: the source's parser
  validates; the route places (Strava, Garmin) or the parser dates the record from the source's own
  local time (Runalyze, the spreadsheet's date column).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from typing import Literal

from django.db import transaction
from django.utils import timezone

from activities.models import ActivitySource, Lap, Shoe, Stream
from activities.services import shoe_resolve
from activities.streams import ENCODING, EncodedStream, stream_encode
from ingest.models import ProcessedFile
from ingest.records import ParsedActivity

Outcome = Literal["created", "updated", "unchanged"]

# Summary fields copied one to one from ParsedActivity onto ActivitySource.
_SUMMARY_FIELDS = (
    "start_time",
    "local_date",
    "utc_offset_s",
    "distance_m",
    "duration_s",
    "elapsed_s",
    "avg_hr",
    "max_hr",
    "avg_cadence_spm",
    "max_cadence_spm",
    "avg_speed_mps",
    "total_ascent_m",
    "total_descent_m",
    "calories",
    "avg_power_w",
    "intensity_score",
    "parse_confidence",
    "raw",
)
_TEXT_FIELDS = ("sport", "sub_sport", "workout_name", "workout_type", "notes", "gear")
_LAP_FIELDS = (
    "start_time",
    "duration_s",
    "elapsed_s",
    "distance_m",
    "avg_hr",
    "max_hr",
    "avg_cadence_spm",
    "avg_speed_mps",
    "max_speed_mps",
    "total_ascent_m",
)


@dataclass(slots=True)
class StoreResult:
    record: ActivitySource
    outcome: Outcome


def _json_default(value: object) -> str:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    raise TypeError(f"cannot hash {type(value).__name__}")


def _encoded_stream(parsed: ParsedActivity) -> EncodedStream | None:
    samples = parsed.samples
    if samples is None or not len(samples):
        return None
    return stream_encode(
        start_time=samples.time[0],
        times=samples.time,
        columns={name: getattr(samples, name) for name in samples.COLUMNS},
    )


def parsed_content_hash(parsed: ParsedActivity, *, encoded: EncodedStream | None = None) -> str:
    """SHA-256 of everything a parser produced: equal hashes mean nothing to write.

    The samples enter through their encoded stream (computed once, and written as is), which is
    far cheaper than serialising thousands of values a second time.
    """
    summary = {
        f.name: getattr(parsed, f.name)
        for f in dataclasses.fields(parsed)
        if f.name not in ("samples", "laps", "device")
    }
    summary["device"] = dataclasses.asdict(parsed.device)
    summary["laps"] = [dataclasses.astuple(lap) for lap in parsed.laps]
    payload = json.dumps(summary, default=_json_default, sort_keys=True, separators=(",", ":"))
    digest = hashlib.sha256(payload.encode())
    if encoded is None:
        encoded = _encoded_stream(parsed)
    if encoded is not None:
        digest.update(encoded.data)
    return digest.hexdigest()


def _record_values(parsed: ParsedActivity) -> dict:
    values = {name: getattr(parsed, name) for name in _SUMMARY_FIELDS}
    values.update({name: getattr(parsed, name) or "" for name in _TEXT_FIELDS})
    if parsed.distance_m and parsed.duration_s:
        values["avg_pace_s_per_km"] = parsed.duration_s / (parsed.distance_m / 1000.0)
    else:
        values["avg_pace_s_per_km"] = None
    values["device_manufacturer"] = parsed.device.manufacturer or ""
    values["device_product"] = parsed.device.product or ""
    values["device_serial"] = parsed.device.serial or ""
    return values


def _write_children(record: ActivitySource, parsed: ParsedActivity, encoded: EncodedStream | None) -> None:
    Lap.objects.bulk_create(
        Lap(
            record=record,
            index=lap.index,
            trigger=lap.trigger or "",
            intensity=lap.intensity or "",
            **{name: getattr(lap, name) for name in _LAP_FIELDS},
        )
        for lap in parsed.laps
    )
    if encoded is not None:
        Stream.objects.create(
            record=record,
            sample_count=encoded.sample_count,
            start_time=encoded.start_time,
            encoding=ENCODING,
            data=encoded.data,
        )


@transaction.atomic
def record_store(
    *,
    parsed: ParsedActivity,
    route: str,
    file: ProcessedFile | None = None,
    shoe: Shoe | None = None,
) -> StoreResult:
    """Create or update the source record for `parsed`, placed and validated by its route (see the
    module docstring); unchanged content writes nothing.

    `shoe` overrides the name lookup of `parsed.gear` (Strava passes the shoe of its gear id).
    A changed record gets `changed_at` set, so an incremental reconcile picks it up.
    """
    encoded = _encoded_stream(parsed)
    content_hash = parsed_content_hash(parsed, encoded=encoded)
    record = (
        ActivitySource.objects.select_for_update()
        .filter(source=parsed.source, source_id=parsed.source_id)
        .first()
    )
    if record is not None and record.content_hash == content_hash and record.deleted_at is None:
        if file is not None and record.file_id is None:
            record.file = file
            record.save(update_fields=["file", "updated_at"])
        return StoreResult(record=record, outcome="unchanged")

    values = _record_values(parsed)
    values.update(
        route=route,
        content_hash=content_hash,
        deleted_at=None,
        changed_at=timezone.now(),
        shoe=shoe if shoe is not None else shoe_resolve(name=parsed.gear),
    )
    if file is not None:
        values["file"] = file
    if record is None:
        record = ActivitySource.objects.create(source=parsed.source, source_id=parsed.source_id, **values)
        outcome: Outcome = "created"
    else:
        for name, value in values.items():
            setattr(record, name, value)
        record.save()
        record.laps.all().delete()
        Stream.objects.filter(record=record).delete()
        outcome = "updated"
    _write_children(record, parsed, encoded)
    return StoreResult(record=record, outcome=outcome)


@transaction.atomic
def record_mark_deleted(*, source: str, source_ids: list[str]) -> int:
    """Mark records gone at their source (a deleted row or activity): never delete data."""
    return ActivitySource.objects.filter(
        source=source, source_id__in=source_ids, deleted_at__isnull=True
    ).update(deleted_at=timezone.now(), changed_at=timezone.now())

"""Read queries over the canonical data, used by the review pages, the admin, reconcile and the export."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, IntegerField, OuterRef, Subquery

from activities.formatting import FIELD_LABELS, format_field, format_local_time
from activities.models import Activity, ActivitySource, Shoe, ShoeAlias, Stream
from activities.streams import stream_decode

# The canonical fields a runner reviews, in reading order, with their labels.
CANONICAL_FIELDS: list[tuple[str, str]] = list(FIELD_LABELS.items())
# Stream sources in order of trust for the charts: a recording file first.
STREAM_PRIORITY = ["fit_file", "garmin", "strava", "runalyze"]


def stream_columns(*, record: ActivitySource | int) -> dict[str, list] | None:
    """A record's samples by column, "time" in seconds from `start`, or None without a stream."""
    record_id = record if isinstance(record, int) else record.pk
    row = Stream.objects.filter(record_id=record_id).values_list("start_time", "data").first()
    if row is None:
        return None
    start, data = row
    columns = stream_decode(data)
    columns["start"] = start
    return columns


def source_count_subquery() -> Subquery:
    """Number of source records of the outer activity, as a scalar subquery (no GROUP BY on the list)."""
    records = ActivitySource.objects.filter(activity=OuterRef("pk")).order_by().values("activity")
    return Subquery(records.annotate(n=Count("pk")).values("n"), output_field=IntegerField())


def activity_filter_options() -> dict[str, list[str]]:
    values = Activity.objects.order_by()
    return {
        "sports": sorted(filter(None, values.values_list("sport", flat=True).distinct())),
        "workout_types": sorted(filter(None, values.values_list("workout_type", flat=True).distinct())),
    }


@dataclass(slots=True)
class FieldRow:
    name: str
    label: str
    value: str
    source: str
    overridden: bool
    source_values: list[str] = field(default_factory=list)


def _record_value(record: ActivitySource, name: str) -> Any:
    if name == "shoe":
        return record.shoe.name if record.shoe_id else (record.gear or None)
    if name in ("trimp", "vo2max"):
        metrics = getattr(record, "runalyze_metrics", None)
        return getattr(metrics, name, None) if metrics else None
    return getattr(record, name, None)


def activity_records(*, activity: Activity) -> list[ActivitySource]:
    return list(
        activity.sources.select_related("file", "shoe", "runalyze_metrics")
        .prefetch_related("laps")
        .order_by("source", "source_id")
    )


def _shown(name: str, value: Any, holder: Activity | ActivitySource) -> str:
    """A field's value as the table shows it; a start at the local time of its own UTC offset, as the
    page's heading says it (the UTC moment alone read two hours off for a run in Berlin)."""
    if name == "start_time":
        return format_local_time(value, holder.utc_offset_s)
    return format_field(name, value)


def activity_field_rows(*, activity: Activity, records: list[ActivitySource] | None = None) -> list[FieldRow]:
    """Each canonical field with its value, the source that supplied it and every source's value."""
    records = activity_records(activity=activity) if records is None else records
    overridden = set(activity.overrides.values_list("field_name", flat=True))
    rows = []
    for name, label in CANONICAL_FIELDS:
        value = activity.shoe.name if name == "shoe" and activity.shoe_id else getattr(activity, name)
        if name == "shoe" and not activity.shoe_id:
            value = None
        rows.append(
            FieldRow(
                name=name,
                label=label,
                value=_shown(name, value, activity),
                source=str(activity.provenance.get(name, "")),
                overridden=name in overridden,
                source_values=[_shown(name, _record_value(r, name), r) for r in records],
            )
        )
    return rows


def activity_best_stream(*, activity: Activity) -> tuple[ActivitySource, dict] | None:
    """The samples to chart: the most trusted source with a stream, the longest on a tie."""
    rank = {source: i for i, source in enumerate(STREAM_PRIORITY)}
    # The blobs stay in the database until the one to chart is chosen: it alone is read, once.
    streams = Stream.objects.filter(record__activity=activity).select_related("record").defer("data")
    best = min(
        streams,
        key=lambda s: (rank.get(s.record.source, len(rank)), -s.sample_count),
        default=None,
    )
    if best is None:
        return None
    return best.record, stream_columns(record=best.record_id)


_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def shoe_alias_key(name: str) -> str:
    """`Peg 38`, `peg38` and `PEG-38` share one key: lower case, letters and digits only."""
    return _NOT_ALNUM.sub("", name.casefold())


def shoe_by_alias(*, key: str) -> Shoe | None:
    """The shoe whose alias table holds `key` (a `shoe_alias_key`)."""
    alias = ShoeAlias.objects.select_related("shoe").filter(alias=key).first()
    return alias.shoe if alias is not None else None


def shoe_by_own_name(*, key: str) -> Shoe | None:
    """The shoe whose own name has `key`, for a name no alias records yet."""
    return next((s for s in Shoe.objects.only("id", "name") if shoe_alias_key(s.name) == key), None)


def shoe_named(*, name: str) -> Shoe | None:
    """The shoe a written name means (`Peg 38` = `peg38`), through its aliases or its own name; None
    when unknown. Reads only: `shoe_resolve` is the service that also learns the alias."""
    key = shoe_alias_key(name)
    if not key:
        return None
    return shoe_by_alias(key=key) or shoe_by_own_name(key=key)

"""Read queries used by views, admin, reconcile and the export."""

from __future__ import annotations

import datetime as dt

from activities.models import ActivitySource, Stream
from activities.streams import stream_decode


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


def stream_sample_times(*, columns: dict) -> list[dt.datetime]:
    """Absolute UTC sample times from decoded columns."""
    start = columns["start"]
    return [start + dt.timedelta(seconds=s) for s in columns["time"]]

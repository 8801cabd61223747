"""Shared helpers for the parser tests: read a sample, flatten a record for whole-record comparison."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from ingest.parsers import file_records, parse_file
from ingest.records import FileHints, ParsedActivity

UTC = dt.UTC


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


def parse(path: Path, hints: FileHints | None = None, name: str | None = None) -> list[ParsedActivity]:
    """What the file says (`hints` anchor only a device-relative FIT clock)."""
    return parse_file(name=name or path.name, data=path.read_bytes(), hints=hints)


def place(path: Path, hints: FileHints | None = None, home_tz: str = "UTC") -> list[ParsedActivity]:
    """The whole file path as the parse worker runs it: parse, place with the route's hints, validate."""
    return file_records(name=path.name, data=path.read_bytes(), hints=hints, home_tz=home_tz)


def summary(record: ParsedActivity) -> dict[str, Any]:
    """Every summary value of a record, the device, and the number of laps and samples."""
    return {
        "start_time": record.start_time,
        "local_date": record.local_date,
        "utc_offset_s": record.utc_offset_s,
        "sport": record.sport,
        "sub_sport": record.sub_sport,
        "distance_m": record.distance_m,
        "duration_s": record.duration_s,
        "elapsed_s": record.elapsed_s,
        "avg_hr": record.avg_hr,
        "max_hr": record.max_hr,
        "avg_cadence_spm": record.avg_cadence_spm,
        "max_cadence_spm": record.max_cadence_spm,
        "avg_speed_mps": record.avg_speed_mps,
        "total_ascent_m": record.total_ascent_m,
        "total_descent_m": record.total_descent_m,
        "calories": record.calories,
        "avg_power_w": record.avg_power_w,
        "workout_name": record.workout_name,
        "notes": record.notes,
        "device": (record.device.manufacturer, record.device.product, record.device.serial),
        "laps": len(record.laps),
        "samples": None if record.samples is None else len(record.samples),
    }


def every_datetime(record: ParsedActivity) -> list[dt.datetime]:
    times = [record.start_time] if record.start_time else []
    times += [lap.start_time for lap in record.laps if lap.start_time]
    if record.samples is not None:
        times += record.samples.time
    return times


_EMPTY = dict.fromkeys(
    [
        "start_time",
        "local_date",
        "utc_offset_s",
        "sport",
        "sub_sport",
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
        "workout_name",
        "notes",
        "samples",
    ]
)


def expected(**values: Any) -> dict[str, Any]:
    """A whole summary: every key not given is expected to be None (laps 0, no device)."""
    out = {**_EMPTY, "device": (None, None, None), "laps": 0}
    unknown = set(values) - set(out)
    assert not unknown, f"unknown keys {unknown}"
    out.update(values)
    return out

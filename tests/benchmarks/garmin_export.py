"""Generated Garmin exports for the benchmarks: N one-hour 1 Hz runs in the real layout and units.

`activity_fit` is also the one-hour run the file-ingest and Strava benchmarks write. The FIT files are
written with fit-tool (a test dependency, imported inside the functions); the summaries use Garmin's
own units (cm, ms, epoch ms, m/s / 10, kcal x 4.19) so the import does every conversion it does on a
real export. Building a FIT record message in fit-tool is the slow part, so each worker
process builds its 3,600 record messages once and only re-sets their values per file.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import math
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from activities.demo.fit_writer import activity_message, timer_event
from ingest.garmin.parser import CALORIE_FACTOR, CM, MS, SPEED_FACTOR

USER = "runner@example.com"
SERIAL = 3_900_000_001
SECONDS = 3600
FILES_PER_PART = 250
SUMMARIES_PER_FILE = 100
FIRST_START = dt.datetime(2015, 1, 1, 6, 0, tzinfo=dt.UTC)
UTC_OFFSET_S = 3600
_RECORDS: list = []


def _start(index: int) -> dt.datetime:
    return FIRST_START + dt.timedelta(days=index, minutes=index % 90)


def _speed(index: int, second: int) -> float:
    return 2.8 + 0.4 * math.sin(index + second / 240)


def activity_fit(index: int, seconds: int = SECONDS) -> bytes:
    """One hour (or `seconds`) of 1 Hz running: file_id, timer events, the records, a lap, a session, the
    activity."""
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.lap_message import LapMessage
    from fit_tool.profile.messages.record_message import RecordMessage
    from fit_tool.profile.messages.session_message import SessionMessage
    from fit_tool.profile.profile_type import FileType, Manufacturer, Sport, SubSport

    if not _RECORDS:
        _RECORDS.extend(RecordMessage() for _ in range(SECONDS))
    start_ms = int(_start(index).timestamp() * MS)
    end_ms = start_ms + seconds * 1000
    builder = FitFileBuilder(auto_define=True)
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = Manufacturer.GARMIN.value
    file_id.product = 1623
    file_id.serial_number = SERIAL
    file_id.time_created = start_ms
    builder.add(file_id)
    builder.add(timer_event(start=True, timestamp_ms=start_ms))
    distance = 0.0
    records = _RECORDS[:seconds]
    for second, record in enumerate(records):
        speed = _speed(index, second)
        record.timestamp = start_ms + second * 1000
        record.position_lat = 59.9 + second * 2.5e-5
        record.position_long = 10.7 + math.sin((index + second) / 300) * 1e-3
        record.altitude = 100 + 8 * math.sin(second / 200)
        record.heart_rate = 140 + (index + second) % 25
        record.cadence = 84 + second % 5
        record.speed = speed
        record.distance = distance
        distance += speed
    builder.add_all(records)
    builder.add(timer_event(start=False, timestamp_ms=end_ms))
    totals = {"start_time": start_ms, "total_elapsed_time": seconds, "total_timer_time": seconds}
    lap = LapMessage()
    for name, value in {"timestamp": end_ms, **totals, "total_distance": distance}.items():
        setattr(lap, name, value)
    builder.add(lap)
    session = SessionMessage()
    session_values = {"timestamp": end_ms, **totals, "total_distance": distance, "sport": Sport.RUNNING}
    session_values.update(sub_sport=SubSport.GENERIC, avg_heart_rate=152, max_heart_rate=164)
    session_values.update(avg_cadence=86, total_calories=700, total_ascent=40, total_descent=40)
    for name, value in session_values.items():
        setattr(session, name, value)
    builder.add(session)
    builder.add(activity_message(end_ms=end_ms, timer_s=seconds, utc_offset_s=UTC_OFFSET_S))
    return builder.build().to_bytes()


def activity_summary(index: int, *, activity_id: int, seconds: int = SECONDS) -> dict:
    """The summary Garmin keeps for activity `index`, in Garmin's units."""
    start_ms = int(_start(index).timestamp() * MS)
    distance_m = sum(_speed(index, s) for s in range(seconds))
    return {
        "activityId": activity_id,
        "name": f"Morning run {index + 1}",
        "activityType": "running",
        "sportType": "RUNNING",
        "startTimeGmt": start_ms,
        "startTimeLocal": start_ms + UTC_OFFSET_S * 1000,
        "beginTimestamp": start_ms,
        "duration": seconds * MS,
        "elapsedDuration": seconds * MS,
        "distance": round(distance_m * CM),
        "avgSpeed": distance_m / seconds / SPEED_FACTOR,
        "avgHr": 152.0,
        "maxHr": 164.0,
        "avgDoubleCadence": 172.0,
        "elevationGain": 40 * CM,
        "elevationLoss": 40 * CM,
        "calories": 700 * CALORIE_FACTOR,
        "deviceId": SERIAL,
        "manufacturer": "GARMIN",
        "parent": False,
    }


def _part_zip(blobs: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in blobs:
            archive.writestr(name, data)
    return buffer.getvalue()


def synthetic_export_build(*, directory: Path, activities: int, workers: int = 1) -> Path:
    """Write `directory/export.zip` with `activities` summaries and their FIT uploads; return its path."""
    path = Path(directory) / "export.zip"
    with ProcessPoolExecutor(max_workers=max(1, workers)) as pool:
        fits = pool.map(activity_fit, range(activities), chunksize=8)
        with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as outer:
            _write_summaries(outer, activities)
            part: list[tuple[str, bytes]] = []
            part_number = 1
            for index, data in enumerate(fits):
                part.append((f"{USER}_{1_700_000_000 + index}.fit", data))
                if len(part) == FILES_PER_PART or index == activities - 1:
                    name = f"DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part{part_number}.zip"
                    outer.writestr(name, _part_zip(part), compress_type=zipfile.ZIP_STORED)
                    part, part_number = [], part_number + 1
    return path


def _write_summaries(outer: zipfile.ZipFile, activities: int) -> None:
    for first in range(0, activities, SUMMARIES_PER_FILE):
        items = [
            activity_summary(i, activity_id=5_000_000_000 + i)
            for i in range(first, min(first + SUMMARIES_PER_FILE, activities))
        ]
        document = [{"summarizedActivitiesExport": items}]
        name = f"DI_CONNECT/DI-Connect-Fitness/{USER}_{first}_summarizedActivities.json"
        outer.writestr(name, json.dumps(document))

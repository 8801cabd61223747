"""Write the demo dataset: eight small running FIT files and a training-log spreadsheet on the same days.

Run from the project root with the test requirements installed (fit-tool writes the FIT files):

    python -m activities.demo.generate

The output is deterministic (seeded noise, fixed dates), so re-running rewrites identical files.
The runs cover what RunBase reconciles: auto-laps per km, an interval session `6x800m` with manual
laps for every rep and recovery, an evening run in California (next day in UTC), a treadmill run
whose spreadsheet distance is 6 % off, a race, and spreadsheet notes with pace / HR / cadence.
"""

from __future__ import annotations

import datetime as dt
import math
import random
import re
import zipfile
from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

from activities.demo.fit_writer import activity_message, timer_event

HERE = Path(__file__).resolve().parent
SERIAL = 3_455_000_123
PRODUCT_FR255 = 3992
HOME_UTC_OFFSET_S = 2 * 3600  # Central European Summer Time


@dataclass
class Segment:
    distance_m: float
    pace_s_per_km: float
    hr: int
    intensity: str = "active"  # FIT lap intensity: active, rest, warmup, cooldown
    lap: bool = True  # a lap ends with this segment


@dataclass
class Run:
    local_start: dt.datetime  # wall-clock time where the run happened
    utc_offset_s: int
    segments: list[Segment]
    workout_name: str | None = None
    treadmill: bool = False
    manual_laps: bool = False
    seed: int = 1
    log: dict = field(default_factory=dict)  # the spreadsheet row for this day

    @property
    def start(self) -> dt.datetime:
        return (self.local_start - dt.timedelta(seconds=self.utc_offset_s)).replace(tzinfo=dt.UTC)


def _km_laps(km: float, pace: float, hr: int) -> list[Segment]:
    whole = int(km)
    laps = [Segment(1000, pace + (i % 3) * 3, hr + i) for i in range(whole)]
    if km > whole:
        laps.append(Segment((km - whole) * 1000, pace, hr + whole))
    return laps


def _intervals() -> list[Segment]:
    segments = [Segment(2000, 330, 135, "warmup")]
    for rep in range(6):
        segments.append(Segment(800, 222 + rep % 2 * 3, 172 + rep, "active"))
        segments.append(Segment(400, 390, 145, "rest"))
    segments.append(Segment(1500, 340, 140, "cooldown"))
    return segments


RUNS = [
    Run(
        dt.datetime(2025, 10, 6, 7, 5),
        HOME_UTC_OFFSET_S,
        _km_laps(6.2, 320, 142),
        seed=1,
        log={"Miles": 3.85, "Intensity": 4, "Shoe": "Peg 38", "Notes": "easy; 8:35; 143; 158; legs fresh"},
    ),
    Run(
        dt.datetime(2025, 10, 7, 18, 30),
        HOME_UTC_OFFSET_S,
        _intervals(),
        "6x800m",
        manual_laps=True,
        seed=2,
        log={"Miles": 6.65, "Intensity": 8, "Shoe": "Vaporfly", "Notes": "6x800m @ 3:42/km w/ 400 jog"},
    ),
    Run(
        dt.datetime(2025, 10, 9, 19, 40),
        -7 * 3600,
        _km_laps(7.0, 310, 146),
        "Evening run",
        seed=3,
        log={"Miles": 4.35, "Intensity": 5, "Shoe": "Peg 38", "Notes": "evening run in SF; 8:19; 148; 160"},
    ),
    Run(
        dt.datetime(2025, 10, 10, 12, 15),
        HOME_UTC_OFFSET_S,
        _km_laps(6.0, 300, 148),
        "Treadmill",
        treadmill=True,
        seed=4,
        log={"Miles": 3.5, "Intensity": 5, "Shoe": "ghost", "Notes": "treadmill 8:03; 150; 162"},
    ),
    Run(
        dt.datetime(2025, 10, 12, 8, 0),
        HOME_UTC_OFFSET_S,
        _km_laps(8.6, 312, 144),
        "Long run",
        seed=5,
        log={"Miles": 5.34, "Intensity": 5, "Shoe": "Clifton 8", "Notes": "long run; 8:22 pace / 147 bpm"},
    ),
    Run(
        dt.datetime(2025, 10, 14, 17, 45),
        HOME_UTC_OFFSET_S,
        [Segment(1500, 330, 138, "warmup"), *_km_laps(5.0, 262, 168), Segment(1000, 340, 142, "cooldown")],
        "Tempo",
        seed=6,
        log={"Miles": 4.66, "Intensity": 7, "Shoe": "Peg 38", "Notes": "tempo 5k @ 4:22/km, felt controlled"},
    ),
    Run(
        dt.datetime(2025, 10, 16, 6, 50),
        HOME_UTC_OFFSET_S,
        _km_laps(4.5, 345, 132),
        "Recovery",
        seed=7,
        log={"Miles": 2.8, "Intensity": 2, "Shoe": "peg38", "Notes": "recovery, very easy"},
    ),
    Run(
        dt.datetime(2025, 10, 18, 9, 30),
        HOME_UTC_OFFSET_S,
        _km_laps(5.05, 252, 176),
        "5k race",
        seed=8,
        log={"Miles": 3.11, "Intensity": 10, "Shoe": "Vaporfly", "Notes": "5k race 21:12, PB!"},
    ),
]


def _samples(run: Run):
    """Yield (second, distance, speed, hr, cadence_rpm, altitude, lat, lon) at 1 Hz, plus lap ends."""
    rng = random.Random(run.seed)
    distance, hr, second = 0.0, 95.0, 0
    lap_ends: list[tuple[int, float, Segment]] = []
    samples = []
    target = 0.0
    for segment in run.segments:
        target += segment.distance_m
        speed_target = 1000 / segment.pace_s_per_km
        while distance < target - 1e-6:
            speed = max(1.5, speed_target * (1 + rng.gauss(0, 0.03)))
            hr += (segment.hr - hr) * 0.05 + rng.gauss(0, 0.6)
            cadence_spm = 150 + (speed - 2.5) * 14 + rng.gauss(0, 1.5)
            angle = distance / 1600 * 2 * math.pi  # a 1.6 km loop in the park
            lat = 47.357 + 0.0025 * math.sin(angle)
            lon = 8.551 + 0.0037 * math.cos(angle)
            altitude = 412 + 6 * math.sin(angle) + 2 * math.sin(3 * angle)
            samples.append((second, distance, speed, round(hr), round(cadence_spm / 2), altitude, lat, lon))
            distance = min(distance + speed, target) if distance + speed > target else distance + speed
            second += 1
        if segment.lap:
            lap_ends.append((second, distance, segment))
    return samples, lap_ends


def run_fit(run: Run) -> bytes:
    """One FIT activity file: file_id, workout name, records, laps, session, activity."""
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.device_info_message import DeviceInfoMessage
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.lap_message import LapMessage
    from fit_tool.profile.messages.record_message import RecordMessage
    from fit_tool.profile.messages.session_message import SessionMessage
    from fit_tool.profile.messages.workout_message import WorkoutMessage
    from fit_tool.profile.profile_type import (
        FileType,
        Intensity,
        LapTrigger,
        Manufacturer,
        Sport,
        SubSport,
    )

    samples, lap_ends = _samples(run)
    start_ms = int(run.start.timestamp() * 1000)
    builder = FitFileBuilder(auto_define=True)
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = Manufacturer.GARMIN.value
    file_id.product = PRODUCT_FR255
    file_id.serial_number = SERIAL
    file_id.time_created = start_ms
    builder.add(file_id)
    device = DeviceInfoMessage()
    device.timestamp = start_ms
    device.manufacturer = Manufacturer.GARMIN.value
    device.product = PRODUCT_FR255
    device.serial_number = SERIAL
    builder.add(device)
    if run.workout_name:
        workout = WorkoutMessage()
        workout.workout_name = run.workout_name
        workout.sport = Sport.RUNNING
        builder.add(workout)
    builder.add(timer_event(start=True, timestamp_ms=start_ms))
    for second, distance, speed, hr, cadence, altitude, lat, lon in samples:
        record = RecordMessage()
        record.timestamp = start_ms + second * 1000
        if not run.treadmill:
            record.position_lat = lat
            record.position_long = lon
            record.altitude = altitude
        record.heart_rate = hr
        record.cadence = cadence
        record.speed = speed
        record.distance = distance
        builder.add(record)
    end_s = len(samples)
    end_ms = start_ms + end_s * 1000
    builder.add(timer_event(start=False, timestamp_ms=end_ms))
    lap_start_s, lap_start_d = 0, 0.0
    for lap_end_s, lap_end_d, segment in lap_ends:
        part = samples[lap_start_s:lap_end_s]
        lap = LapMessage()
        lap.timestamp = start_ms + lap_end_s * 1000
        lap.start_time = start_ms + lap_start_s * 1000
        lap.total_elapsed_time = lap_end_s - lap_start_s
        lap.total_timer_time = lap_end_s - lap_start_s
        lap.total_distance = lap_end_d - lap_start_d
        lap.avg_speed = (lap_end_d - lap_start_d) / max(1, lap_end_s - lap_start_s)
        lap.avg_heart_rate = round(sum(s[3] for s in part) / len(part))
        lap.max_heart_rate = max(s[3] for s in part)
        lap.avg_cadence = round(sum(s[4] for s in part) / len(part))
        lap.intensity = Intensity[segment.intensity.upper()]
        lap.lap_trigger = LapTrigger.MANUAL if run.manual_laps else LapTrigger.DISTANCE
        builder.add(lap)
        lap_start_s, lap_start_d = lap_end_s, lap_end_d
    total_d = samples[-1][1] + samples[-1][2]
    session = SessionMessage()
    values = {
        "timestamp": end_ms,
        "start_time": start_ms,
        "total_elapsed_time": end_s,
        "total_timer_time": end_s,
        "total_distance": lap_ends[-1][1] if lap_ends else total_d,
        "sport": Sport.RUNNING,
        "sub_sport": SubSport.TREADMILL if run.treadmill else SubSport.GENERIC,
        "avg_heart_rate": round(sum(s[3] for s in samples) / end_s),
        "max_heart_rate": max(s[3] for s in samples),
        "avg_cadence": round(sum(s[4] for s in samples) / end_s),
        "total_calories": round(end_s / 60 * 11.5),
        "num_laps": len(lap_ends),
    }
    if not run.treadmill:
        climbs = [b[5] - a[5] for a, b in pairwise(samples)]
        values["total_ascent"] = round(sum(c for c in climbs if c > 0))
        values["total_descent"] = round(-sum(c for c in climbs if c < 0))
    for name, value in values.items():
        setattr(session, name, value)
    builder.add(session)
    builder.add(activity_message(end_ms=end_ms, timer_s=end_s, utc_offset_s=run.utc_offset_s))
    return builder.build().to_bytes()


def file_name(run: Run) -> str:
    """HealthFit's naming: local start, workout type, device."""
    kind = "Indoor Running" if run.treadmill else "Running"
    return f"{run.local_start:%Y-%m-%d-%H%M%S}-{kind}-Forerunner 255.fit"


def training_log(path: Path) -> None:
    """The runner's own spreadsheet: one row per run, distance in miles, free-text notes."""
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Log"
    sheet.append(["Date", "Miles", "Intensity", "Shoe", "Notes"])
    for run in RUNS:
        row = run.log
        sheet.append(
            [
                run.local_start.replace(hour=0, minute=0),
                row["Miles"],
                row["Intensity"],
                row["Shoe"],
                row["Notes"],
            ]
        )
    sheet.column_dimensions["A"].width = 12
    sheet.column_dimensions["E"].width = 40
    for cell in sheet["A"][1:]:
        cell.number_format = "yyyy-mm-dd"
    # Fixed document times keep the file byte-identical across runs.
    workbook.properties.created = workbook.properties.modified = dt.datetime(2025, 10, 19)
    workbook.save(path)
    _fix_zip_times(path)


def _fix_zip_times(path: Path) -> None:
    """Rewrite the xlsx zip with fixed member times, so the file is byte-identical on every run."""
    with zipfile.ZipFile(path) as archive:
        members = [(info, archive.read(info)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for info, data in members:
            if info.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>2025-10-19T00:00:00Z", data)
            fixed = zipfile.ZipInfo(info.filename, date_time=(2025, 10, 19, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(fixed, data)


def main() -> None:
    fit_dir = HERE / "fit"
    fit_dir.mkdir(exist_ok=True)
    for run in RUNS:
        path = fit_dir / file_name(run)
        path.write_bytes(run_fit(run))
        print(f"{path.relative_to(HERE)}: {path.stat().st_size} bytes")
    training_log(HERE / "training_log.xlsx")
    print("training_log.xlsx")


if __name__ == "__main__":
    main()

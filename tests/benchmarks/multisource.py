"""Matching quality on a generated multi-source history: HealthFit + Garmin export + training log + Strava
export of one runner who lives in California and travels to Berlin.

    TZ=America/Los_Angeles python -m tests.benchmarks.multisource [--days 120] [--order watch-first] [--json]

Every file is written in its source's real shape, then imported through the real importers and
reconciled. The generator knows which records belong to which run, so the figures are measured, not
assumed:
- pairwise precision and recall: of the record pairs reconcile put in one activity, how many are one run;
  of the record pairs that are one run, how many reconcile put in one activity;
- runs split (records of one run in several activities) and activities merged (records of several runs);
- records per activity, against the count each run should have.

The history holds what breaks local dates: evening runs in California (after 17:00 PDT it is the next day
in UTC), a fortnight in Berlin (a 07:00 run there is 22:00 the evening before in California), double days,
typo days in the log (15.0 for 5.0 miles), a run not logged, and four ways a run reaches the sources:
- `watch`: the watch's FIT in the Garmin export (with its summary) and as the Strava upload (`.fit.gz`,
  the same bytes), HealthFit's rewrite of it (half without a local timestamp: its name gives the offset);
- `watch_gpx`: the same, but the Strava upload is a GPX (no offset: the row takes its activity's);
- `phone`: recorded by the Strava app: only the Strava row and its FIT upload (with a local timestamp);
- `manual`: a Strava entry typed by hand, no file (in California only: nothing else could date it).

The sources arrive in one of two orders (`--order`): the watch's first and the Strava export added later,
as a runner adding an export to a history would; or the Strava export first.

The pipeline reads the machine's zone: run it with `TZ` set to the runner's and `RUNBASE_HOME_TZ` unset,
as `tests/benchmarks/test_multisource.py` does. Runs against a throwaway database and temporary
directories; never touches the runner's data.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import gzip
import io
import json
import os
import random
import tempfile
import time
import zipfile
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from activities.demo.fit_writer import FIT_EPOCH_UNIX, timer_event
from tests.benchmarks.garmin_export import USER
from tests.benchmarks.strava import HEADER as STRAVA_HEADER
from tests.benchmarks.support import say, throwaway_database

MILE = 1609.344
HOME = "America/Los_Angeles"
AWAY = "Europe/Berlin"
FIRST_DAY = dt.date(2024, 2, 26)
TRAVEL = (dt.date(2024, 4, 8), dt.date(2024, 4, 21))  # both zones on summer time: 9 hours apart
HOME_SPOT, AWAY_SPOT = (37.77, -122.45), (52.52, 13.40)
WATCH_SERIAL = 3_987_654_321
HEALTHFIT_DEVICE = "Runner\u2019s Apple Watch"
METRES_PER_DEGREE = 111_195  # of latitude: a track due north covers the run's distance


@dataclass(slots=True)
class Run:
    """One real run and how it reached each source."""

    number: int
    day: dt.date  # local date where it was run
    local_start: dt.datetime  # naive wall clock
    zone: str
    distance_m: float
    duration_s: float
    kind: str  # watch, watch_gpx, phone, manual
    log_miles: float | None  # what the log says (a typo day says something else); None: not logged
    healthfit_offset: bool = True  # HealthFit's rewrite keeps the local timestamp

    @property
    def start(self) -> dt.datetime:
        return self.local_start.replace(tzinfo=ZoneInfo(self.zone)).astimezone(dt.UTC)

    @property
    def utc_offset_s(self) -> int:
        return int(self.local_start.replace(tzinfo=ZoneInfo(self.zone)).utcoffset().total_seconds())

    @property
    def strava_id(self) -> str:
        return str(11_000_000_000 + self.number)

    @property
    def garmin_id(self) -> int:
        return 14_000_000_000 + self.number

    def expected_records(self) -> int:
        """fit_file (watch = Garmin = Strava upload; HealthFit's copy; a GPX), garmin, strava, the log row."""
        counts = {"watch": 4, "watch_gpx": 5, "phone": 2, "manual": 1}
        return counts[self.kind] + (self.log_miles is not None)


def history_plan(*, days: int, seed: int = 10) -> list[Run]:
    """The runs of `days` days from FIRST_DAY: a rest day a week, a double every ninth day."""
    rng = random.Random(seed)
    runs: list[Run] = []
    typo_days = {23, 75}  # single-run days: 15.0 in the log for 5.0 run
    for i in range(days):
        day = FIRST_DAY + dt.timedelta(days=i)
        if i % 7 == 6:
            continue
        away = TRAVEL[0] <= day <= TRAVEL[1]
        zone = AWAY if away else HOME
        if i % 9 == 4:
            slots = [(dt.time(6, rng.randint(0, 45)), rng.uniform(10000, 14000))]
            slots.append((dt.time(rng.randint(18, 21), rng.randint(0, 50)), rng.uniform(5000, 7000)))
        else:
            morning = rng.random() < 0.5
            hour = rng.randint(6, 8) if morning else rng.randint(17, 21)
            slots = [(dt.time(hour, rng.randint(0, 59)), rng.uniform(5000, 20000))]
        for when, distance in slots:
            kind = rng.choices(("watch", "watch_gpx", "phone", "manual"), (60, 15, 15, 10))[0]
            if away:  # every way but a manual entry (nothing could date it), in turn
                kind = ("watch", "watch_gpx", "phone")[len(runs) % 3]
            miles = round(distance / MILE, 1)
            if i in typo_days:
                miles = round(miles * 3, 1)
            number = len(runs)
            runs.append(
                Run(
                    number=number,
                    day=day,
                    local_start=dt.datetime.combine(day, when),
                    zone=zone,
                    distance_m=round(distance, 1),
                    duration_s=round(distance * rng.uniform(0.28, 0.36)),
                    kind=kind,
                    log_miles=None if number == 17 else miles,
                    healthfit_offset=rng.random() < 0.5,
                )
            )
    return runs


# --- files in each source's shape -----------------------------------------------------------------


def run_fit(run: Run, *, manufacturer: str, local_timestamp: bool = True) -> bytes:
    """A small FIT activity: file_id, timer events, a record a minute, one lap, the session, the activity."""
    from fit_tool.fit_file_builder import FitFileBuilder
    from fit_tool.profile.messages.activity_message import ActivityMessage
    from fit_tool.profile.messages.file_id_message import FileIdMessage
    from fit_tool.profile.messages.lap_message import LapMessage
    from fit_tool.profile.messages.record_message import RecordMessage
    from fit_tool.profile.messages.session_message import SessionMessage
    from fit_tool.profile.profile_type import FileType, Manufacturer, Sport, SubSport

    start_ms = int(run.start.timestamp() * 1000)
    end_ms = start_ms + int(run.duration_s) * 1000
    builder = FitFileBuilder(auto_define=True)
    file_id = FileIdMessage()
    file_id.type = FileType.ACTIVITY
    file_id.manufacturer = Manufacturer[manufacturer].value
    file_id.product = 1623
    file_id.serial_number = WATCH_SERIAL
    file_id.time_created = start_ms
    builder.add(file_id)
    builder.add(timer_event(start=True, timestamp_ms=start_ms))
    lat, lon = AWAY_SPOT if run.zone == AWAY else HOME_SPOT
    speed = run.distance_m / run.duration_s
    for second in range(0, int(run.duration_s) + 1, 60):
        record = RecordMessage()
        record.timestamp = start_ms + second * 1000
        record.position_lat = lat + speed * second / METRES_PER_DEGREE
        record.position_long = lon
        record.heart_rate = 140 + second // 60 % 20
        record.speed = speed
        record.distance = min(run.distance_m, speed * second)
        builder.add(record)
    builder.add(timer_event(start=False, timestamp_ms=end_ms))
    totals = {
        "timestamp": end_ms,
        "start_time": start_ms,
        "total_elapsed_time": run.duration_s,
        "total_timer_time": run.duration_s,
        "total_distance": run.distance_m,
    }
    lap = LapMessage()
    for name, value in totals.items():
        setattr(lap, name, value)
    builder.add(lap)
    session = SessionMessage()
    for name, value in {**totals, "sport": Sport.RUNNING, "sub_sport": SubSport.GENERIC}.items():
        setattr(session, name, value)
    session.avg_heart_rate, session.max_heart_rate = 150, 165
    builder.add(session)
    activity = ActivityMessage()
    activity.timestamp = end_ms
    activity.total_timer_time = run.duration_s
    activity.num_sessions = 1
    if local_timestamp:
        activity.local_timestamp = end_ms // 1000 - FIT_EPOCH_UNIX + run.utc_offset_s
    builder.add(activity)
    return builder.build().to_bytes()


def run_gpx(run: Run) -> bytes:
    """Strava's GPX of a run: a track with a point a minute, UTC times, no offset, no sport."""
    lat, lon = AWAY_SPOT if run.zone == AWAY else HOME_SPOT
    speed = run.distance_m / run.duration_s
    points = []
    for second in range(0, int(run.duration_s) + 1, 60):
        at = (run.start + dt.timedelta(seconds=second)).strftime("%Y-%m-%dT%H:%M:%SZ")
        north = lat + speed * second / METRES_PER_DEGREE
        points.append(f'<trkpt lat="{north:.6f}" lon="{lon:.6f}"><time>{at}</time></trkpt>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx creator="StravaGPX" version="1.1" xmlns="http://www.topografix.com/GPX/1/1">'
        f"<metadata><time>{run.start:%Y-%m-%dT%H:%M:%SZ}</time></metadata>"
        f"<trk><name>Run {run.number}</name><trkseg>{''.join(points)}</trkseg></trk></gpx>\n"
    ).encode()


def healthfit_write(folder: Path, runs: list[Run]) -> None:
    """HealthFit's iCloud folder: each watch run rewritten (manufacturer development), named by its
    local start."""
    folder.mkdir(parents=True)
    settled = time.time() - 3600
    for run in runs:
        if run.kind not in ("watch", "watch_gpx"):
            continue
        name = f"{run.local_start:%Y-%m-%d-%H%M%S}-Outdoor Running-{HEALTHFIT_DEVICE}.fit"
        path = folder / name
        path.write_bytes(run_fit(run, manufacturer="DEVELOPMENT", local_timestamp=run.healthfit_offset))
        os.utime(path, (settled, settled))


def _garmin_summary(run: Run) -> dict:
    start_ms = int(run.start.timestamp() * 1000)
    return {
        "activityId": run.garmin_id,
        "name": f"{run.local_start:%A} Run",
        "activityType": "running",
        "sportType": "RUNNING",
        "startTimeGmt": start_ms,
        "startTimeLocal": start_ms + run.utc_offset_s * 1000,
        "beginTimestamp": start_ms,
        "duration": run.duration_s * 1000,
        "elapsedDuration": run.duration_s * 1000,
        "distance": round(run.distance_m * 100),
        "avgHr": 150.0,
        "maxHr": 165.0,
        "deviceId": WATCH_SERIAL,
        "manufacturer": "GARMIN",
        "parent": False,
    }


def garmin_write(path: Path, runs: list[Run], watch_fits: dict[int, bytes]) -> None:
    """A Garmin "Export My Data" zip: the summaries JSON and the uploads in a part zip inside it."""
    watched = [r for r in runs if r.kind in ("watch", "watch_gpx")]
    part = io.BytesIO()
    with zipfile.ZipFile(part, "w", zipfile.ZIP_DEFLATED) as uploads:
        for run in watched:
            uploads.writestr(f"{USER}_{1_800_000_000 + run.number}.fit", watch_fits[run.number])
    document = [{"summarizedActivitiesExport": [_garmin_summary(r) for r in watched]}]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as outer:
        outer.writestr(
            f"DI_CONNECT/DI-Connect-Fitness/{USER}_0_summarizedActivities.json", json.dumps(document)
        )
        name = "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part1.zip"
        outer.writestr(name, part.getvalue(), compress_type=zipfile.ZIP_STORED)


def _strava_date(start: dt.datetime) -> str:
    # activities.csv: "Apr 9, 2024, 5:07:00 AM", UTC, no leading zeros
    return f"{start:%b} {start.day}, {start.year}, {int(start.strftime('%I'))}:{start:%M:%S %p}"


def _strava_row(run: Run, filename: str) -> list[str]:
    columns: dict[str, list[int]] = defaultdict(list)
    for index, name in enumerate(STRAVA_HEADER):
        columns[name].append(index)
    row = [""] * len(STRAVA_HEADER)
    single = {
        "Activity ID": run.strava_id,
        "Activity Date": _strava_date(run.start),
        "Activity Name": "Morning Run" if run.local_start.hour < 12 else "Evening Run",
        "Activity Type": "Run",
        "Commute": "false",
        "Filename": filename,
        "Moving Time": f"{run.duration_s:.1f}",
        "Average Heart Rate": "150.0",
    }
    for name, value in single.items():
        row[columns[name][0]] = value
    elapsed, distance = columns["Elapsed Time"], columns["Distance"]
    row[elapsed[0]], row[elapsed[1]] = str(int(run.duration_s)), f"{run.duration_s:.1f}"
    shown = run.distance_m * (1 + (run.number % 5 - 2) / 1000)  # Strava's own distance, within 0.2 %
    row[distance[0]], row[distance[1]] = f"{shown / 1000:.2f}", f"{shown:.1f}"
    return row


def strava_write(path: Path, runs: list[Run], watch_fits: dict[int, bytes]) -> None:
    """A Strava bulk export: activities.csv (Strava's long header) and the original uploads."""
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(STRAVA_HEADER)
    uploads: dict[str, bytes] = {}
    for run in runs:
        filename = ""
        if run.kind == "watch":
            filename = f"activities/{run.strava_id}.fit.gz"
            uploads[filename] = gzip.compress(watch_fits[run.number], mtime=0)
        elif run.kind == "phone":
            filename = f"activities/{run.strava_id}.fit.gz"
            uploads[filename] = gzip.compress(run_fit(run, manufacturer="STRAVA"), mtime=0)
        elif run.kind == "watch_gpx":
            filename = f"activities/{run.strava_id}.gpx"
            uploads[filename] = run_gpx(run)
        writer.writerow(_strava_row(run, filename))
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("activities.csv", text.getvalue())
        for name, data in uploads.items():
            archive.writestr(name, data)


def log_write(path: Path, runs: list[Run]) -> None:
    """The training log: Date, Miles, Intensity, Shoe, Notes; a double day is two rows of one date."""
    from tests.support.workbooks import book_write, sample_layout

    rows = [
        [dt.datetime.combine(r.day, dt.time()), r.log_miles, 4, "Peg 40", None]
        for r in runs
        if r.log_miles is not None
    ]
    book_write(path, sample_layout(rows))


@dataclass(slots=True)
class Sources:
    healthfit: Path
    garmin: Path
    strava: Path
    log: Path


def sources_write(directory: Path, runs: list[Run]) -> Sources:
    watch_fits = {
        r.number: run_fit(r, manufacturer="GARMIN") for r in runs if r.kind in ("watch", "watch_gpx")
    }
    sources = Sources(
        healthfit=directory / "HealthFit",
        garmin=directory / "garmin_export.zip",
        strava=directory / "export_1.zip",
        log=directory / "training_log.xlsx",
    )
    healthfit_write(sources.healthfit, runs)
    garmin_write(sources.garmin, runs, watch_fits)
    strava_write(sources.strava, runs, watch_fits)
    log_write(sources.log, runs)
    return sources


# --- the measurement ------------------------------------------------------------------------------


@dataclass(slots=True)
class MatchFigures:
    runs: int
    records: int
    activities: int
    precision: float
    recall: float
    split: list[int] = field(default_factory=list)  # run numbers whose records are in several activities
    merged: list[int] = field(default_factory=list)  # activity ids holding records of several runs
    unknown: list[str] = field(default_factory=list)  # records the generator did not make
    records_per_activity: dict[int, int] = field(default_factory=dict)  # records in one activity: how many
    expected_per_activity: dict[int, int] = field(default_factory=dict)
    wrong_count: list[int] = field(default_factory=list)  # runs whose activity has another record count
    wrong_date: list[int] = field(default_factory=list)  # runs whose activity is not on their local date

    def lines(self) -> list[str]:
        per = " ".join(f"{k}:{v}" for k, v in sorted(self.records_per_activity.items()))
        want = " ".join(f"{k}:{v}" for k, v in sorted(self.expected_per_activity.items()))
        return [
            f"history: {self.runs} runs, {self.records} source records -> {self.activities} activities",
            f"pairwise precision {self.precision:.4f}, recall {self.recall:.4f}",
            f"runs split: {len(self.split)} {self.split[:10]}; activities merged: {len(self.merged)}",
            f"records per activity (records:activities): {per}",
            f"  the runs want:                           {want}",
            f"runs with another record count: {len(self.wrong_count)}; "
            f"on another date: {len(self.wrong_date)}",
        ]


def _truth(runs: list[Run]):
    """Which run each record is, by what the generator wrote (ids, start times, log dates and miles)."""
    by_strava = {r.strava_id: r.number for r in runs}
    by_garmin = {str(r.garmin_id): r.number for r in runs}
    by_start = {r.start: r.number for r in runs}
    by_row: dict[dt.date, list[tuple[float, int]]] = defaultdict(list)
    for r in runs:
        if r.log_miles is not None:
            by_row[r.day].append((r.log_miles * MILE, r.number))

    def run_of(record) -> int | None:
        if record.source == "strava":
            return by_strava.get(record.source_id)
        if record.source == "garmin":
            return by_garmin.get(record.source_id)
        if record.source == "fit_file":
            return by_start.get(record.start_time)
        rows = [n for metres, n in by_row.get(record.local_date, []) if abs(metres - record.distance_m) < 2]
        return rows[0] if len(rows) == 1 else None

    return run_of


def figures_measure(runs: list[Run]) -> MatchFigures:
    from activities.models import Activity, ActivitySource

    run_of = _truth(runs)
    by_run: dict[int, list[int]] = defaultdict(list)  # run -> activity of each of its records
    by_activity: dict[int, list[int]] = defaultdict(list)  # activity -> run of each of its records
    unknown = []
    records = ActivitySource.objects.all()
    for record in records:
        number = run_of(record)
        if number is None:
            unknown.append(f"{record.source}:{record.source_id}")
            continue
        by_run[number].append(record.activity_id)
        by_activity[record.activity_id].append(number)
    same_activity = sum(n * (n - 1) // 2 for a in by_activity.values() for n in Counter(a).values())
    together = sum(len(a) * (len(a) - 1) // 2 for a in by_activity.values())
    same_run = sum(len(a) * (len(a) - 1) // 2 for a in by_run.values())
    dates = dict(Activity.objects.values_list("id", "date"))
    wrong_count, wrong_date = [], []
    for run in runs:
        activities = set(by_run[run.number])
        if len(activities) == 1:
            (activity,) = activities
            if len(by_activity[activity]) != run.expected_records():
                wrong_count.append(run.number)
            if dates.get(activity) != run.day:
                wrong_date.append(run.number)
    return MatchFigures(
        runs=len(runs),
        records=len(records),
        activities=Activity.objects.count(),
        precision=same_activity / together if together else 1.0,
        recall=same_activity / same_run if same_run else 1.0,
        split=sorted(n for n, a in by_run.items() if len(set(a)) > 1),
        merged=sorted(a for a, n in by_activity.items() if len(set(n)) > 1),
        unknown=unknown,
        records_per_activity=dict(Counter(len(v) for v in by_activity.values())),
        expected_per_activity=dict(Counter(r.expected_records() for r in runs)),
        wrong_count=wrong_count,
        wrong_date=wrong_date,
    )


# The order the sources arrive in, each group imported and then reconciled.
ORDERS = {
    "watch-first": (("healthfit", "garmin", "log"), ("strava",)),  # adding a Strava export to a history
    "strava-first": (("strava",), ("log",), ("healthfit", "garmin")),
}


def multisource_bench(*, days: int = 120, order: str = "watch-first", log=say) -> tuple[str, MatchFigures]:
    """Write the sources; import them in `order`, reconciling after each group, and measure against the
    plan after each. Returns the home zone in use and the final figures."""
    from django.conf import settings

    from ingest.garmin.importer import garmin_import
    from ingest.healthfit.sync import healthfit_sync
    from ingest.strava.export import strava_export_import
    from ingest.xlsx.importer import xlsx_import
    from reconcile.services import reconcile_run

    runs = history_plan(days=days)
    with tempfile.TemporaryDirectory(prefix="runbase-bench-multisource-") as tmp:
        directory = Path(tmp)
        sources = sources_write(directory, runs)
        imports = {
            "healthfit": lambda: healthfit_sync(workers=1),
            "garmin": lambda: garmin_import(path=sources.garmin, workers=1),
            "log": lambda: xlsx_import(path=sources.log),
            "strava": lambda: strava_export_import(path=sources.strava, workers=1),
        }
        with throwaway_database(directory, HEALTHFIT_DIR=sources.healthfit, LLM_PROVIDER="none", DEBUG=False):
            home_tz = settings.RUNBASE_HOME_TZ
            log(f"home time zone in use: {home_tz}")
            started = time.perf_counter()
            for group in ORDERS[order]:
                for name in group:
                    imports[name]()
                reconcile_run()
                figures = figures_measure(runs)
                step = " + ".join(group)
                log(f"after {step}: precision {figures.precision:.4f}, recall {figures.recall:.4f}")
            log(f"imported and reconciled in {time.perf_counter() - started:.1f} s")
            return home_tz, figures


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.multisource",
        description=(
            "Generate a runner's history in four sources (HealthFit, Garmin export, training log, Strava "
            "export), import and reconcile it in a throwaway database, and print matching precision and "
            "recall. Run with TZ set to the runner's zone (America/Los_Angeles) and RUNBASE_HOME_TZ unset."
        ),
    )
    parser.add_argument("--days", type=int, default=120, help="Days of history (default 120).")
    parser.add_argument(
        "--order",
        choices=sorted(ORDERS),
        default="watch-first",
        help="Which sources arrive first (default watch-first: a Strava export added to a history).",
    )
    parser.add_argument("--json", action="store_true", help="End with the figures as one JSON line.")
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error("--days must be at least 1")
    home_tz, figures = multisource_bench(days=args.days, order=args.order)
    for line in figures.lines():
        say(line)
    if args.json:
        values = {name: getattr(figures, name) for name in figures.__slots__}
        say(json.dumps({"home_tz": home_tz, **values}))


if __name__ == "__main__":
    main()

"""The normalised record: the one contract between every parser and the rest of RunBase.

A parser turns bytes or JSON of one source into `ParsedActivity` objects and nothing else: UTC-aware
datetimes, SI units (metres, seconds, bpm, steps per minute, metres of ascent), the raw values kept
for the audit trail. Conversions happen in the parser, once. Where a record sits in time (its UTC
offset and local date) is decided after the parser, once, by `ingest.placement.records_place`. Then
`validate()` runs once per record, where the route makes it (see `ingest.store`), and raises
`RecordError` with a precise message; the route counts the failure and goes on with the batch.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from django.db.models import TextChoices


class SourceError(Exception):
    """A source could not be read: a corrupt file, an API fault, a bad export. The message says why."""


class RecordError(SourceError):
    """A parsed record breaks the contract (naive datetime, negative distance, …)."""


class NotAnActivity(SourceError):
    """A valid file that holds no activity (settings, monitoring, workout, weight scale): skipped."""


class Source(TextChoices):
    # The labels are what a runner reads on every page and in the admin.
    FIT_FILE = "fit_file", "Watch file"
    GARMIN = "garmin", "Garmin Connect"
    STRAVA = "strava", "Strava"
    RUNALYZE = "runalyze", "Runalyze"
    MASTER_XLSX = "master_xlsx", "Training log"


class Route(TextChoices):
    """How a record arrived; several routes may bring the same recording (one record, by hash)."""

    HEALTHFIT = "healthfit", "HealthFit iCloud folder"
    FILES = "files", "File import"
    GARMIN_EXPORT = "garmin_export", "Garmin export zip"
    GARMIN_CONNECT = "garmin_connect", "Garmin Connect pull"
    STRAVA_API = "strava_api", "Strava API"
    STRAVA_EXPORT = "strava_export", "Strava bulk export"
    RUNALYZE_API = "runalyze_api", "Runalyze API"
    RUNALYZE_CSV = "runalyze_csv", "Runalyze CSV"
    XLSX = "xlsx", "Training-log spreadsheet"
    DEMO = "demo", "Demo dataset"


# Sports are normalised to FIT's vocabulary; families group the ones the matcher may join.
SPORT_FAMILIES = {
    "running": "run",
    "trail_running": "run",
    "treadmill": "run",
    "track": "run",
    "walking": "walk",
    "hiking": "walk",
    "cycling": "ride",
    "e_biking": "ride",
    "swimming": "swim",
    "rowing": "row",
    "multisport": "multi",
}


def sport_family(sport: str | None) -> str:
    """The family a sport belongs to: records of one family may be the same real-world activity."""
    if not sport:
        return "unknown"
    return SPORT_FAMILIES.get(sport, sport)


@dataclass(frozen=True, slots=True)
class FileHints:
    """What the route knows about a record beyond what its source says; used only where it is silent.

    `ingest.placement` reads all of it (the record's own values first); a FIT parser reads `start_time`
    and `utc_offset_s` only to anchor a clock that counts from the device's power-on. `label` names
    where the hints come from in the record's raw values (`start_from`, `utc_offset_from`).
    """

    start_time: dt.datetime | None = None  # UTC-aware: a start the route knows (a summary, a CSV row)
    # naive local wall-clock start: a HealthFit name, Strava's start_date_local
    local_start: dt.datetime | None = None
    # the offset of the recording the record carries or is paired with (a Strava export row's upload)
    utc_offset_s: int | None = None
    label: str = "hint"

    def __post_init__(self) -> None:
        if self.start_time is not None and self.start_time.utcoffset() is None:
            raise ValueError(f"FileHints.start_time must be timezone-aware, got {self.start_time}")
        if self.local_start is not None and self.local_start.tzinfo is not None:
            raise ValueError(f"FileHints.local_start is a naive wall-clock time, got {self.local_start}")


@dataclass(slots=True)
class Device:
    manufacturer: str | None = None
    product: str | None = None
    serial: str | None = None


@dataclass(slots=True)
class Samples:
    """Per-sample columns of equal length; None where a sample lacks the value.

    `time` is UTC-aware; `lat`/`lon` in degrees, `altitude` m, `heart_rate` bpm, `cadence` steps/min,
    `speed` m/s, `distance` cumulative metres, `power` W.
    """

    time: list[dt.datetime] = field(default_factory=list)
    lat: list[float | None] = field(default_factory=list)
    lon: list[float | None] = field(default_factory=list)
    altitude: list[float | None] = field(default_factory=list)
    heart_rate: list[int | None] = field(default_factory=list)
    cadence: list[float | None] = field(default_factory=list)
    speed: list[float | None] = field(default_factory=list)
    distance: list[float | None] = field(default_factory=list)
    power: list[int | None] = field(default_factory=list)

    COLUMNS = ("lat", "lon", "altitude", "heart_rate", "cadence", "speed", "distance", "power")

    def __len__(self) -> int:
        return len(self.time)

    def append(self, time: dt.datetime, **values: Any) -> None:
        self.time.append(time)
        for name in self.COLUMNS:
            getattr(self, name).append(values.get(name))

    def has(self, column: str) -> bool:
        return any(v is not None for v in getattr(self, column))


@dataclass(slots=True)
class ParsedLap:
    index: int
    start_time: dt.datetime | None = None
    duration_s: float | None = None  # timer time (pauses excluded)
    elapsed_s: float | None = None
    distance_m: float | None = None
    avg_hr: float | None = None
    max_hr: float | None = None
    avg_cadence_spm: float | None = None
    avg_speed_mps: float | None = None
    max_speed_mps: float | None = None
    total_ascent_m: float | None = None
    trigger: str | None = None  # manual, distance, time, position, session_end …
    intensity: str | None = None  # active, rest, warmup, cooldown (FIT lap.intensity)


@dataclass(slots=True)
class ParsedActivity:
    """One activity as one source saw it."""

    # Set by every API/export parser. A recording file's parser leaves both to `parse_file`, which
    # names the record by the file's bytes (fit_file, SHA-256 and `#<index>` per session).
    source: str = ""  # fit_file, garmin, strava, runalyze, master_xlsx
    source_id: str = ""  # stable per source: file SHA-256[#session], Strava id, sheet+date key …
    start_time: dt.datetime | None = None  # UTC-aware; None only for date-only sources
    local_date: dt.date | None = None
    utc_offset_s: int | None = None
    sport: str | None = None
    sub_sport: str | None = None
    distance_m: float | None = None
    duration_s: float | None = None  # timer/moving time
    elapsed_s: float | None = None
    avg_hr: float | None = None
    max_hr: float | None = None
    avg_cadence_spm: float | None = None
    max_cadence_spm: float | None = None
    avg_speed_mps: float | None = None
    total_ascent_m: float | None = None
    total_descent_m: float | None = None
    calories: float | None = None  # kcal
    avg_power_w: float | None = None
    workout_name: str | None = None
    workout_type: str | None = None  # the source's own hint: race, long, workout, easy …
    notes: str | None = None
    gear: str | None = None  # shoe name or Strava gear id as the source wrote it
    intensity_score: float | None = None
    parse_confidence: float | None = None
    device: Device = field(default_factory=Device)
    laps: list[ParsedLap] = field(default_factory=list)
    samples: Samples | None = None
    raw: dict[str, Any] = field(default_factory=dict)

    def validate(self) -> ParsedActivity:
        """Raise RecordError naming the first broken rule; return self so calls can chain."""
        if not self.source or not self.source_id:
            raise RecordError("record has no source or source_id")
        if self.start_time is None and self.local_date is None:
            raise RecordError(f"{self.source}:{self.source_id} has neither a start time nor a date")
        if self.start_time is not None:
            if self.start_time.tzinfo is None or self.start_time.utcoffset() is None:
                raise RecordError(f"{self.source}:{self.source_id} start time is not timezone-aware")
            if self.start_time.year < 1995:
                raise RecordError(
                    f"{self.source}:{self.source_id} starts in {self.start_time.year}: "
                    "the device clock was not set"
                )
        for name in ("distance_m", "duration_s", "elapsed_s", "calories", "total_ascent_m"):
            value = getattr(self, name)
            if value is not None and (not math.isfinite(value) or value < 0):
                raise RecordError(f"{self.source}:{self.source_id} has an invalid {name}: {value}")
        for name in ("avg_hr", "max_hr"):
            value = getattr(self, name)
            if value is not None and not 20 <= value <= 260:
                raise RecordError(f"{self.source}:{self.source_id} has an implausible {name}: {value}")
        if self.samples is not None:
            n = len(self.samples.time)
            for column in Samples.COLUMNS:
                if len(getattr(self.samples, column)) != n:
                    raise RecordError(f"{self.source}:{self.source_id} stream {column} length differs")
        return self

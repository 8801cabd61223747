"""Training-log workbook → rows → `ParsedActivity`. Pure: bytes in, dataclasses out, no ORM.

Every sheet with a header row (see `columns`) is read. A row with no date is a blank or summary row
("week total") and is skipped; a run is a row with a date. Two rows on one date are two runs.

Identity: a row's provisional id is `sheet|date#n`, n counting the runs on that date in that sheet,
so inserting or deleting a row elsewhere never re-keys it. `fingerprint` (a hash of the row's own
cells) lets the importer keep ids stable when one run of a double is edited or removed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import openpyxl
from openpyxl.utils.datetime import from_excel
from openpyxl.utils.exceptions import InvalidFileException

from ingest.records import ParsedActivity, SourceError
from ingest.units import UNIT_M, unit_name
from ingest.xlsx.columns import HEADER_SCAN_ROWS, ColumnMap, aliases_merged, header_match
from ingest.xlsx.notes import NotesParse, notes_parse, workout_type_hint

SOURCE = "master_xlsx"
MAX_RUN_M = 330_000.0  # 200 miles: beyond it the unit is wrong (metres typed into a Miles column)
_SUMMARY = re.compile(r"total|week|sum|month|year|avg|average|mileage", re.I)
# A cell that says only "week total" (maybe with a number): the row sums the others, even with a date.
_SUMMARY_LABEL = re.compile(
    r"^\s*(?:week(?:ly)?|month(?:ly)?|year(?:ly)?)?\s*(?:totals?|sum|summary)\s*:?\s*[\d.,]*\s*(?:mi|miles|km)?\s*$",
    re.I,
)
_REST = re.compile(r"^\s*(?:-+|off|rest|x|n/?a)\s*$", re.I)
_DISTANCE = re.compile(r"^\s*(?P<v>\d+(?:[.,]\d+)?)\s*(?P<u>miles?|mi|km|k|m)?\s*$", re.I)
_TEXT_DATE_FORMATS = (
    "%b %d %Y", "%B %d %Y", "%d %b %Y", "%d %B %Y", "%d-%b-%Y", "%d-%b-%y", "%b-%d-%Y", "%Y/%m/%d",
)  # fmt: skip
_WEEKDAY = re.compile(r"^(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+", re.I)
_NUMERIC_DATE = re.compile(r"^(?P<a>\d{1,2})[/.-](?P<b>\d{1,2})[/.-](?P<y>\d{2}|\d{4})$")


@dataclass(slots=True)
class SheetRow:
    """One run as written in the log, with what the regex pass (and later the LLM) read from it."""

    sheet: str
    row: int  # 1-based row number, for messages and the report only: never part of the identity
    local_date: dt.date
    occurrence: int  # 1 for the first run on that date in this sheet, 2 for the second of a double
    cells: dict[str, Any]  # field → original cell value, JSON-safe
    fingerprint: str
    distance_m: float | None
    distance_unit: str
    intensity: float | None
    shoe: str | None
    workout_cell: str | None
    notes: str | None
    extracted: NotesParse
    cell_issues: list[str] = field(default_factory=list)
    passes: dict[str, str] = field(default_factory=dict)  # field → "regex" | "llm"
    llm: dict[str, Any] | None = None  # the LLM's validated answer and what was rejected

    @property
    def provisional_id(self) -> str:
        return f"{self.sheet}|{self.local_date.isoformat()}#{self.occurrence}"

    @property
    def confidence(self) -> float:
        penalty = 0.35 * len(self.cell_issues)  # one bad cell puts the row below the default threshold
        return round(max(0.1, min(self.extracted.confidence, 1.0 - penalty)), 2)


@dataclass(slots=True)
class RowProblem:
    sheet: str
    row: int
    message: str


@dataclass(slots=True)
class WorkbookRead:
    name: str
    rows: list[SheetRow] = field(default_factory=list)
    skipped: list[RowProblem] = field(default_factory=list)  # blank, summary, rest-day rows
    errors: list[RowProblem] = field(default_factory=list)  # rows with a date we cannot read, etc.
    sheets: list[str] = field(default_factory=list)  # sheets read (they had a header)
    ignored_sheets: list[str] = field(default_factory=list)  # no header found


def workbook_read(data: bytes, *, name: str, aliases: Mapping | None = None) -> WorkbookRead:
    """Read every sheet with a header. Raises SourceError when the file is not a readable workbook."""
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        hint = "; save it as .xlsx first" if name.lower().endswith((".xls", ".ods", ".numbers")) else ""
        raise SourceError(
            f"{name}: not a readable .xlsx workbook ({exc.__class__.__name__}: {exc}){hint}"
        ) from exc
    result = WorkbookRead(name=name)
    merged = aliases_merged(aliases)
    try:
        for sheet in book.worksheets:
            _sheet_read(sheet, merged, result)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SourceError(f"{name}: the workbook is damaged ({exc.__class__.__name__}: {exc})") from exc
    finally:
        book.close()
    if not result.sheets:
        raise SourceError(
            f"{name}: no sheet has a header row with a date column and a distance column "
            f"in its first {HEADER_SCAN_ROWS} rows"
        )
    return result


def _sheet_read(sheet: Any, aliases: dict, result: WorkbookRead) -> None:
    # Read-only mode trusts the sheet's stored dimensions, which some writers get wrong ("A1:A1"):
    # forget them so every row is read.
    sheet.reset_dimensions()
    rows = sheet.iter_rows(values_only=True)
    column_map = None
    for number, row in enumerate(rows, start=1):
        column_map = header_match(tuple(row), aliases, number)
        if column_map or number >= HEADER_SCAN_ROWS:
            break
    if column_map is None:
        result.ignored_sheets.append(sheet.title)
        return
    result.sheets.append(sheet.title)
    body = list(enumerate(rows, start=column_map.header_row + 1))
    day_first = _day_first(column_map.value(row, "date") for _, row in body)
    seen: Counter = Counter()
    for number, row in body:
        _row_read(sheet.title, number, tuple(row), column_map, day_first, seen, result, aliases)


def _row_read(
    sheet: str,
    number: int,
    row: tuple,
    column_map: ColumnMap,
    day_first: bool,
    seen: Counter,
    result: WorkbookRead,
    aliases: dict,
) -> None:
    cells = {name: _json_safe(column_map.value(row, name)) for name in column_map.columns}
    where = f"{result.name}: sheet {sheet!r} row {number}"
    if all(v is None or (isinstance(v, str) and not v.strip()) for v in cells.values()):
        result.skipped.append(RowProblem(sheet, number, "blank"))
        return
    raw_date = column_map.value(row, "date")
    if header_match(row, aliases, number):
        result.skipped.append(RowProblem(sheet, number, "repeated header"))
        return
    if raw_date is None or (
        isinstance(raw_date, str) and (not raw_date.strip() or _SUMMARY.search(raw_date))
    ):
        result.skipped.append(RowProblem(sheet, number, "no date: a summary row"))
        return
    labels = (column_map.value(row, name) for name in ("notes", "shoe", "workout", "distance"))
    if any(isinstance(label, str) and _SUMMARY_LABEL.match(label) for label in labels):
        result.skipped.append(RowProblem(sheet, number, "a summary row with a date"))
        return
    date = cell_date(raw_date, day_first=day_first)
    if date is None:
        result.errors.append(RowProblem(sheet, number, f"{where}: {raw_date!r} is not a date I can read"))
        return
    distance_m, unit, cell_issues = _distance(column_map.value(row, "distance"), column_map.distance_unit)
    notes = _text(column_map.value(row, "notes"))
    if distance_m is None and not notes and not cell_issues:
        result.skipped.append(RowProblem(sheet, number, "no distance and no notes: a rest day"))
        return
    intensity, issue = _intensity(column_map.value(row, "intensity"))
    cell_issues += [issue] if issue else []
    seen[date] += 1
    pace_unit = "mi" if unit == "mi" else "km"
    run_distance = distance_m / UNIT_M[pace_unit] if distance_m else None
    extracted = notes_parse(notes, default_unit=pace_unit, distance=run_distance)
    result.rows.append(
        SheetRow(
            sheet=sheet,
            row=number,
            local_date=date,
            occurrence=seen[date],
            cells=cells,
            fingerprint=_fingerprint(cells),
            distance_m=distance_m,
            distance_unit=unit,
            intensity=intensity,
            shoe=_text(column_map.value(row, "shoe")),
            workout_cell=_text(column_map.value(row, "workout")),
            notes=notes,
            extracted=extracted,
            cell_issues=cell_issues,
            passes=regex_passes(extracted),
        )
    )


EXTRACTED_FIELDS = (
    "pace_s", "rep_pace_s", "avg_hr", "max_hr", "cadence_spm", "duration_s", "workout", "workout_type",
    "treadmill", "comment",
)  # fmt: skip


def regex_passes(found: NotesParse) -> dict[str, str]:
    return {name: "regex" for name in EXTRACTED_FIELDS if getattr(found, name) not in (None, False)}


def _json_safe(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time(0) else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, str):
        return value.strip() or None
    if value is None or isinstance(value, bool | int | float):
        return value
    return str(value)


def _fingerprint(cells: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(cells, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    text = str(value).strip()
    return text or None


def _day_first(values: Iterator[Any]) -> bool:
    """`03/04/2013` is 4 March in the US and 3 April elsewhere: a sheet with a `13/…` date is day-first."""
    for value in values:
        match = _NUMERIC_DATE.match(value.strip()) if isinstance(value, str) else None
        if match and int(match["a"]) > 12:
            return True
        if match and int(match["b"]) > 12:
            return False
    return False


def cell_date(value: Any, *, day_first: bool = False) -> dt.date | None:
    """An Excel date, an Excel serial number, or text: ISO, m/d/Y (d/m/Y when day-first), `Jan 5, 2013`."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return from_excel(value).date() if 20000 <= value <= 80000 else None
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    match = _NUMERIC_DATE.match(text)
    if match:
        a, b, year = int(match["a"]), int(match["b"]), int(match["y"])
        year += 2000 if year < 100 else 0
        day, month = (a, b) if day_first else (b, a)
        try:
            return dt.date(year, month, day)
        except ValueError:
            return None
    text = _WEEKDAY.sub("", re.sub(r"(\d)(?:st|nd|rd|th)\b", r"\1", text.replace(",", " ")))
    text = re.sub(r"\s+", " ", text).strip()
    for fmt in _TEXT_DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def _distance(value: Any, unit: str) -> tuple[float | None, str, list[str]]:
    """Cell → metres. A number is in the header's unit; text may carry its own (`6.2 mi`, `10 km`)."""
    if value is None or (isinstance(value, str) and _REST.match(value)):
        return None, unit, []
    if isinstance(value, bool):
        return None, unit, [f"distance {value!r} is not a number"]
    if isinstance(value, int | float):
        number = float(value)
    else:
        match = _DISTANCE.match(str(value))
        if not match:
            return None, unit, [f"distance {value!r} is not a number"]
        number = float(match["v"].replace(",", "."))
        written = (match["u"] or "").lower()
        if written:
            unit = unit_name(written)
    if number < 0:
        return None, unit, [f"distance {value!r} is negative"]
    metres = number * UNIT_M[unit]
    if metres > MAX_RUN_M:
        return metres, unit, [f"distance {value!r} {unit} is implausible for one run: check the unit"]
    return (metres if number else None), unit, []


def _intensity(value: Any) -> tuple[float | None, str | None]:
    """`7`, `7.5` or `7/10`."""
    if value is None or isinstance(value, bool):
        return None, None
    if isinstance(value, int | float):
        return float(value), None
    match = re.match(r"^\s*(\d+(?:[.,]\d+)?)\s*(?:/\s*10)?\s*$", str(value))
    if not match:
        return None, f"intensity {value!r} is not a number"
    return float(match[1].replace(",", ".")), None


def row_activity(row: SheetRow, *, source_id: str, threshold: float) -> ParsedActivity:
    """The source record of one row: a local date and no start time; SI units; raw keeps it all."""
    found = row.extracted
    duration_s = float(found.duration_s) if found.duration_s else None
    pace_based = False
    if duration_s is None and found.pace_s and row.distance_m:
        duration_s = round(found.pace_s * row.distance_m / UNIT_M[found.pace_unit or "mi"], 1)
        pace_based = True
    workout_name = row.workout_cell or found.workout_text
    confidence = row.confidence
    return ParsedActivity(
        source=SOURCE,
        source_id=source_id,
        local_date=row.local_date,
        sport="running",
        sub_sport="treadmill" if found.treadmill else None,
        distance_m=round(row.distance_m, 1) if row.distance_m is not None else None,
        duration_s=duration_s,
        avg_speed_mps=round(row.distance_m / duration_s, 3) if duration_s and row.distance_m else None,
        avg_hr=found.avg_hr,
        max_hr=found.max_hr,
        avg_cadence_spm=found.cadence_spm,
        workout_name=workout_name,
        workout_type=workout_type_hint(row.workout_cell) or found.workout_type,
        notes=found.comment,
        gear=row.shoe,
        intensity_score=row.intensity,
        parse_confidence=confidence,
        raw={
            "sheet": row.sheet,
            "date": row.local_date.isoformat(),
            "cells": row.cells,
            "fingerprint": row.fingerprint,
            "distance_unit": row.distance_unit,
            "parsed": _parsed_fields(found),
            "duration_from_pace": pace_based,
            "pass": dict(sorted(row.passes.items())),
            "issues": row.cell_issues + found.issues,
            "needs_review": confidence < threshold,
            **({"llm": row.llm} if row.llm else {}),
        },
    ).validate()


def _parsed_fields(found: NotesParse) -> dict[str, Any]:
    values = found.as_dict()
    values.pop("issues")
    values.pop("confidence")
    for prefix in ("pace", "rep_pace"):
        seconds, unit = values[f"{prefix}_s"], values[f"{prefix}_unit"]
        values[f"{prefix}_s_per_km"] = round(seconds * 1000.0 / UNIT_M[unit], 1) if seconds else None
    return {name: value for name, value in values.items() if value not in (None, False)}  # found only

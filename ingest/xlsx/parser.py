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
import zlib
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
# What a cell shows when its formula failed; openpyxl hands them over as text. They are empty cells.
EXCEL_ERRORS = frozenset(
    ("#N/A", "#VALUE!", "#REF!", "#DIV/0!", "#NUM!", "#NAME?", "#NULL!", "#SPILL!", "#CALC!", "#GETTING_DATA")
)
# An OLE compound file (CFB): an encrypted .xlsx is one (streams EncryptionInfo and EncryptedPackage),
# and so is a legacy .xls.
_CFB_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTION_STREAMS = ("EncryptionInfo".encode("utf-16-le"), "EncryptedPackage".encode("utf-16-le"))
# A sheet whose XML or compressed stream is cut short or corrupt: ParseError (a SyntaxError) from the
# XML parser, zlib.error / EOFError / BadZipFile from the zip, KeyError for a sheet part that is missing.
_SHEET_DAMAGE = (SyntaxError, zipfile.BadZipFile, zlib.error, EOFError, KeyError)


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
    must_review: bool = False  # a doubt no confidence threshold may wave through (a contradicted date)
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
    damaged_sheets: list[str] = field(default_factory=list)  # unreadable: not read, their records kept


def workbook_read(data: bytes, *, name: str, aliases: Mapping | None = None) -> WorkbookRead:
    """Read every sheet with a header. Raises SourceError when the file is not a readable workbook.

    A damaged sheet (its XML cut short, say) is left out whole, with an error naming it, so the records
    of its runs are neither updated nor marked deleted; the other sheets are read.
    """
    _refuse_ole(data, name)
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
            _sheet_read_or_skip(sheet, merged, result)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise SourceError(f"{name}: the workbook is damaged ({exc.__class__.__name__}: {exc})") from exc
    finally:
        book.close()
    if not result.sheets and result.damaged_sheets:
        raise SourceError("; ".join(problem.message for problem in result.errors))
    if not result.sheets:
        raise SourceError(
            f"{name}: no sheet has a header row with a date column and a distance column "
            f"in its first {HEADER_SCAN_ROWS} rows"
        )
    return result


def _refuse_ole(data: bytes, name: str) -> None:
    """An OLE container is not a zip: say what it is instead of "File is not a zip file"."""
    if not data.startswith(_CFB_MAGIC):
        return
    if any(stream in data for stream in _ENCRYPTION_STREAMS):
        raise SourceError(
            f"{name}: the workbook is password-protected: save an unprotected copy (open it, remove the "
            "password to open, save it under a new name) and import that"
        )
    raise SourceError(f"{name}: an Excel 97-2003 workbook (.xls), not .xlsx: save it as .xlsx first")


def _sheet_read_or_skip(sheet: Any, aliases: dict, result: WorkbookRead) -> None:
    """Read one sheet; a damaged one leaves nothing behind but an error naming it."""
    marks = (len(result.rows), len(result.skipped), len(result.errors), len(result.sheets))
    try:
        _sheet_read(sheet, aliases, result)
    except _SHEET_DAMAGE as exc:
        del result.rows[marks[0] :], result.skipped[marks[1] :], result.errors[marks[2] :]
        del result.sheets[marks[3] :]
        result.damaged_sheets.append(sheet.title)
        detail = str(exc).strip("'\"") or exc.__class__.__name__
        result.errors.append(
            RowProblem(
                sheet.title,
                0,
                f"{result.name}: sheet {sheet.title!r} is damaged and was not read ({detail}); "
                "its runs already imported are left as they are: repair or re-save the workbook",
            )
        )


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
    day_first = date_order_day_first(column_map.value(row, "date") for _, row in body)
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
    row, excel_errors = _without_excel_errors(row, column_map)
    if all(_empty(column_map.value(row, name)) for name in column_map.columns):
        only = f": only Excel errors ({', '.join(excel_errors.values())})" if excel_errors else ""
        result.skipped.append(RowProblem(sheet, number, f"blank{only}"))
        return
    raw_date = column_map.value(row, "date")
    if "date" in excel_errors:
        message = f"{where}: the date cell holds the Excel error {excel_errors['date']}: no date for this run"
        result.errors.append(RowProblem(sheet, number, message))
        return
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
    date, date_doubt = row_date(raw_date, day_first=day_first)
    if date is None:
        result.errors.append(RowProblem(sheet, number, f"{where}: {date_doubt}"))
        return
    distance_m, unit, cell_issues = _distance(column_map.value(row, "distance"), column_map.distance_unit)
    cell_issues += [
        f"{name}: the cell holds the Excel error {code}, read as empty" for name, code in excel_errors.items()
    ]
    cell_issues += [date_doubt] if date_doubt else []
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
            must_review=date_doubt is not None,
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


def _empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _without_excel_errors(row: tuple, column_map: ColumnMap) -> tuple[tuple, dict[str, str]]:
    """The row with its mapped Excel error cells (`#N/A`, `#REF!` …) emptied, and field → error."""
    found = {}
    cells = list(row)
    for name, index in column_map.columns.items():
        value = cells[index] if index < len(cells) else None
        if isinstance(value, str) and value.strip().upper() in EXCEL_ERRORS:
            found[name] = value.strip().upper()
            cells[index] = None
    return (tuple(cells) if found else row), found


def _valid_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _numeric_readings(match: re.Match) -> tuple[dt.date | None, dt.date | None]:
    """`a/b/y` read day-first and month-first; None where that reading is no real date."""
    a, b, year = int(match["a"]), int(match["b"]), int(match["y"])
    year += 2000 if year < 100 else 0
    return _valid_date(year, b, a), _valid_date(year, a, b)


def date_order_day_first(values: Iterator[Any]) -> bool:
    """Whether a date column's `a/b/y` text dates are day-first, by the majority of the unambiguous ones.

    `25/03/2014` can only be day-first and `03/25/2014` only month-first; an ambiguous `03/04/2014` and an
    impossible `31/02/2014` do not vote, so one typo cannot turn a column around. No votes or a tie:
    month-first, as before.
    """
    votes: Counter = Counter()
    for value in values:
        match = _NUMERIC_DATE.match(value.strip()) if isinstance(value, str) else None
        if match:
            day_first, month_first = _numeric_readings(match)
            votes["day"] += bool(day_first and not month_first)
            votes["month"] += bool(month_first and not day_first)
    return votes["day"] > votes["month"]


def row_date(value: Any, *, day_first: bool) -> tuple[dt.date | None, str | None]:
    """`(date, None)`; `(date, doubt)` for a text date that can only be read against its column's order
    (`25/03/2014` in a month-first column: 25 March, flagged); `(None, why)` when there is no date."""
    match = _NUMERIC_DATE.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        date = cell_date(value, day_first=day_first)
        return (date, None) if date else (None, f"{value!r} is not a date I can read")
    as_day_first, as_month_first = _numeric_readings(match)
    wanted, other = (as_day_first, as_month_first) if day_first else (as_month_first, as_day_first)
    if wanted:
        return wanted, None
    if other:
        column, this = ("day", "month") if day_first else ("month", "day")
        return other, (
            f"date {value!r} can only be read {this}-first ({other.isoformat()}), but this column's dates "
            f"are {column}-first: check it"
        )
    return None, f"{value!r} is not a real date, read day-first or month-first"


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
        as_day_first, as_month_first = _numeric_readings(match)
        return as_day_first if day_first else as_month_first
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
            "needs_review": confidence < threshold or row.must_review,
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

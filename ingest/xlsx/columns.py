"""Find a training log's header row and map its columns by name, whatever the layout.

A header is any row in the first `HEADER_SCAN_ROWS` of a sheet that names a date column and a
distance column. Names are matched after normalising (`"Distance (km)"` → `distance`), against
aliases that `settings.XLSX_COLUMN_ALIASES` extends. The distance unit comes from the header:
`Miles` → mi, `Distance (km)` / `km` → km, `Meters` → m; a bare `Distance` is miles.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

HEADER_SCAN_ROWS = 20

DEFAULT_ALIASES: dict[str, tuple[str, ...]] = {
    "date": ("date", "day", "run date", "datum"),
    "distance": (
        "distance", "dist", "miles", "mileage", "mi", "km", "kms", "kilometers", "kilometres",
        "meters", "metres", "m",
    ),
    "intensity": ("intensity", "intensity score", "rpe", "effort", "perceived effort"),
    "shoe": ("shoe", "shoes", "trainer", "trainers", "gear"),
    "notes": ("notes", "note", "comments", "comment", "remarks", "description"),
    "workout": ("workout", "type", "workout type", "run type", "session"),
}  # fmt: skip
REQUIRED = ("date", "distance")


@dataclass(frozen=True, slots=True)
class ColumnMap:
    """Where each field is in a sheet: 0-based column indexes, and the distance unit."""

    header_row: int  # 1-based row number of the header
    columns: dict[str, int]
    distance_unit: str  # mi, km or m
    headers: dict[str, str]  # field → the header as written

    def value(self, row: tuple, name: str) -> object:
        index = self.columns.get(name)
        if index is None or index >= len(row):
            return None
        return row[index]


def header_key(text: object) -> str:
    """`" Distance (km) "` → `distance`: lower case, units in brackets and punctuation dropped."""
    text = re.sub(r"\(.*?\)|\[.*?\]", " ", str(text).casefold())
    return re.sub(r"\s+", " ", re.sub(r"[^0-9a-z ]+", " ", text)).strip()


def distance_unit(header: str) -> str:
    text = str(header).casefold()
    if re.search(r"\bkm\b|kms\b|kilomet", text):
        return "km"
    if re.search(r"\bmeters?\b|\bmetres?\b|\(m\)|^m$", text.strip()):
        return "m"
    return "mi"


def aliases_merged(extra: Mapping[str, Iterable[str]] | None) -> dict[str, set[str]]:
    """The default aliases plus the configured ones (normalised like headers)."""
    merged = {name: {header_key(a) for a in aliases} for name, aliases in DEFAULT_ALIASES.items()}
    for name, aliases in (extra or {}).items():
        merged.setdefault(name, set()).update(header_key(a) for a in aliases)
    return merged


def header_match(row: tuple, aliases: dict[str, set[str]], row_number: int) -> ColumnMap | None:
    """The column map if `row` is a header row, else None. The first column of a kind wins."""
    columns: dict[str, int] = {}
    headers: dict[str, str] = {}
    for index, cell in enumerate(row):
        if not isinstance(cell, str) or not cell.strip():
            continue
        key = header_key(cell)
        for name, names in aliases.items():
            if key in names and name not in columns:
                columns[name], headers[name] = index, cell.strip()
                break
    if not all(name in columns for name in REQUIRED):
        return None
    return ColumnMap(
        header_row=row_number,
        columns=columns,
        distance_unit=distance_unit(headers["distance"]),
        headers=headers,
    )

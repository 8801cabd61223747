"""Workbooks built in the test with openpyxl, so layouts other than the sample's are covered."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl


def book_write(path: Path, sheets: dict[str, list[list]]) -> Path:
    """`{"2013": [[row cells], …]}` → an .xlsx at `path` (sheets in order)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def sample_layout(rows: list[list]) -> dict[str, list[list]]:
    """The sample's layout: Date, Miles, Intensity, Shoe, Notes on row 1 of one sheet named Log."""
    return {"Log": [["Date", "Miles", "Intensity", "Shoe", "Notes"], *rows]}


def run(day: int, miles: float, note: str | None = None, shoe: str = "Peg38", intensity: int = 4) -> list:
    return [dt.datetime(2013, 1, day), miles, intensity, shoe, note]

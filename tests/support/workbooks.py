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


def member_cut(path: Path, member: str, keep: float = 0.5) -> Path:
    """Rewrite the .xlsx at `path` with `member` (e.g. `xl/worksheets/sheet1.xml`) cut to `keep` of its
    bytes: a valid zip whose sheet XML ends early, as an interrupted save or sync leaves it."""
    import zipfile

    with zipfile.ZipFile(path) as source:
        parts = [(info, source.read(info)) for info in source.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info, data in parts:
            target.writestr(info, data[: int(len(data) * keep)] if info.filename == member else data)
    return path


def compound_file(streams: list[str]) -> bytes:
    """The shape of an OLE compound file (CFB) as Excel writes a password-protected workbook or an .xls:
    the CFB signature, a 512-byte header, and a directory sector naming `streams` (UTF-16LE, 128-byte
    entries). Only the layout a reader sniffs, not a complete compound file."""
    import struct

    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(16) + struct.pack("<HHHH", 0x3E, 3, 0xFFFE, 9)
    header = header.ljust(512, b"\x00")
    entries = b""
    for number, name in enumerate(["Root Entry", *streams]):
        encoded = (name + "\x00").encode("utf-16-le")
        kind = 5 if number == 0 else 2
        entries += (encoded.ljust(64, b"\x00") + struct.pack("<HB", len(encoded), kind)).ljust(128, b"\x00")
    return header + entries.ljust(512, b"\x00")

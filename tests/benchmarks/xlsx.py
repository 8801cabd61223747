"""Benchmark of the training-log import on the regex path: a generated log of N runs.

    python -m tests.benchmarks.xlsx [--rows 5000]

Generates the log with openpyxl in a temporary directory and times the read + regex pass, the first
import and an unchanged re-import, in a throwaway database with a throwaway raw store and data
directory (`support.throwaway_database`) and the LLM switched off: it never touches the runner's data
and measures the regex path alone.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import openpyxl

from ingest.records import SourceError
from ingest.xlsx.importer import XlsxImportResult, xlsx_import
from ingest.xlsx.parser import workbook_read
from tests.benchmarks.support import say, throwaway_database

SHOES = ("Peg38", "peg 38", "Pegasus 38", "ghost", "Ghost 14", "VF", "Vaporfly", "clifton", "Clifton 8")
COMMENTS = ("felt good", "legs heavy", "windy", "with the group", "humid, slow", "")


def _note(rng: random.Random) -> str | None:
    pace = f"{rng.randint(6, 9)}:{rng.randint(0, 59):02d}"
    hr, cadence, comment = rng.randint(130, 180), rng.randint(170, 186), rng.choice(COMMENTS)
    shapes = (
        f"{pace}; {hr}; {cadence}; {comment}",
        f"{pace};;{cadence}; {comment}",
        f"{pace} pace / {hr} bpm / {cadence} spm {comment}",
        f"{pace}/mi, HR {hr}, cad {cadence}. {comment}",
        f"treadmill {pace.replace(':', '.')}; {hr}; {cadence}",
        f"{rng.choice((4, 6, 8))}x400 @ {pace} w/ 400 jog; {hr}; {cadence}; {comment}",
        f"10K race! {pace}; {hr}; {cadence}",
        comment or None,
        None,
    )
    return rng.choice(shapes)


def log_generate(path: Path, *, rows: int, seed: int = 5000) -> None:
    """A log in the sample's layout: weekly-total rows, blank rows and a double every so often."""
    rng = random.Random(seed)
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Log")
    sheet.append(["Date", "Miles", "Intensity", "Shoe", "Notes"])
    day, week, written = dt.date(2010, 1, 1), 0.0, 0
    while written < rows:
        miles = round(rng.uniform(3, 20), 1)
        sheet.append([day, miles, rng.randint(1, 10), rng.choice(SHOES), _note(rng)])
        week, written = week + miles, written + 1
        if written % 17 == 0:
            continue  # a double: the next run is on the same date
        day += dt.timedelta(days=1)
        if day.weekday() == 0:
            sheet.append([None, round(week, 1), None, None, "week total"])
            week = 0.0
        if written % 50 == 0:
            sheet.append([])
    book.save(path)


@dataclass
class Timing:
    """Wall-clock and CPU seconds: on a busy machine CPU time shows what the import itself costs."""

    wall_s: float = 0.0
    cpu_s: float = 0.0

    def __str__(self) -> str:
        return f"{self.wall_s:.2f} s wall, {self.cpu_s:.2f} s CPU"


@contextmanager
def _timed() -> Iterator[Timing]:
    timing = Timing()
    wall, cpu = time.perf_counter(), time.process_time()
    yield timing
    timing.wall_s, timing.cpu_s = time.perf_counter() - wall, time.process_time() - cpu


@dataclass
class XlsxBench:
    rows: int
    generate: Timing
    parse: Timing
    first: Timing
    second: Timing
    first_result: XlsxImportResult
    second_result: XlsxImportResult

    def lines(self) -> list[str]:
        return [
            f"rows={self.rows} (generated in {self.generate})",
            f"read + regex pass: {self.parse} ({self.rows / self.parse.wall_s:,.0f} rows/s)",
            f"first import: {self.first} ({self.rows / self.first.wall_s:,.0f} rows/s) "
            f"{self.first_result.summary()}",
            f"re-import (unchanged): {self.second} {self.second_result.summary()}",
            f"per row: {1000 * self.first.wall_s / self.rows:.2f} ms first import, "
            f"{1000 * self.second.wall_s / self.rows:.2f} ms re-import (wall)",
            self._target(),
        ]

    def _target(self) -> str:
        if self.rows != 5000:
            return "target (first import of 5,000 rows under 10 s): run with --rows 5000"
        verdict = "met" if self.first.wall_s < 10 else "MISSED"
        return f"target: first import of 5,000 rows under 10 s wall -> {verdict}"


def xlsx_bench(*, rows: int = 5000) -> XlsxBench:
    """Generate, parse, import twice; time each step."""
    with tempfile.TemporaryDirectory(prefix="runbase-bench-xlsx-") as tmp:
        directory = Path(tmp)
        path = directory / "training_log.xlsx"
        with _timed() as generate:
            log_generate(path, rows=rows)
        with _timed() as parse:
            workbook_read(path.read_bytes(), name=path.name)
        # DEBUG off as in production: no per-query logging
        with throwaway_database(directory, LLM_PROVIDER="none", DEBUG=False):
            with _timed() as first:
                first_result = xlsx_import(path=path)
            with _timed() as second:
                second_result = xlsx_import(path=path)
    return XlsxBench(rows, generate, parse, first, second, first_result, second_result)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m tests.benchmarks.xlsx",
        description=(
            "Generate a training log of N rows with openpyxl in a temporary directory and time its import "
            "(regex pass only, no LLM) into a throwaway database: parse, first import, unchanged "
            "re-import. Never touches your data."
        ),
    )
    parser.add_argument("--rows", type=int, default=5000, help="Runs to generate (default 5000).")
    args = parser.parse_args(argv)
    if args.rows < 1:
        parser.error("--rows must be at least 1")
    try:
        result = xlsx_bench(rows=args.rows)
    except SourceError as exc:
        raise SystemExit(str(exc)) from exc
    for line in result.lines():
        say(line)


if __name__ == "__main__":
    main()

"""A training log with rows the import doubts, imported and reconciled: what the log review shows."""

from __future__ import annotations

from pathlib import Path

from activities.models import ActivitySource
from ingest.xlsx.importer import xlsx_import
from reconcile.services import reconcile_run
from tests.support.workbooks import book_write, run, sample_layout

DOUBTFUL = "ran with Bob, 2 laps, 152"  # two numbers the regex pass cannot place: confidence 0.4


def flagged_log(folder: Path) -> list[ActivitySource]:
    """Two doubtful rows (2 and 3 Jan 2013) and a clear one (4 Jan), reconciled into activities; returns
    the flagged records, oldest first."""
    path = book_write(
        folder / "log.xlsx",
        sample_layout([run(2, 5.0, DOUBTFUL), run(3, 6.0, f"{DOUBTFUL} again"), run(4, 4.0, "easy 8:30")]),
    )
    xlsx_import(path=path)
    reconcile_run()
    return list(ActivitySource.objects.filter(needs_review=True).order_by("local_date"))

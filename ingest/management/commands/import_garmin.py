"""`manage.py import_garmin ZIP [--reconcile]`: a Garmin Connect "Export My Data" zip, summaries and files."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from ingest.garmin.importer import GarminProgress, garmin_import
from ingest.management.then_reconcile import add_reconcile_argument, command_sync


class Command(BaseCommand):
    help = (
        "Import a Garmin Connect export zip: every activity summary (source garmin) and every uploaded "
        "FIT/GPX/TCX file (source fit_file), paired by start time and device. Safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("zip", help="The export zip as downloaded from Garmin Connect.")
        parser.add_argument("--workers", type=int, default=None, help="Parser processes (default: cores).")
        parser.add_argument("--quiet", action="store_true", help="Only the final summary line.")
        add_reconcile_argument(parser)

    def handle(self, *args, **options):
        bar = None if options["quiet"] or not sys.stdout.isatty() else _ProgressBar()
        log = None if options["quiet"] else (bar.write if bar else self.stdout.write)
        progress = bar.update if bar else None
        try:
            synced = command_sync(
                "garmin_export",
                lambda: garmin_import(
                    path=options["zip"], workers=options["workers"], log=log, progress=progress
                ),
                reconcile=options["reconcile"],
                log=log,
            )
        finally:
            if bar:
                bar.close()
        synced.write(self.stdout)


class _ProgressBar:
    """A tqdm bar over files then activities (terminal only), its postfix the running counts."""

    def __init__(self):
        from tqdm import tqdm

        self.tqdm = tqdm(unit=" items", desc="garmin export", dynamic_ncols=True)
        self.done = 0

    def update(self, state: GarminProgress) -> None:
        done = state.files + state.activities
        self.tqdm.update(done - self.done)
        self.done = done
        counts = {"files": state.files, "activities": state.activities, "failed": state.failed}
        self.tqdm.set_postfix(ordered_dict=counts)

    def write(self, line: str) -> None:
        self.tqdm.write(line)

    def close(self) -> None:
        self.tqdm.close()

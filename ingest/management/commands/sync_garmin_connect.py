"""`manage.py sync_garmin_connect [--all] [--since DATE] [--reconcile]`: pull from Garmin Connect."""

from __future__ import annotations

import datetime as dt
import sys

from django.core.management.base import BaseCommand

from ingest.garmin.pull import GarminPullProgress, garmin_connect_sync
from ingest.management.then_reconcile import add_reconcile_argument, command_sync


class Command(BaseCommand):
    help = (
        "Pull activities from Garmin Connect (unofficial API; sign in once with garmin_login): new ones "
        "since the last run plus a re-read of the recent window (GARMIN_REREAD_DAYS), each with its "
        "original FIT file. Joins the export's records instead of duplicating them. A rate-limit stop "
        "keeps the work done and exits 0 with the time the next run can continue."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="List every activity, not only recent ones.")
        parser.add_argument(
            "--since", type=dt.date.fromisoformat, help="Re-read from this date (YYYY-MM-DD)."
        )
        parser.add_argument("--quiet", action="store_true", help="Only the summary line.")
        add_reconcile_argument(parser)

    def handle(self, *args, **options):
        bar = None if options["quiet"] or not sys.stdout.isatty() else _ProgressBar()
        log = None if options["quiet"] else (bar.write if bar else self.stdout.write)
        try:
            synced = command_sync(
                "garmin_connect",
                lambda: garmin_connect_sync(
                    all=options["all"],
                    since=options["since"],
                    log=log,
                    progress=bar.update if bar else None,
                ),
                reconcile=options["reconcile"],
                log=log,
            )
        finally:
            if bar:
                bar.close()
        result = synced.result
        for line in result.errors if not options["quiet"] else []:
            self.stderr.write(line)
        synced.write(self.stdout, label="Garmin Connect")
        if result.resume_at:
            self.stdout.write(
                f"Stopped by Garmin's rate limit; run again after {result.resume_at:%Y-%m-%d %H:%M} UTC "
                "(the scheduled pull does): it continues where this run stopped."
            )


class _ProgressBar:
    """A tqdm bar over the activities listed (terminal only), its total known in a backfill."""

    def __init__(self):
        from tqdm import tqdm

        self.tqdm = tqdm(unit=" activities", desc="garmin connect", dynamic_ncols=True)

    def update(self, state: GarminPullProgress) -> None:
        if state.total and self.tqdm.total != state.total:
            self.tqdm.total = state.total
        self.tqdm.update(state.listed - self.tqdm.n)
        self.tqdm.set_postfix(ordered_dict={"downloaded": state.downloaded, "failed": state.failed})

    def write(self, line: str) -> None:
        self.tqdm.write(line)

    def close(self) -> None:
        self.tqdm.close()

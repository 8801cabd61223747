"""`manage.py sync_garmin_connect [--all] [--since DATE] [--reconcile]`: pull from Garmin Connect."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from ingest.garmin.pull import garmin_connect_sync
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
        log = None if options["quiet"] else self.stdout.write
        synced = command_sync(
            "garmin_connect",
            lambda: garmin_connect_sync(all=options["all"], since=options["since"], log=log),
            reconcile=options["reconcile"],
            log=log,
        )
        result = synced.result
        for line in result.errors if not options["quiet"] else []:
            self.stderr.write(line)
        synced.write(self.stdout, label="Garmin Connect")
        if result.resume_at:
            self.stdout.write(
                f"Stopped by Garmin's rate limit; run again after {result.resume_at:%Y-%m-%d %H:%M} UTC "
                "(the scheduled pull does): it continues where this run stopped."
            )

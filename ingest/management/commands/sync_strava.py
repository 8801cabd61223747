"""`manage.py sync_strava [--reconcile]`: bring Strava activities in as source records (incremental)."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from ingest.management.then_reconcile import add_reconcile_argument, command_sync
from ingest.strava.sync import strava_sync


class Command(BaseCommand):
    help = (
        "Sync activities from the Strava API: new ones since the last run plus a re-read of the recent "
        "window (STRAVA_REREAD_DAYS) for renames and gear changes. A rate-limit stop keeps the work done "
        "and exits 0 with the time the next run can continue."
    )

    def add_arguments(self, parser):
        parser.add_argument("--all", action="store_true", help="List everything; mark Strava deletions.")
        parser.add_argument(
            "--since", type=dt.date.fromisoformat, help="Re-read from this date (YYYY-MM-DD)."
        )
        parser.add_argument("--streams", action="store_true", help="Also fetch per-second streams.")
        parser.add_argument("--quiet", action="store_true", help="Only the summary line.")
        add_reconcile_argument(parser)

    def handle(self, *args, **options):
        log = None if options["quiet"] else self.stdout.write
        synced = command_sync(
            "strava",
            lambda: strava_sync(
                all=options["all"], since=options["since"], streams=options["streams"], log=log
            ),
            reconcile=options["reconcile"],
            log=log,
        )
        result = synced.result
        for line in result.errors if not options["quiet"] else []:
            self.stderr.write(line)
        synced.write(self.stdout)
        if result.resume_at:
            self.stdout.write(
                f"Stopped by Strava's rate limit; run again after {result.resume_at:%Y-%m-%d %H:%M} UTC "
                "(the scheduled sync does): it continues where this run stopped."
            )

"""`manage.py import_strava_export ZIP [--reconcile]`: import a Strava "Download your data" archive."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ingest.management.then_reconcile import add_reconcile_argument, command_sync
from ingest.strava.export import strava_export_import


class Command(BaseCommand):
    help = (
        "Import a Strava bulk export zip: every activities.csv row as a Strava record (same id as the "
        "API), every original upload (.fit.gz/.tcx.gz/.gpx) as a file record, gear as shoes. "
        "Safe to re-run."
    )

    def add_arguments(self, parser):
        parser.add_argument("zip", help="The export zip (export_<athlete id>.zip).")
        parser.add_argument("--workers", type=int, default=None, help="Parser processes (default: cores).")
        parser.add_argument("--quiet", action="store_true", help="Only the summary line.")
        add_reconcile_argument(parser)

    def handle(self, *args, **options):
        log = None if options["quiet"] else self.stdout.write
        synced = command_sync(
            "strava_export",
            lambda: strava_export_import(path=options["zip"], workers=options["workers"], log=log),
            reconcile=options["reconcile"],
            log=log,
        )
        for line in synced.result.errors if not options["quiet"] else []:
            self.stderr.write(line)
        synced.write(self.stdout)

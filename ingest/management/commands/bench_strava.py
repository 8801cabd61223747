"""`manage.py bench_strava`: API calls and rate-limited wall time of a backfill; the export import rate."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ingest.records import SourceError
from ingest.strava.bench import strava_api_bench, strava_export_bench


class Command(BaseCommand):
    help = (
        "Benchmark Strava: (1) a backfill of N activities through the fake Strava server with real-sized "
        "read limits (100/15 min, 1,000/day) on a simulated clock: API calls per activity and the wall "
        "time the limits impose; (2) import of a generated export of N activities, FIT uploads built with "
        "fit-tool for --files of them (extrapolated to N). Throwaway database; run from a checkout."
    )

    def add_arguments(self, parser):
        parser.add_argument("--activities", type=int, default=4000, help="Activities (default 4000).")
        parser.add_argument("--files", type=int, default=200, help="Export rows with a FIT upload.")
        parser.add_argument("--streams", action="store_true", help="Backfill with streams too.")
        parser.add_argument("--skip-api", action="store_true", help="Only the export import.")
        parser.add_argument("--skip-export", action="store_true", help="Only the API backfill.")
        parser.add_argument("--workers", type=int, default=None, help="Parser processes (default: cores).")
        parser.add_argument("--quiet", action="store_true", help="Only the figures.")

    def handle(self, *args, **options):
        if options["activities"] < 1:
            raise CommandError("--activities must be at least 1")
        log = None if options["quiet"] else self.stdout.write
        lines: list[str] = []
        try:
            if not options["skip_api"]:
                api = strava_api_bench(activities=options["activities"], streams=options["streams"], log=log)
                lines += api.lines()
            if not options["skip_export"]:
                export = strava_export_bench(
                    rows=options["activities"], files=options["files"], workers=options["workers"], log=log
                )
                lines += export.lines()
        except SourceError as error:
            raise CommandError(str(error)) from error
        for line in lines:
            self.stdout.write(line)

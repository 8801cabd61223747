"""`manage.py bench_garmin`: the Garmin export import rate against the bare decode of the same files."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from ingest.garmin.bench import garmin_bench
from ingest.records import SourceError


class Command(BaseCommand):
    help = (
        "Generate a Garmin export of N one-hour activities (FIT uploads + summaries) in a temporary "
        "directory, import it into a throwaway database and print the import rate against the bare "
        "fitparse decode time of the same files. Never touches your data."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--activities", type=int, default=1000, help="Activities to generate (default 1000)."
        )
        parser.add_argument("--workers", type=int, default=None, help="Parser processes (default: cores).")
        parser.add_argument("--quiet", action="store_true", help="Only the figures.")

    def handle(self, *args, **options):
        if options["activities"] < 1:
            raise CommandError("--activities must be at least 1")
        log = None if options["quiet"] else self.stdout.write
        try:
            result = garmin_bench(activities=options["activities"], workers=options["workers"], log=log)
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        for line in result.lines():
            self.stdout.write(line)

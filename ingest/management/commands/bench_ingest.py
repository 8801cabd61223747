"""`manage.py bench_ingest`: file-ingest figures against the issue's targets, in a throwaway database."""

from django.core.management.base import BaseCommand, CommandError

from ingest.healthfit.bench import SEED_ACTIVITIES, ingest_bench


class Command(BaseCommand):
    help = (
        "Generate N synthetic one-hour 1 Hz running FIT files and report: import vs bare fitparse decode, "
        "the speed-up with more processes, database bytes per activity-hour, and the time sync_icloud "
        "takes for one new file with 3,650 activities stored. Uses a throwaway database and raw store."
    )

    def add_arguments(self, parser):
        parser.add_argument("--files", type=int, default=20, help="Synthetic files (default 20).")
        parser.add_argument(
            "--workers", default="1,2", help="Comma-separated process counts to time (default 1,2)."
        )
        parser.add_argument("--repeat", type=int, default=1, help="Rounds of imports; the best counts.")
        parser.add_argument(
            "--seed",
            type=int,
            default=SEED_ACTIVITIES,
            help="Activities stored for the sync timing.",
        )
        parser.add_argument("--quiet", action="store_true", help="Only the figures.")

    def handle(self, *args, files, workers, repeat, seed, quiet=False, **options):
        try:
            counts = sorted({int(w) for w in workers.split(",")})
        except ValueError as exc:
            raise CommandError(f"--workers takes numbers like 1,2, not {workers!r}") from exc
        if files < 1 or repeat < 1 or not counts or min(counts) < 1:
            raise CommandError("--files, --repeat and every --workers value must be at least 1")
        log = None if quiet else self.stdout.write
        result = ingest_bench(files=files, workers=counts, repeat=repeat, seed=seed, log=log)
        for line in result.lines():
            self.stdout.write(line)

"""`manage.py bench_reconcile [--runs 3650]`: time reconcile on a generated 10-year history."""

from django.core.management.base import BaseCommand, CommandError

from reconcile.bench import reconcile_bench


class Command(BaseCommand):
    help = (
        "Generate a history of N runs (three source records each) in a throwaway database and time a "
        "reconcile from scratch, an incremental reconcile after one new file, and --all on unchanged "
        "data. Never touches your data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=3650, help="Runs to generate (default 3650).")

    def handle(self, *args, runs, **options):
        if runs < 1:
            raise CommandError("--runs must be at least 1")
        for line in reconcile_bench(runs=runs).lines():
            self.stdout.write(line)

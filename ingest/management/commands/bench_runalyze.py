"""`manage.py bench_runalyze [--activities N] [--page-size P]`: requests and wall time of a Runalyze sync.

The database is left as it was: the runs happen in a transaction that is rolled back.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from ingest.runalyze.bench import runalyze_bench


class Command(BaseCommand):
    help = (
        "Benchmark a Runalyze API sync against a local fake server (rolled back: the database is unchanged)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--activities", type=int, default=4000, help="Activities served (default 4000).")
        parser.add_argument("--page-size", type=int, default=100, help="Activities per page (default 100).")

    def handle(self, *args, **options) -> None:
        runalyze_bench(
            activities=options["activities"], page_size=options["page_size"], log=self.stdout.write
        )

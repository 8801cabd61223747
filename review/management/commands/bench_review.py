"""`manage.py bench_review [--runs 3650]`: time the review pages and admin lists on a generated history."""

from django.core.management.base import BaseCommand, CommandError

from review.bench import review_bench


class Command(BaseCommand):
    help = (
        "Generate N activities (three source records each, a conflict on every tenth) in a throwaway "
        "database and print the median time and query count of each review page and admin list. "
        "Never touches your data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=3650, help="Activities to generate (default 3650).")

    def handle(self, *args, runs: int, **options):
        if runs < 10:
            raise CommandError("--runs must be at least 10")
        for line in review_bench(runs=runs):
            self.stdout.write(line)

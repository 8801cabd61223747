"""`manage.py bench_xlsx [--rows 5000]`: time the regex-path import of a generated training log."""

from django.core.management.base import BaseCommand, CommandError

from ingest.records import SourceError
from ingest.xlsx.bench import xlsx_bench


class Command(BaseCommand):
    help = (
        "Generate a training log of N rows with openpyxl in a temporary directory and time its import "
        "(regex pass only, no LLM) into a throwaway database: parse, first import, unchanged re-import. "
        "Never touches your data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=5000, help="Runs to generate (default 5000).")

    def handle(self, *args, rows, **options):
        if rows < 1:
            raise CommandError("--rows must be at least 1")
        try:
            result = xlsx_bench(rows=rows)
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        for line in result.lines():
            self.stdout.write(line)

"""`manage.py import_xlsx FILE [--review]`: import the training-log spreadsheet as `master_xlsx` records."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest.records import SourceError
from ingest.xlsx.importer import xlsx_import


class Command(BaseCommand):
    help = (
        "Import every run of a training-log .xlsx (any sheet with a Date and a Miles/Distance header). "
        "Notes are read by a regex pass, with the configured LLM for the rows it is unsure of. "
        "Re-importing updates edited rows, adds new ones and marks deleted ones; nothing is duplicated."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, metavar="FILE", help="The .xlsx workbook.")
        parser.add_argument(
            "--review", action="store_true", help="Write an HTML review report beside the database."
        )
        parser.add_argument("--quiet", action="store_true", help="Only the summary line.")

    def handle(self, *args, file, review=False, quiet=False, **options):
        log = None if quiet else self.stdout.write
        try:
            result = xlsx_import(path=file, review=review, log=log)
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        if result.report_path and quiet:
            self.stdout.write(f"review report: {result.report_path}")
        self.stdout.write(result.summary())

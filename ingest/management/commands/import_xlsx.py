"""`manage.py import_xlsx FILE [--review] [--reconcile]`: the training-log spreadsheet as records."""

from pathlib import Path

from django.core.management.base import BaseCommand

from ingest.management.then_reconcile import add_reconcile_argument, command_sync
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
        add_reconcile_argument(parser)

    def handle(self, *args, file, review=False, quiet=False, reconcile=False, **options):
        log = None if quiet else self.stdout.write
        synced = command_sync(
            "xlsx", lambda: xlsx_import(path=file, review=review, log=log), reconcile=reconcile, log=log
        )
        if synced.result.report_path and quiet:
            self.stdout.write(f"review report: {synced.result.report_path}")
        synced.write(self.stdout)

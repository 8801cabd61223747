"""`manage.py import_files PATH... [--healthfit-names] [--reconcile]`: import FIT/GPX/TCX files and
folders (recursively)."""

from pathlib import Path

from django.core.management.base import BaseCommand

from ingest.files import console_output, files_import_paths
from ingest.healthfit.parser import healthfit_name_hints
from ingest.management.then_reconcile import add_reconcile_argument, command_sync


class Command(BaseCommand):
    help = (
        "Import .fit, .gpx and .tcx files, and folders of them (recursively). Files already imported, "
        "renamed copies and unchanged failures are skipped without being parsed again."
    )

    def add_arguments(self, parser):
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH", help="Files or folders.")
        parser.add_argument(
            "--workers", type=int, help="Parse processes (default: RUNBASE_INGEST_WORKERS or one per core)."
        )
        parser.add_argument(
            "--healthfit-names",
            action="store_true",
            help="Read names like 2017-06-13-094230-<Workout>-<Device>.fit as HealthFit's local start "
            "time, for files that carry no UTC offset or no time of their own (as the iCloud sync does).",
        )
        parser.add_argument("--quiet", action="store_true", help="Only the summary line.")
        add_reconcile_argument(parser)

    def handle(
        self, *args, paths, workers=None, healthfit_names=False, quiet=False, reconcile=False, **options
    ):
        name_hints = healthfit_name_hints if healthfit_names else None
        with console_output(self.stdout, quiet=quiet) as (log, progress):
            synced = command_sync(
                "files",
                lambda: files_import_paths(
                    paths=paths, workers=workers, log=log, progress=progress, name_hints=name_hints
                ),
                reconcile=reconcile,
                log=log,
            )
        synced.write(self.stdout)

"""`manage.py import_files PATH...`: import FIT/GPX/TCX files and folders (recursively)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest.files import console_output, files_import_paths
from ingest.records import SourceError


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
        parser.add_argument("--quiet", action="store_true", help="Only the summary line.")

    def handle(self, *args, paths, workers=None, quiet=False, **options):
        try:
            with console_output(self.stdout, quiet=quiet) as (log, progress):
                result = files_import_paths(paths=paths, workers=workers, log=log, progress=progress)
        except SourceError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(result.summary())

"""`manage.py runbase_backup [DIR]`: a consistent copy of the database and a raw-store manifest."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest.backup.service import backup_create
from ingest.records import SourceError


class Command(BaseCommand):
    help = (
        "Back up the database while RunBase runs (SQLite online backup, or pg_dump -Fc on PostgreSQL) "
        "with a manifest of the raw store, into DIR (default RUNBASE_BACKUP_DIR); keep the newest "
        "RUNBASE_BACKUP_KEEP."
    )

    def add_arguments(self, parser):
        parser.add_argument("directory", nargs="?", type=Path, help="Where backups go.")
        parser.add_argument(
            "--keep", type=int, help="How many backups to keep (default RUNBASE_BACKUP_KEEP)."
        )

    def handle(self, *args, directory=None, keep=None, **options):
        try:
            result = backup_create(directory=directory, keep=keep)
        except (SourceError, OSError) as exc:
            raise CommandError(f"backup failed: {exc}") from exc
        for path in result.removed:
            self.stdout.write(f"removed {path}")
        self.stdout.write(result.summary())

"""`manage.py runbase_restore BACKUP --yes`: replace the database with a backup of runbase_backup."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ingest.backup.service import backup_restore
from ingest.records import SourceError


class Command(BaseCommand):
    help = (
        "Replace the database with the backup folder BACKUP (made by runbase_backup), then check that "
        "the raw store holds every file the backup's manifest lists. Stop the web server, qcluster "
        "and cron jobs first."
    )

    def add_arguments(self, parser):
        parser.add_argument("backup", type=Path, help="A runbase-YYYYMMDD-HHMMSS folder.")
        parser.add_argument("--yes", action="store_true", help="Really replace the current database.")

    def handle(self, *args, backup: Path, yes: bool = False, **options):
        if not yes:
            raise CommandError("this replaces everything in the current database with the backup: pass --yes")
        try:
            result = backup_restore(path=backup)
        except (SourceError, OSError) as exc:
            raise CommandError(f"restore failed: {exc}") from exc
        for relative in result.raw_missing:
            self.stderr.write(f"missing from the raw store: {relative}")
        self.stdout.write(result.summary())

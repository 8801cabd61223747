"""`manage.py runbase_status`: how every sync went and what the database holds."""

from django.core.management.base import BaseCommand

from review.status import status_report


class Command(BaseCommand):
    help = (
        "Show per sync the last run and its summary, record counts per source, files per route and "
        "status, failed files with their errors, records waiting for reconcile, and the database size."
    )

    def handle(self, *args, **options):
        for line in status_report().lines():
            self.stdout.write(line)

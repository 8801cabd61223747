"""`manage.py refresh_analysis`: recompute the stored best efforts and loads of every activity."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from activities.analysis.refresh import analysis_refresh


class Command(BaseCommand):
    help = (
        "Bring every activity's best efforts and training load up to date (reconcile does it per activity; "
        "run this after changing the analysis settings, such as HRrest or HRmax)."
    )

    def handle(self, *args, **options) -> None:
        result = analysis_refresh()
        self.stdout.write(result.summary())

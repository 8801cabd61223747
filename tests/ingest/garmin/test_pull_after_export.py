"""The issue's acceptance test: the export, then the pull of the same account, changes no count."""

from __future__ import annotations

import pytest

from activities.models import Activity, ActivitySource
from ingest.garmin.importer import garmin_import
from ingest.garmin.pull import garmin_connect_sync
from reconcile.services import reconcile_run

pytestmark = pytest.mark.django_db

EXPORT = "garmin/839fbc50-1223-4513-9496-f63cdc1110c1_1.zip"


def _counts() -> dict:
    by_source = {
        source: ActivitySource.objects.filter(source=source).count()
        for source in ActivitySource.objects.values_list("source", flat=True).distinct()
    }
    return {"records": by_source, "activities": Activity.objects.count()}


def test_pulling_what_the_export_brought_adds_no_record_and_no_activity(garmin_account_signed_in, samples):
    garmin_import(path=samples / EXPORT, workers=1)
    reconcile_run()
    before = _counts()
    assert before["records"]["garmin"] == 19 and before["activities"] > 0

    pulled = garmin_connect_sync(page_size=5, workers=1)
    reconcile_run()

    assert _counts() == before
    assert pulled.created == 0 and pulled.failed == 0
    assert pulled.files.imported == 0 and pulled.files.already_seen + pulled.files.unchanged == 12
    assert set(ActivitySource.objects.filter(source="garmin").values_list("route", flat=True)) == {
        "garmin_connect"
    }

    again = garmin_connect_sync(page_size=5, workers=1, all=True)
    reconcile_run()
    assert _counts() == before and again.downloaded == 0

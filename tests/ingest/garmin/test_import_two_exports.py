"""The second sample Garmin export after the first: the second adds its own activities and files, and
the first's records stay as they were (the two exports share no recording)."""

from __future__ import annotations

import pytest

from activities.models import ActivitySource
from ingest.garmin.importer import garmin_import

pytestmark = pytest.mark.django_db

FIRST = "garmin/839fbc50-1223-4513-9496-f63cdc1110c1_1.zip"
SECOND = "garmin/second-export/6baf71d7-d840-4b1a-8f0b-97522634f16f_1.zip"


def test_the_second_export_adds_to_the_first_and_leaves_it_alone(samples):
    garmin_import(path=samples / FIRST, workers=2)
    first = dict(ActivitySource.objects.values_list("pk", "content_hash"))
    first_files = ActivitySource.objects.filter(source="fit_file").count()

    second = garmin_import(path=samples / SECOND, workers=2)

    assert (second.created, second.updated, second.unchanged) == (16, 0, 0)
    assert (second.files.imported, second.files.already_seen) == (10, 0)
    assert ActivitySource.objects.filter(source="garmin").count() == 19 + 16
    assert ActivitySource.objects.filter(source="fit_file").count() == first_files + 14
    assert dict(ActivitySource.objects.filter(pk__in=first).values_list("pk", "content_hash")) == first

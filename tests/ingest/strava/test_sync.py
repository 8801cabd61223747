"""strava_sync against the fake Strava: real HTTP through stravalib, no patching."""

from __future__ import annotations

import pytest

from activities.models import ActivitySource
from ingest.strava.sync import strava_sync

pytestmark = pytest.mark.django_db


def test_a_first_sync_stores_every_activity_with_detail(strava, tokens, sleeps):
    result = strava_sync(sleep=sleeps)

    assert result.summary().startswith("created=6 updated=0 unchanged=0 failed=0 missing=0 deleted=0")
    record = ActivitySource.objects.get(source="strava", source_id="16188899900")
    assert record.route == "strava_api"
    assert record.workout_name == "6x800m"
    assert record.calories == 712.0
    assert record.shoe.strava_gear_id == "g14823571"
    assert record.laps.count() > 0
    assert sleeps == []

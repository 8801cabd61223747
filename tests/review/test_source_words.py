"""Where a value came from is said in words on the activity page: a workout type or a distance read
from the run's name is "Workout name", never the code `workout_name_parse` (the demo's long run and 5k
race showed it in the field table and in the conflicts table)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from activities.models import Activity
from reconcile.models import Conflict

pytestmark = pytest.mark.django_db


def test_a_value_read_from_the_name_is_said_to_come_from_the_workout_name(admin_client):
    race = Activity.objects.create(
        date=dt.date(2025, 10, 18),
        sport="running",
        workout_name="5k race",
        workout_type="race",
        distance_m=5010.0,
        duration_s=1288.0,
        provenance={"workout_type": "workout_name_parse", "distance_m": "master_xlsx"},
    )
    Conflict.objects.create(
        activity=race,
        field_name="distance_m",
        source_values={"master_xlsx": 5010.0, "workout_name_parse": 5000.0, "fit_file": 5050.0},
        resolved_value=5010.0,
        resolved_source="master_xlsx",
        status=Conflict.Status.AUTO_RESOLVED,
    )
    page = admin_client.get(reverse("review:activity_detail", args=[race.pk])).content.decode()
    assert "workout_name_parse" not in page
    assert '<span class="pill">Workout name: 5.00 km</span>' in page
    assert "<td>Workout name</td>" in page  # the workout type's origin in the field table

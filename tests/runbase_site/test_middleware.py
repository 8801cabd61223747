"""The runner's units reach every page and the admin through one middleware."""

from __future__ import annotations

import pytest
from django.urls import reverse

from activities.preferences import units_choose, units_of


@pytest.fixture
def runner(django_user_model):
    return django_user_model.objects.create_superuser("runner", "r@example.com", "pw")


def test_a_runners_choice_beats_the_setting(runner, settings):
    settings.RUNBASE_UNITS = "metric"
    assert units_of(runner) == "metric"
    units_choose(user=runner, units="imperial")
    assert units_of(runner) == "imperial"
    units_choose(user=runner, units="")
    assert units_of(runner) == "metric"
    with pytest.raises(ValueError, match="Unknown units"):
        units_choose(user=runner, units="furlongs")


def test_pages_and_admin_follow_the_runners_units(client, runner, review_data):
    """review_data's run is 10.0 km (6.21 mi)."""
    client.force_login(runner)
    distance = review_data.distance_m
    metric = f"{distance / 1000:.2f} km"
    imperial = f"{distance / 1609.344:.2f} mi"
    assert metric in client.get(reverse("review:activity_list")).content.decode()
    units_choose(user=runner, units="imperial")
    page = client.get(reverse("review:activity_list")).content.decode()
    assert imperial in page and metric not in page
    admin = client.get(reverse("admin:activities_activity_changelist")).content.decode()
    assert imperial in admin

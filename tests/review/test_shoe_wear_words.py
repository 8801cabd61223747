"""A shoe's retirement distance is a set figure and reads in whole units: "of 800 km" (or "of 497 mi"),
not "of 800.00 km"."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from activities.formatting import units_in_force
from activities.models import Activity, Shoe
from review.templatetags.analysis_tags import distance_round

pytestmark = pytest.mark.django_db


def test_a_set_distance_reads_in_whole_units():
    with units_in_force("metric"):
        assert distance_round(800_000.0) == "800 km"
        assert distance_round(None) == "—"
    with units_in_force("imperial"):
        assert distance_round(800_000.0) == "497 mi"  # 800 000 / 1609.344 = 497.10


def test_the_shoes_page_says_the_retirement_distance_in_whole_units(admin_client, settings):
    settings.RUNBASE_UNITS = "metric"
    shoe = Shoe.objects.create(name="Peg 38", retire_at_m=700_000.0)
    Activity.objects.create(date=dt.date(2025, 10, 6), sport="running", distance_m=7000.0, shoe=shoe)
    page = admin_client.get(reverse("review:shoes")).content.decode()
    assert "1 % of 700 km" in page  # 7 of 700 km
    assert "or the default of 800 km)" in page
    assert ".00 km</div>" not in page
    detail = admin_client.get(reverse("review:shoe_detail", args=[shoe.pk])).content.decode()
    assert "1 % of 700 km" in detail

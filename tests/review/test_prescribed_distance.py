"""A rep's prescribed distance reads as the plan said it in either unit: a 6x800m in miles showed
"Prescribed 0.50 mi" for each 800."""

from __future__ import annotations

import pytest
from django.urls import reverse

from activities.formatting import units_in_force
from review.templatetags.activity_tags import prescribed
from tests.support.factories import activity_with_sources


def test_track_and_road_distances_are_said_as_set():
    for units in ("metric", "imperial"):
        with units_in_force(units):
            assert prescribed(800.0) == "800 m"
            assert prescribed(400.0) == "400 m"
            assert prescribed(1200.0) == "1200 m"
            assert prescribed(5000.0) == "5 km"
            assert prescribed(1609.344) == "1 mi"
            assert prescribed(402.336) == "0.25 mi"
            assert prescribed(None) == "—"


def test_any_other_distance_is_in_the_runners_unit():
    # 1234 m: 1.234 km → "1.23 km"; 1234 / 1609.344 = 0.767 mi → "0.77 mi".
    with units_in_force("metric"):
        assert prescribed(1234.0) == "1.23 km"
    with units_in_force("imperial"):
        assert prescribed(1234.0) == "0.77 mi"


@pytest.mark.django_db
def test_the_activity_page_says_an_800_in_miles_as_800_m(admin_client, settings):
    settings.RUNBASE_UNITS = "imperial"
    activity = activity_with_sources()  # its rep 1 is prescribed 800 m, measured 806 m
    page = admin_client.get(reverse("review:activity_detail", args=[activity.pk])).content.decode()
    intervals = page.split("<h2>Intervals</h2>", 1)[1].split("</table>", 1)[0]
    # 806 m = 0.50 mi measured; prescribed stays 800 m.
    assert '<td class="num">800 m</td>' in intervals and '<td class="num">0.50 mi</td>' in intervals

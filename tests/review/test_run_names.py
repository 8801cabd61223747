"""A run with no workout name is called by its sport as a runner says it, on every page that lists it:
never a blank cell, never the stored code (`trail_running`)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from activities.models import Activity, Shoe

pytestmark = pytest.mark.django_db


@pytest.fixture
def unnamed(db):
    shoe = Shoe.objects.create(name="Peg 38")
    road = Activity.objects.create(
        date=dt.date(2025, 10, 6), sport="running", distance_m=6200.0, duration_s=2007.0, shoe=shoe
    )
    trail = Activity.objects.create(
        date=dt.date(2025, 10, 8), sport="trail_running", distance_m=9000.0, duration_s=3600.0, shoe=shoe
    )
    named = Activity.objects.create(
        date=dt.date(2025, 10, 9), sport="trail_running", workout_name="Hill loop", distance_m=5000.0
    )
    return road, trail, named, shoe


def _html(client, name: str, *args, **query) -> str:
    response = client.get(reverse(name, args=args), query)
    assert response.status_code == 200
    return response.content.decode()


def _what_cells(page: str) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>", " ", cell).split())
        for cell in re.findall(r'<td class="what">(.*?)</td>', page)
    ]


def test_the_activity_list_names_an_unnamed_run_by_its_sport(admin_client, unnamed):
    cells = _what_cells(_html(admin_client, "review:activity_list", sport="all"))
    # Newest first: the named trail run keeps its name and says its sport; the others are their sport.
    assert cells == ["Hill loop trail running", "Trail running", "Running"]


def test_the_activity_page_heads_and_titles_an_unnamed_run_by_its_sport(admin_client, unnamed):
    road, trail, _, _ = unnamed
    page = _html(admin_client, "review:activity_detail", trail.pk)
    assert "<title>Trail running, 8 Oct 2025 · RunBase</title>" in page
    assert "<h1>Trail running" in page
    assert "trail_running" not in page.split("<body")[0]
    assert "<title>Running, 6 Oct 2025 · RunBase</title>" in _html(
        admin_client, "review:activity_detail", road.pk
    )


def test_a_shoe_page_and_the_calendar_name_an_unnamed_run_by_its_sport(admin_client, unnamed):
    *_, shoe = unnamed
    assert ">Trail running</a>" in _html(admin_client, "review:shoe_detail", shoe.pk)
    calendar = _html(admin_client, "review:calendar", month="2025-10")
    assert 'title="Trail running · 9.00 km' in calendar and 'title="Running · 6.20 km' in calendar

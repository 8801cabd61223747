"""The training page with no run in its last 12 weeks says so and links the latest run, instead of
twelve rows of "0.00 km" (the demo's runs are October 2025; opened in November 2026 the page was blank)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from activities.models import Activity

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 30)


@pytest.fixture(autouse=True)
def today(monkeypatch):
    monkeypatch.setattr("review.views.analysis.home_today", lambda: TODAY)


def _run(day: dt.date, name: str = "", sport: str = "running") -> Activity:
    return Activity.objects.create(
        date=day, sport=sport, workout_name=name, distance_m=5000.0, duration_s=1500.0
    )


def _page(client) -> str:
    response = client.get(reverse("review:training"))
    assert response.status_code == 200
    return response.content.decode()


def test_an_empty_window_links_the_latest_run(admin_client):
    _run(dt.date(2025, 10, 6), "Easy")
    race = _run(dt.date(2025, 10, 18), "5k race")
    _run(dt.date(2026, 11, 1), "Spin", sport="cycling")  # a ride is not a run
    page = _page(admin_client)
    link = reverse("review:activity_detail", args=[race.pk])
    assert f'No run in these 12 weeks. The latest: <a href="{link}">5k race, Sat 18 Oct 2025</a>' in page
    assert f'<a href="{reverse("review:calendar")}?month=2025-10">calendar</a>' in page


def test_the_window_starts_with_the_week_eleven_weeks_before_this_one(admin_client):
    # This week starts on Monday 30 Nov 2026; eleven weeks before, on Monday 14 Sep (30 Nov − 77 days).
    _run(dt.date(2026, 9, 13), "Long run")  # Sunday: the week before the window
    assert "The latest: " in _page(admin_client) and "Long run, Sun 13 Sep 2026" in _page(admin_client)
    _run(dt.date(2026, 9, 14), "Tempo")
    assert "No run in these 12 weeks" not in _page(admin_client)


def test_without_any_run_nothing_is_pointed_at(admin_client):
    assert "No run in these 12 weeks" not in _page(admin_client)

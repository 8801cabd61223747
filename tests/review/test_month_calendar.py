"""A month without a run says so and points at the nearest months that have runs, instead of an empty
grid and "0.00 km in 0 runs" (the demo's runs are in October 2025: every later month opened blank)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from activities.models import Activity
from review.month_calendar import calendar_month, runs_around

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 11, 30)


def _run(day: dt.date, sport: str = "running") -> None:
    Activity.objects.create(date=day, sport=sport, distance_m=8000.0, duration_s=2400.0)


def _around(year: int, month: int) -> tuple[dt.date | None, dt.date | None]:
    return runs_around(calendar_month(month=dt.date(year, month, 1), today=TODAY))


def test_an_empty_month_points_at_the_nearest_months_with_runs():
    _run(dt.date(2025, 10, 18))
    _run(dt.date(2025, 10, 6))
    _run(dt.date(2026, 2, 1))
    _run(dt.date(2026, 3, 30))
    _run(dt.date(2026, 1, 15), sport="cycling")  # a ride is not a run: January stays empty
    assert _around(2026, 1) == (dt.date(2025, 10, 1), dt.date(2026, 2, 1))
    assert _around(2026, 11) == (dt.date(2026, 3, 1), None)
    assert _around(2025, 9) == (None, dt.date(2025, 10, 1))
    assert _around(2025, 10) == (None, None)  # it has runs: nothing to point at


def test_the_calendar_page_links_the_nearest_months_with_runs(admin_client, monkeypatch):
    monkeypatch.setattr("review.selectors.home_today", lambda: TODAY)
    _run(dt.date(2025, 10, 18))
    page = admin_client.get(reverse("review:calendar")).content.decode()
    assert "No run in November 2026. The latest before it: " in page
    assert '<a href="?month=2025-10">October 2025</a>.' in page
    assert "0 runs" not in page


def test_a_calendar_with_no_run_at_all_says_none_was_imported(admin_client):
    page = admin_client.get(reverse("review:calendar"), {"month": "2025-10"}).content.decode()
    assert "No run in October 2025. No run has been imported yet." in page

"""The dashboard in Chromium: running totals in the runner's units, the last week with runs when the
last 7 days are empty, sync sentences, and a 390 px phone with nothing scrolling sideways."""

from __future__ import annotations

import datetime as dt

import pytest

from activities.models import RunnerProfile
from ingest.models import SyncState
from review.selectors import home_today
from tests.support.browser import DESKTOP, PHONE
from tests.support.run_history import run_on, runs_before

pytestmark = pytest.mark.browser


def _text(browser, css: str = "body") -> str:
    from selenium.webdriver.common.by import By

    return browser.driver.find_element(By.CSS_SELECTOR, css).text


def test_the_last_7_days_show_in_miles_for_a_runner_who_chose_miles(signed_in, runner):
    RunnerProfile.objects.create(user=runner, units="imperial")
    today = home_today()
    run_on(today, 16.09344, minutes=80)  # 10 miles
    run_on(today - dt.timedelta(days=2), 40, sport="cycling", minutes=90)  # a ride: not running
    signed_in.open("/")
    week = _text(signed_in, "#week")
    assert "10.00 mi" in week and "1 run" in week and "1:20:00" in week
    assert "km" not in week


def test_an_empty_week_names_the_last_week_with_runs(signed_in):
    runs_before(home_today(), [10, 12])
    SyncState.objects.create(
        name="files",
        last_summary="imported=2 updated=0 unchanged=5 failed=1",
        last_error="bad.fit: truncated",
    )
    signed_in.open("/")
    assert "0 runs" in _text(signed_in, "#week")
    last = _text(signed_in, "#last-week")
    assert last.startswith("No run in the last 7 days. Last week with runs:")
    assert "km" in last and "run" in last
    assert "Imported 2 new runs, 5 unchanged; 1 file failed: bad.fit: truncated." in _text(signed_in)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        signed_in.size(size)
        signed_in.open("/")
        signed_in.screenshot(f"dashboard-{label}")
        if size == PHONE:
            assert signed_in.horizontal_overflow() == 0

"""The activity list and the month calendar in Chromium: sorting by a column header, the totals of the
filtered set, a pager that keeps the filter, and both pages on a 390 px phone."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.browser import DESKTOP, PHONE
from tests.support.page_waits import wait_for_text, wait_until
from tests.support.run_history import run_on

pytestmark = pytest.mark.browser


def _names(browser) -> list[str]:
    from selenium.webdriver.common.by import By

    return [cell.text for cell in browser.driver.find_elements(By.CSS_SELECTOR, "table.runs td.what")]


def _text(browser, css: str = "body") -> str:
    from selenium.webdriver.common.by import By

    return browser.driver.find_element(By.CSS_SELECTOR, css).text


@pytest.fixture
def october(transactional_db):
    """Four runs and a ride in October 2025."""
    run_on(dt.date(2025, 10, 1), 5, minutes=22, workout_name="Tempo", avg_hr=150)
    run_on(dt.date(2025, 10, 6), 12, minutes=60, workout_name="Long", avg_hr=140, total_ascent_m=120)
    run_on(dt.date(2025, 10, 8), 8, minutes=50, sport="trail_running", workout_name="Hills", avg_hr=145)
    run_on(dt.date(2025, 10, 9), 6, minutes=27, workout_name="Intervals", avg_hr=160)
    run_on(dt.date(2025, 10, 9), 40, minutes=90, sport="cycling", workout_name="Commute")


def test_a_click_on_distance_sorts_by_it_and_the_totals_cover_the_running(signed_in, october):
    from selenium.webdriver.common.by import By

    signed_in.open("/activities/")
    assert _names(signed_in) == ["Intervals", "Hills trail running", "Long", "Tempo"]  # the ride left out
    totals = _text(signed_in, "#totals")
    assert totals.startswith("4 activities · 31.00 km · 2:39:00 moving · 120 m climbed")
    signed_in.driver.find_element(By.LINK_TEXT, "Distance").click()
    longest = ["Long", "Hills", "Intervals", "Tempo"]
    wait_until(signed_in, lambda: [n.split()[0] for n in _names(signed_in)] == longest)
    assert "sort=-distance" in signed_in.driver.current_url
    signed_in.driver.find_element(By.PARTIAL_LINK_TEXT, "Distance").click()  # again: shortest first
    wait_until(signed_in, lambda: [n.split()[0] for n in _names(signed_in)] == longest[::-1])
    assert signed_in.driver.current_url.endswith("sort=distance")
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        signed_in.size(size)
        signed_in.screenshot(f"activity-list-{label}")
        if size == PHONE:
            assert signed_in.horizontal_overflow() == 0


def test_the_pager_keeps_the_sport_filter_and_the_sort(signed_in, monkeypatch):
    from selenium.webdriver.common.by import By

    monkeypatch.setattr("review.views.activities.PAGE_SIZE", 3)
    for day in range(1, 8):
        run_on(dt.date(2025, 10, day), 30 + day, minutes=90, sport="cycling", workout_name=f"Ride {day}")
    run_on(dt.date(2025, 10, 8), 10, workout_name="Run")
    signed_in.open("/activities/?sport=cycling&sort=-distance")
    assert _text(signed_in, "#totals").startswith("7 activities")
    assert [n.split()[0:2] for n in _names(signed_in)] == [["Ride", "7"], ["Ride", "6"], ["Ride", "5"]]
    signed_in.driver.find_element(By.CSS_SELECTOR, ".pager a[rel=next]").click()
    second = [["Ride", "4"], ["Ride", "3"], ["Ride", "2"]]
    wait_until(signed_in, lambda: [n.split()[0:2] for n in _names(signed_in)] == second)
    assert "page=2" in signed_in.driver.current_url and "sport=cycling" in signed_in.driver.current_url
    assert _text(signed_in, "#totals").startswith("7 activities")


def test_the_calendar_shows_each_days_runs_and_the_week_totals(signed_in, october):
    from selenium.webdriver.common.by import By

    signed_in.open("/calendar/?month=2025-10")
    assert _text(signed_in, "h1") == "October 2025"
    weeks = signed_in.driver.find_elements(By.CSS_SELECTOR, ".calendar .cal-row:not(.cal-head)")
    assert len(weeks) == 5  # 29 Sep .. 2 Nov, Monday to Sunday
    second = weeks[1]
    assert "26.00 km" in second.find_element(By.CSS_SELECTOR, ".week-total").text  # the ride not added
    assert "40.00 km" in second.text  # but shown on its day
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        signed_in.size(size)
        signed_in.screenshot(f"calendar-{label}")
        if size == PHONE:
            assert signed_in.horizontal_overflow() == 0
    signed_in.size(DESKTOP)
    signed_in.driver.find_element(By.CSS_SELECTOR, ".month-nav a[rel=next]").click()
    wait_for_text(signed_in, "November 2025", "h1")
    assert "month=2025-11" in signed_in.driver.current_url
    signed_in.open("/calendar/")
    assert len(signed_in.driver.find_elements(By.CSS_SELECTOR, ".day.today")) == 1

"""The runner's decisions in Chromium: resolving a conflict by source and by a typed value, bulk approval
behind its confirmation page, undo, detach and edits on the activity page; the conflict pages fit a
390 px phone. Screenshots of each page at both widths go to the screenshot folder."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from activities.models import Activity, ActivitySource, RunnerProfile, Shoe
from reconcile.models import Conflict, Decision, ManualOverride
from reconcile.services import conflict_resolve, reconcile_run
from tests.support.browser import DESKTOP, PHONE
from tests.support.records import MILE, fit, strava, xlsx

pytestmark = pytest.mark.browser
START = dt.datetime(2024, 5, 1, 13, 30, tzinfo=dt.UTC)


@pytest.fixture
def treadmill(transactional_db) -> Activity:
    """A watch file and Strava 6 % over the log's 5.0 mi (a pending distance conflict; heart rates a
    little apart, auto-resolved), and a second run the day after with its own small disagreements."""
    fit("a" * 64, START, 5 * MILE * 1.06, avg_hr=150.0)
    strava("9", START, 5 * MILE * 1.06, avg_hr=152.0)
    xlsx(dt.date(2024, 5, 1), 5.0)
    fit("b" * 64, START + dt.timedelta(days=1), 10700.0, avg_hr=141.0)
    strava("10", START + dt.timedelta(days=1), 10702.0, avg_hr=143.0)
    reconcile_run()
    return Activity.objects.get(date=dt.date(2024, 5, 1))


@pytest.fixture
def imperial(runner):
    RunnerProfile.objects.create(user=runner, units="imperial")
    return runner


def _by_css(browser, css):
    from selenium.webdriver.common.by import By

    return browser.driver.find_element(By.CSS_SELECTOR, css)


def _message(browser) -> str:
    """The message the page shows after a form was sent (waits for the next page to arrive)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    found = WebDriverWait(browser.driver, 10).until(lambda d: d.find_elements(By.CSS_SELECTOR, ".messages"))
    return found[0].text


def _both_sizes(browser, path, name):
    """Open `path` at desktop and phone width, screenshot each; nothing may scroll sideways on the phone."""
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        browser.size(size)
        browser.open(path)
        browser.screenshot(f"{name}-{label}")
        if size == PHONE:
            assert browser.horizontal_overflow() == 0, name
    browser.size(DESKTOP)


def _distance_conflict() -> Conflict:
    return Conflict.objects.get(field_name="distance_m", activity__date=dt.date(2024, 5, 1))


def test_resolving_by_picking_a_source_and_reopening_shows_that_choice(signed_in, treadmill):
    conflict = _distance_conflict()
    _both_sizes(signed_in, "/conflicts/", "conflict-list")
    _both_sizes(signed_in, f"/conflicts/{conflict.pk}/", "conflict-detail")
    page = _by_css(signed_in, "main").text
    assert "Distance of" in page and "Watch file" in page and "Training log" in page

    _by_css(signed_in, "label[for=choice-strava]").click()
    _by_css(signed_in, "form.resolve button[type=submit]").click()

    assert "Distance of" in _message(signed_in)
    conflict.refresh_from_db()
    assert (conflict.status, conflict.resolved_source) == (Conflict.Status.MANUAL_RESOLVED, "strava")
    signed_in.open(f"/conflicts/{conflict.pk}/")
    assert _by_css(signed_in, "#choice-strava").is_selected()
    assert not _by_css(signed_in, "#choice-master_xlsx").is_selected()


def test_a_value_typed_in_miles_is_stored_in_metres_and_shown_in_miles(signed_in, treadmill, imperial):
    conflict = _distance_conflict()
    signed_in.open(f"/conflicts/{conflict.pk}/")
    _by_css(signed_in, "label[for=choice-custom]").click()
    _by_css(signed_in, "input[name=custom_value]").send_keys("6.2 mi")
    _by_css(signed_in, "form.resolve button[type=submit]").click()

    assert "set to 6.20 mi" in _message(signed_in)
    assert ManualOverride.objects.get(field_name="distance_m").value == pytest.approx(9977.93, abs=0.01)
    signed_in.open(f"/conflicts/{conflict.pk}/")
    assert _by_css(signed_in, "#choice-custom").is_selected()
    assert _by_css(signed_in, "input[name=custom_value]").get_attribute("value") == "6.20 mi"
    assert "You chose 6.20 mi" in _by_css(signed_in, "p.status").text


def test_bulk_approval_shows_what_it_approves_and_approves_nothing_before_confirming(signed_in, treadmill):
    waiting = Conflict.objects.filter(status=Conflict.Status.AUTO_RESOLVED)
    assert waiting.count() >= 3
    signed_in.open("/conflicts/")
    _by_css(signed_in, ".approve-banner a").click()
    page = _by_css(signed_in, "main").text
    assert "Approve automatic choices" in page and "Avg HR" in page and "Watch file" in page
    assert not Conflict.objects.filter(approved_at__isnull=False).exists()
    _both_sizes(signed_in, "/conflicts/approve-auto-resolved", "approve-confirm")

    _by_css(signed_in, "form.approve button[type=submit]").click()

    assert f"Approved {waiting.count()} auto-resolved conflict(s)." in _message(signed_in)
    assert not waiting.filter(approved_at__isnull=True).exists()


def test_a_resolution_is_undone_from_the_activity_page(signed_in, treadmill, runner):
    conflict_resolve(conflict=_distance_conflict(), source="fit_file", resolved_by=runner)
    _both_sizes(signed_in, f"/activities/{treadmill.pk}/", "activity-history")
    history = _by_css(signed_in, "ol.history").text
    assert "Distance set to 8.53 km (Watch file)" in history and "runner" in history

    _by_css(signed_in, "ol.history form.undo button").click()

    assert "Undone: Distance set to 8.53 km (Watch file)." in _message(signed_in)
    assert _distance_conflict().status == Conflict.Status.PENDING
    assert not ManualOverride.objects.exists()
    assert "Undid: Distance set to 8.53 km (Watch file)" in _by_css(signed_in, "ol.history").text


def test_a_detached_record_becomes_its_own_run_and_stays_one_after_reconcile_all(signed_in, treadmill):
    from selenium.webdriver.common.by import By

    signed_in.open(f"/activities/{treadmill.pk}/")
    _both_sizes(signed_in, f"/activities/{treadmill.pk}/", "activity-decisions")
    record = ActivitySource.objects.get(source="strava", source_id="9")
    form = _by_css(signed_in, f"form.detach input[name=record][value='{record.pk}']").find_element(
        By.XPATH, ".."
    )
    form.find_element(By.CSS_SELECTOR, "button").click()

    assert "Strava · Morning Run is now a run of its own: Wed 1 May 2024 · Morning Run" in _message(signed_in)
    record.refresh_from_db()
    assert record.activity_id not in (None, treadmill.pk)
    call_command("reconcile", "--all", "--quiet")
    record.refresh_from_db()
    assert record.activity_id != treadmill.pk
    assert Decision.objects.filter(kind=Decision.Kind.DETACH).count() == 1


def test_the_name_and_shoe_are_edited_on_the_activity_page(signed_in, treadmill):
    shoe = Shoe.objects.create(name="Ghost 15")
    signed_in.open(f"/activities/{treadmill.pk}/")
    name = _by_css(signed_in, "form.edit-activity input[name=workout_name]")
    name.clear()
    name.send_keys("Treadmill 5 miler")
    _by_css(signed_in, "form.edit-activity input[name=shoe]").send_keys("ghost-15")
    _by_css(signed_in, "form.edit-activity button[type=submit]").click()

    assert "Saved" in _message(signed_in)
    treadmill.refresh_from_db()
    assert (treadmill.workout_name, treadmill.shoe) == ("Treadmill 5 miler", shoe)
    assert (
        "Workout name set to Treadmill 5 miler; Shoe set to Ghost 15" in _by_css(signed_in, "ol.history").text
    )
    call_command("reconcile", "--all", "--quiet")
    treadmill.refresh_from_db()
    assert (treadmill.workout_name, treadmill.shoe) == ("Treadmill 5 miler", shoe)

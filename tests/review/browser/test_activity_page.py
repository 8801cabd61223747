"""The activity page in Chromium: a real watch file's route on the offline map, the chart readout under
the cursor on every chart at once, lap rows lighting up their stretch, the local start time, no sideways
scroll on a phone — and a treadmill run without a map."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.support.browser import DESKTOP, PHONE

pytestmark = pytest.mark.browser

FENIX_RUN = "fit/runs/activity-small-fenix2-run.fit"


def _imported_run(samples):
    """The Fenix 2 run (9 km with GPS) through the file import and a real reconcile."""
    from activities.models import Activity
    from ingest.files import files_import_paths
    from reconcile.services import reconcile_run

    files_import_paths(paths=[samples / FENIX_RUN], workers=1)
    reconcile_run()
    return Activity.objects.get()


def _treadmill_run():
    from activities.models import Activity, ActivitySource
    from tests.support.factories import fit_record, run_samples

    samples = run_samples(seconds=900)
    samples.lat = [None] * len(samples.time)
    samples.lon = [None] * len(samples.time)
    record = fit_record(samples=samples, name="treadmill")
    activity = Activity.objects.create(
        date=dt.date(2024, 5, 1), start_time=record.start_time, utc_offset_s=7200, sport="running"
    )
    ActivitySource.objects.filter(pk=record.pk).update(activity=activity)
    return activity


def _wait_for(driver, css: str, timeout: float = 10):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(ec.presence_of_element_located((By.CSS_SELECTOR, css)))


def _readouts(driver) -> list[str]:
    from selenium.webdriver.common.by import By

    return [e.text for e in driver.find_elements(By.CSS_SELECTOR, "figure.chart .chart-value")]


def _hover_chart(driver, share: float) -> None:
    """Move the mouse to `share` of the way across the pace chart."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    svg = driver.find_element(By.CSS_SELECTOR, "figure.chart-pace svg")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", svg)
    width = svg.size["width"]
    ActionChains(driver).move_to_element_with_offset(svg, int(width * (share - 0.5)), 0).perform()


def test_a_gps_run_shows_its_route_readouts_and_local_time(signed_in, samples):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    activity = _imported_run(samples)
    driver = signed_in.driver
    for name, size in (("activity-desktop", DESKTOP), ("activity-phone", PHONE)):
        signed_in.size(size)
        signed_in.open(f"/activities/{activity.pk}/")
        # Leaflet draws the route as an SVG path inside the map: with no tile URL, on a plain background.
        route = _wait_for(driver, "#route-map .leaflet-overlay-pane svg path")
        assert route.get_attribute("d").count("L") > 100
        assert not driver.find_elements(By.CSS_SELECTOR, "#route-map .leaflet-tile")
        heading = driver.find_element(By.CSS_SELECTOR, "h1 time")
        assert heading.text == _local_start(activity)
        assert heading.get_attribute("title").endswith(" UTC")

        assert _readouts(driver) == ["", "", "", ""]
        _hover_chart(driver, 0.5)
        readouts = _readouts(driver)
        # Every chart shows its value at the same moment, about half way (4.5 of 9 km).
        assert len(readouts) == 4 and all(" km · " in text for text in readouts)
        pace, hr, elevation, cadence = readouts
        assert pace.split(" · ")[0].endswith(" /km") and hr.split(" · ")[0].endswith(" bpm")
        assert elevation.split(" · ")[0].endswith(" m") and cadence.split(" · ")[0].endswith(" spm")
        assert len({text.split(" · ", 1)[1] for text in readouts}) == 1  # one place and time for all
        # Half way (4.5 km) is in the third lap, which runs from 3.84 km to 6.82 km: its row is marked.
        current = driver.find_elements(By.CSS_SELECTOR, "tr.current[data-lap]")
        assert [row.get_attribute("data-lap") for row in current] == ["2"]
        # The cursor's moment is a dot on the route.
        assert driver.find_elements(By.CSS_SELECTOR, "#route-map path.leaflet-interactive") != []
        assert len(driver.find_elements(By.CSS_SELECTOR, "#route-map .leaflet-overlay-pane path")) >= 4

        lap = driver.find_element(By.CSS_SELECTOR, "tr[data-lap]")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", lap)
        ActionChains(driver).move_to_element(lap).perform()
        assert "active" in lap.get_attribute("class")
        number = lap.get_attribute("data-lap")
        bands = driver.find_elements(By.CSS_SELECTOR, f'rect.lap-band[data-lap="{number}"]')
        assert len(bands) == 4 and all("active" in b.get_attribute("class") for b in bands)

        assert signed_in.horizontal_overflow() == 0
        _show_cursor_for_the_screenshot(driver)
        signed_in.screenshot(name)


def _show_cursor_for_the_screenshot(driver) -> None:
    """Put the cursor 30 % across through charts.js's own API, with the mouse off the charts (the
    screenshot resizes the window, and a mouse over a chart would then leave it)."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    driver.execute_script("window.scrollTo(0, 0)")
    ActionChains(driver).move_to_element(driver.find_element(By.TAG_NAME, "h1")).perform()
    driver.execute_script("window.RunBaseCharts.show('activity', 300)")


def _local_start(activity) -> str:
    from activities.formatting import format_local_time

    return format_local_time(activity.start_time, activity.utc_offset_s)


def test_a_treadmill_run_has_charts_but_no_map(signed_in):
    from selenium.webdriver.common.by import By

    activity = _treadmill_run()
    driver = signed_in.driver
    for name, size in (("activity-treadmill-desktop", DESKTOP), ("activity-treadmill-phone", PHONE)):
        signed_in.size(size)
        signed_in.open(f"/activities/{activity.pk}/")
        _wait_for(driver, "figure.chart svg")
        assert driver.find_elements(By.ID, "route-map") == []
        assert driver.find_element(By.CSS_SELECTOR, "h1 time").text == "Wed 1 May 2024, 18:30 (UTC+02:00)"
        _hover_chart(driver, 0.5)
        assert all(text for text in _readouts(driver))
        assert signed_in.horizontal_overflow() == 0
        signed_in.screenshot(name)


def test_with_a_tile_url_the_route_lies_on_that_map(signed_in, settings, live_server):
    """Tiles come from the configured server (here the test's own, which answers 404: no internet)."""
    from selenium.webdriver.common.by import By

    settings.RUNBASE_MAP_TILES = live_server.url + "/tiles/{z}/{x}/{y}.png"
    settings.RUNBASE_MAP_ATTRIBUTION = "© Test tiles"
    activity = _gps_factory_run()
    driver = signed_in.driver
    signed_in.open(f"/activities/{activity.pk}/")
    tile = _wait_for(driver, "#route-map img.leaflet-tile")
    assert tile.get_attribute("src").startswith(live_server.url + "/tiles/")
    assert (
        "© Test tiles" in driver.find_element(By.CSS_SELECTOR, "#route-map .leaflet-control-attribution").text
    )
    assert driver.find_elements(By.CSS_SELECTOR, "#route-map .leaflet-overlay-pane svg path")


def test_an_imperial_runner_reads_miles_on_the_charts(signed_in, runner):
    from activities.preferences import units_choose

    units_choose(user=runner, units="imperial")
    activity = _gps_factory_run()
    driver = signed_in.driver
    signed_in.size(PHONE)
    signed_in.open(f"/activities/{activity.pk}/")
    _wait_for(driver, "figure.chart svg")
    _hover_chart(driver, 0.5)
    pace, hr, elevation, cadence = _readouts(driver)
    assert pace.split(" · ")[0].endswith(" /mi") and " mi · " in pace
    assert elevation.split(" · ")[0].endswith(" ft")
    assert hr.split(" · ")[0].endswith(" bpm") and cadence.split(" · ")[0].endswith(" spm")
    assert signed_in.horizontal_overflow() == 0


def _gps_factory_run():
    """The factories' 30-minute run with GPS, as its own activity."""
    from activities.models import Activity, ActivitySource
    from tests.support.factories import fit_record

    record = fit_record()
    activity = Activity.objects.create(
        date=dt.date(2024, 5, 1), start_time=record.start_time, utc_offset_s=7200, sport="running"
    )
    ActivitySource.objects.filter(pk=record.pk).update(activity=activity)
    return activity


def test_a_tap_on_a_phone_leaves_the_readout_to_read(signed_in):
    """A finger lifts before the runner reads: the tapped moment stays on every chart."""
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.actions import interaction
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from selenium.webdriver.common.actions.pointer_input import PointerInput
    from selenium.webdriver.common.by import By

    activity = _gps_factory_run()
    driver = signed_in.driver
    signed_in.size(PHONE)
    signed_in.open(f"/activities/{activity.pk}/")
    svg = _wait_for(driver, "figure.chart-hr svg")
    driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", svg)
    finger = PointerInput(interaction.POINTER_TOUCH, "finger")
    actions = ActionChains(driver)
    actions.w3c_actions = ActionBuilder(driver, mouse=finger)
    actions.w3c_actions.pointer_action.move_to(svg).pointer_down().pause(0.1).pointer_up()
    actions.perform()
    readouts = _readouts(driver)
    assert len(readouts) == 4 and all(" km · " in text for text in readouts)
    assert (
        driver.find_element(By.CSS_SELECTOR, "figure.chart-hr .chart-cursor").get_attribute("visibility")
        == "visible"
    )

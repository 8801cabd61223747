"""The analysis pages in Chromium: each at desktop width and on a 390 px phone with nothing scrolling
sideways (the dashboard with its analysis card too), and a chart's readout appearing when the pointer
moves over it. Screenshots of every page at both sizes go to the screenshot folder."""

from __future__ import annotations

import pytest

from activities.models import Shoe
from activities.training_load import home_today
from tests.support.analysis_history import analysis_history
from tests.support.browser import DESKTOP, PHONE

pytestmark = pytest.mark.browser

PAGES = {"training": "/training/", "records": "/records/", "shoes": "/shoes/", "trends": "/trends/"}


@pytest.fixture
def history(transactional_db):
    analysis_history(runs=400, end=home_today())
    return Shoe.objects.order_by("pk").first()


@pytest.mark.parametrize("name", [*PAGES, "shoe", "dashboard-analysis"])
def test_each_page_fits_a_phone_and_a_desktop(signed_in, history, name):
    path = PAGES.get(name) or (f"/shoes/{history.pk}/" if name == "shoe" else "/")
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        signed_in.size(size)
        signed_in.open(path)
        assert "Log in" not in signed_in.driver.title
        signed_in.screenshot(f"{name}-{label}")
        if size == PHONE:
            assert signed_in.horizontal_overflow() == 0, name


@pytest.mark.parametrize("path", ["/training/", "/records/", "/trends/"])
def test_hovering_a_chart_shows_its_readout(signed_in, history, path):
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By

    signed_in.open(path)
    figure = signed_in.driver.find_element(By.CSS_SELECTOR, "figure.chart[data-chart-group]")
    svg = figure.find_element(By.TAG_NAME, "svg")
    signed_in.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", svg)
    ActionChains(signed_in.driver).move_to_element_with_offset(svg, svg.size["width"] // 4, 0).perform()
    readout = figure.find_element(By.CSS_SELECTOR, "output.chart-value").text
    assert readout and "·" in readout
    cursor = figure.find_element(By.CSS_SELECTOR, "line.chart-cursor")
    assert cursor.get_attribute("visibility") == "visible"

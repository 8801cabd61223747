"""The shell in Chromium: signing in and out through RunBase's own pages, a protected page sending a
visitor to sign in, the friendly 404, and the menu on a 390 px phone (readable, nothing sideways)."""

from __future__ import annotations

import pytest

from tests.support.browser import DESKTOP, PHONE
from tests.support.page_waits import WAIT_S, text_of, wait_for_text, wait_until

pytestmark = pytest.mark.browser


def _text(browser) -> str:
    from selenium.webdriver.common.by import By

    return browser.driver.find_element(By.TAG_NAME, "body").text


def test_a_wrong_password_is_refused_and_the_right_one_opens_the_page_asked_for(browser, runner):

    browser.open("/calendar/")
    assert browser.driver.current_url.endswith("/login/?next=/calendar/")
    assert "Sign in to see that page." in _text(browser)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        browser.size(size)
        browser.screenshot(f"login-{label}")
        if size == PHONE:
            assert browser.horizontal_overflow() == 0
    _fill(browser, "runner", "wrong horse")
    error = wait_for_text(browser, "Please enter a correct username and password", ".panel")
    assert "Sign in to RunBase" in error
    browser.screenshot("login-refused-phone")
    _fill(browser, "runner", "correct horse battery")  # the form kept where the runner was going
    wait_for_text(browser, "Distances in")
    assert browser.driver.current_url.endswith("/calendar/")
    assert "Distances in" in _text(browser)


def _fill(browser, username: str, password: str) -> None:
    """Type and sign in, then wait until the form's page has gone: the next read is of the answer."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    for name, value in (("username", username), ("password", password)):
        field = browser.driver.find_element(By.NAME, name)
        field.clear()
        field.send_keys(value)
    submit = browser.driver.find_element(By.CSS_SELECTOR, "form [type=submit]")
    submit.click()
    WebDriverWait(browser.driver, WAIT_S).until(expected_conditions.staleness_of(submit))


def test_logging_out_ends_on_the_signed_out_page(browser, runner):
    from selenium.webdriver.common.by import By

    _signed_in(browser)
    browser.driver.find_element(By.XPATH, "//button[normalize-space()='Log out']").click()
    wait_for_text(browser, "You are signed out")
    assert "You are signed out" in _text(browser)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        browser.size(size)
        browser.screenshot(f"signed-out-{label}")
        if size == PHONE:
            assert browser.horizontal_overflow() == 0
    browser.open("/activities/")
    assert "/login/" in browser.driver.current_url


def test_the_phone_menu_opens_and_shows_the_runner_and_log_out_readably(signed_in):
    from selenium.webdriver.common.by import By

    signed_in.size(PHONE)
    signed_in.open("/")
    logout = signed_in.driver.find_element(By.XPATH, "//button[normalize-space()='Log out']")
    assert not logout.is_displayed()  # folded behind the Menu button
    signed_in.driver.find_element(By.CSS_SELECTOR, "label.menu-button").click()
    assert logout.is_displayed()
    who = signed_in.driver.find_element(By.CSS_SELECTOR, ".who")
    assert who.text == "runner"
    for element in (logout, who):  # light text on the dark header, never white on white
        colour = element.value_of_css_property("color")
        header = signed_in.driver.find_element(By.CSS_SELECTOR, ".site-header")
        assert colour != header.value_of_css_property("background-color")
        assert _luminance(colour) > 0.5 > _luminance(header.value_of_css_property("background-color"))
    assert signed_in.horizontal_overflow() == 0
    signed_in.screenshot("menu-phone")


def test_the_units_switch_in_the_menu_changes_the_units_shown(signed_in):
    from selenium.webdriver.common.by import By

    signed_in.open("/calendar/")
    switch = wait_until(
        signed_in,
        lambda: signed_in.driver.find_element(By.CSS_SELECTOR, ".units-switch button[value=imperial]"),
    )
    switch.click()
    wait_for_text(signed_in, "Showing miles and feet.")
    assert signed_in.driver.current_url.endswith("/calendar/")
    assert " mi" in _text(signed_in)


def test_an_unknown_address_shows_the_friendly_page(signed_in, settings):
    signed_in.open("/no/such/run/")
    assert "Nothing here" in _text(signed_in)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        signed_in.size(size)
        signed_in.screenshot(f"not-found-{label}")
        if size == PHONE:
            assert signed_in.horizontal_overflow() == 0


def _signed_in(browser) -> None:
    """Log in as the runner and wait for the page after the form."""

    browser.login("runner", "correct horse battery")
    wait_for_text(browser, "Log out")


def _luminance(css_colour: str) -> float:
    """`rgba(241, 244, 247, 1)` → 0..1 (plain average: enough to tell light text from a dark bar)."""
    values = css_colour[css_colour.index("(") + 1 : css_colour.index(")")].split(",")
    return sum(int(float(v)) for v in values[:3]) / (3 * 255)


def test_a_server_error_shows_the_friendly_page(browser, settings):
    settings.ROOT_URLCONF = "tests.review.failing_urls"
    browser.open("/boom/")
    assert "Something went wrong" in text_of(browser)
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        browser.size(size)
        browser.screenshot(f"server-error-{label}")
        if size == PHONE:
            assert browser.horizontal_overflow() == 0

"""Waiting for a page after a click: a form's POST and redirect take a moment, and an element read while
the old page is being replaced goes stale. These waits retry through both."""

from __future__ import annotations

WAIT_S = 20


def _wait(browser, condition):
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.support.ui import WebDriverWait

    # While a page is replaced, Chromium answers a read of the old one with a stale element, a missing
    # one, or an inspector error ("Node with given id does not belong to the document"): all retried.
    ignored = (WebDriverException,)
    return WebDriverWait(browser.driver, WAIT_S, ignored_exceptions=ignored).until(condition)


def text_of(browser, css: str = "body") -> str:
    from selenium.webdriver.common.by import By

    return browser.driver.find_element(By.CSS_SELECTOR, css).text


def wait_for_text(browser, text: str, css: str = "body") -> str:
    """Wait until the element `css` contains `text`; return its text."""
    return _wait(browser, lambda driver: text in text_of(browser, css) and text_of(browser, css))


def wait_for_url(browser, condition) -> str:
    """Wait until `condition(current_url)` holds; return the URL."""
    return _wait(browser, lambda driver: condition(driver.current_url) and driver.current_url)


def wait_until(browser, check):
    """Wait until `check()` is true (it may read elements of a page still loading); return its value."""
    return _wait(browser, lambda driver: check())

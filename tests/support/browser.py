"""Selenium over Debian's Chromium: the fixtures the review pages' browser tests share.

The browser is the one the `chromium` and `chromium-driver` packages put on PATH; Selenium Manager is
never asked to download one (there is no network in CI). Without Chromium the tests skip with one line
saying how to install it — except under CI (`CI=true`), where a skipped browser test is a failure.

Screenshots go to `RUNBASE_SCREENSHOT_DIR` (default `build/screenshots` under the project), which
`.ci/run` prints, so a person can look at every tested page at desktop and phone width.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

PROJECT_ROOT = Path(__file__).resolve().parents[2]
DESKTOP = (1400, 1000)
PHONE = (390, 844)
INSTALL_HINT = (
    "browser tests need Chromium: apt-get install chromium chromium-driver (and pip install selenium)"
)


def screenshot_dir() -> Path:
    folder = Path(os.environ.get("RUNBASE_SCREENSHOT_DIR", PROJECT_ROOT / "build" / "screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _binaries() -> tuple[str, str] | None:
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    driver = shutil.which("chromedriver")
    return (browser, driver) if browser and driver else None


def _unavailable(reason: str):
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"{reason} — {INSTALL_HINT} (CI must run the browser tests)")
    pytest.skip(f"{reason} — {INSTALL_HINT}")


def _missing() -> str:
    """Why the browser tests cannot run here, or "" when they can."""
    try:
        import selenium  # noqa: F401
    except ImportError:
        return "selenium is not installed"
    return "" if _binaries() else "chromium or chromedriver is not on PATH"


def pytest_collection_modifyitems(config, items) -> None:
    """Without Chromium, outside CI, the browser tests are skipped together, reported on one line."""
    browser_items = [item for item in items if item.get_closest_marker("browser")]
    reason = _missing() if browser_items else ""
    if not reason or os.environ.get("CI", "").lower() == "true":
        return  # under CI a missing browser fails each test through the fixture below
    config.stash[_SKIPPED] = (len(browser_items), reason)
    config.hook.pytest_deselected(items=browser_items)
    items[:] = [item for item in items if not item.get_closest_marker("browser")]


def pytest_terminal_summary(terminalreporter, config) -> None:
    count, reason = config.stash.get(_SKIPPED, (0, ""))
    if count:
        terminalreporter.write_line(f"{count} browser tests skipped: {reason} — {INSTALL_HINT}")


_SKIPPED = pytest.StashKey[tuple[int, str]]()


@pytest.fixture(scope="session")
def chromium_driver() -> Iterator[object]:
    """One headless Chromium for the session; each test gets it at desktop size with no cookies."""
    try:
        from selenium import webdriver
        from selenium.webdriver.chrome.service import Service
    except ImportError:
        _unavailable("selenium is not installed")
    found = _binaries()
    if found is None:
        _unavailable("chromium or chromedriver is not on PATH")
    browser, driver_path = found
    options = webdriver.ChromeOptions()
    options.binary_location = browser
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--hide-scrollbars",
        "--force-device-scale-factor=1",
    ):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=options)
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


class Browser:
    """A thin helper over the WebDriver: open a page of the live server, log in, size, screenshot."""

    def __init__(self, driver, base_url: str):
        self.driver = driver
        self.base_url = base_url

    def open(self, path: str) -> None:
        self.driver.get(self.base_url + path)

    def size(self, width_height: tuple[int, int]) -> None:
        """Make the page's viewport (not the window) exactly this size, as a phone's would be."""
        self.driver.set_window_size(*width_height)
        inner = self.driver.execute_script("return [window.innerWidth, window.innerHeight]")
        dx, dy = width_height[0] - inner[0], width_height[1] - inner[1]
        if dx or dy:
            self.driver.set_window_size(width_height[0] + dx, width_height[1] + dy)

    def login(self, username: str, password: str) -> None:
        """Sign in through RunBase's own login page, as a person would; return once the answer is there."""
        from selenium.webdriver.common.by import By
        from selenium.webdriver.support import expected_conditions
        from selenium.webdriver.support.ui import WebDriverWait

        self.open("/login/")
        self.driver.find_element(By.NAME, "username").send_keys(username)
        self.driver.find_element(By.NAME, "password").send_keys(password)
        submit = self.driver.find_element(By.CSS_SELECTOR, "form [type=submit]")
        submit.click()
        WebDriverWait(self.driver, 20).until(expected_conditions.staleness_of(submit))

    def sign_in_as(self, user) -> None:
        """Start a session for `user` without the login form (the login test covers the form)."""
        from django.conf import settings
        from django.test import Client

        client = Client()
        client.force_login(user)
        self.open("/favicon.ico")  # a cookie needs a page of the site open first
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        self.driver.add_cookie({"name": settings.SESSION_COOKIE_NAME, "value": session, "path": "/"})

    def horizontal_overflow(self) -> int:
        """How many CSS pixels the page is wider than its viewport (0 when nothing scrolls sideways)."""
        return self.driver.execute_script(
            "return document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )

    def screenshot(self, name: str) -> Path:
        """The whole page as `<name>.png` in the screenshot folder."""
        height = self.driver.execute_script("return document.documentElement.scrollHeight")
        width = self.driver.execute_script("return window.innerWidth")
        current = self.driver.get_window_size()
        self.driver.set_window_size(current["width"], max(current["height"], min(height + 140, 6000)))
        path = screenshot_dir() / f"{name}.png"
        self.driver.save_screenshot(str(path))
        self.driver.set_window_size(current["width"], current["height"])
        assert width > 0
        return path


@pytest.fixture
def browser(chromium_driver, live_server, transactional_db) -> Iterator[Browser]:
    """The session's Chromium on this test's live server, at desktop size and signed out."""
    helper = Browser(chromium_driver, live_server.url)
    helper.size(DESKTOP)
    chromium_driver.delete_all_cookies()
    yield helper
    chromium_driver.delete_all_cookies()


@pytest.fixture
def runner(transactional_db):
    """The runner: a superuser with a known password, as `createsuperuser` makes on a Mac."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("runner", "runner@example.com", "correct horse battery")


@pytest.fixture
def signed_in(browser, runner) -> Browser:
    """The browser with the runner signed in."""
    browser.sign_in_as(runner)
    return browser

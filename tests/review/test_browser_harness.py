"""The browser tests' harness decides, without a browser: on a machine without Chromium the README's
`pytest` skips them with one line saying what to install; under CI the same absence fails."""

import pytest

from tests.support import browser


def test_without_chromium_on_path_there_is_no_browser(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert browser._binaries() is None


def test_a_missing_browser_skips_with_one_line_naming_the_install(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        browser._unavailable("chromium or chromedriver is not on PATH")
    message = str(skipped.value)
    assert "\n" not in message
    assert message == (
        "chromium or chromedriver is not on PATH — browser tests need Chromium: "
        "apt-get install chromium chromium-driver (and pip install selenium)"
    )


def test_under_ci_a_missing_browser_fails_instead(monkeypatch):
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests"):
        browser._unavailable("chromium or chromedriver is not on PATH")

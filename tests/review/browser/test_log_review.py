"""The training-log review in Chromium: a doubtful row shown with its note and reasons, accepted with
one click; the bulk dismiss's confirmation; both widths, nothing sideways on a 390 px phone."""

from __future__ import annotations

import pytest

from activities.models import ActivitySource
from tests.support.browser import DESKTOP, PHONE
from tests.support.page_waits import wait_for_text
from tests.support.training_log import DOUBTFUL, flagged_log

pytestmark = pytest.mark.browser


def _text(browser, css: str = "body") -> str:
    from selenium.webdriver.common.by import By

    return browser.driver.find_element(By.CSS_SELECTOR, css).text


@pytest.fixture
def rows(transactional_db, tmp_path):
    return flagged_log(tmp_path)


def test_accepting_one_row_takes_it_off_the_list(signed_in, rows):
    from selenium.webdriver.common.by import By

    signed_in.open("/training-log/")
    first = _text(signed_in, f"#row-{rows[0].pk}")
    assert "Training log · Log, Wed 2 Jan 2013" in first and DOUBTFUL in first
    assert "The note was hard to read" in first
    for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
        signed_in.size(size)
        signed_in.screenshot(f"log-review-{label}")
        if size == PHONE:
            assert signed_in.horizontal_overflow() == 0
    signed_in.size(DESKTOP)
    signed_in.driver.find_element(By.CSS_SELECTOR, f"#row-{rows[0].pk} button[value=accept]").click()
    wait_for_text(signed_in, "accepted.", ".messages")
    assert not signed_in.driver.find_elements(By.CSS_SELECTOR, f"#row-{rows[0].pk}")
    assert signed_in.driver.find_elements(By.CSS_SELECTOR, f"#row-{rows[1].pk}")
    assert not ActivitySource.objects.get(pk=rows[0].pk).needs_review


def test_bulk_dismiss_shows_what_it_will_do_before_doing_it(signed_in, rows):
    from selenium.webdriver.common.by import By

    signed_in.size(PHONE)
    signed_in.open("/training-log/")
    for record in rows:
        signed_in.driver.find_element(By.CSS_SELECTOR, f"#row-{record.pk} input[name=rows]").click()
    signed_in.driver.find_element(By.CSS_SELECTOR, "#bulk button[value=dismiss]").click()
    wait_for_text(signed_in, "Dismiss 2 training-log rows?", "h1")
    assert signed_in.horizontal_overflow() == 0
    signed_in.screenshot("log-review-confirm-phone")
    assert ActivitySource.objects.filter(needs_review=True).count() == 2
    signed_in.driver.find_element(By.XPATH, "//button[normalize-space()='Yes, dismiss 2']").click()
    wait_for_text(signed_in, "Nothing to review")
    assert not ActivitySource.objects.filter(needs_review=True).exists()

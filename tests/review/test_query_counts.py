"""The shell's pages ask the database the same number of questions for a short and a long history."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.support.run_history import run_on
from tests.support.training_log import flagged_log

pytestmark = pytest.mark.django_db

PAGES = [
    "/",
    "/activities/",
    "/activities/?sport=all&sort=-pace",
    "/calendar/?month=2013-01",
    "/training-log/",
]


def _counts(client) -> dict[str, int]:
    counts = {}
    for url in PAGES:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url] = len(queries.captured_queries)
    return counts


def test_no_page_asks_more_for_a_longer_history(admin_client, tmp_path):
    flagged_log(tmp_path)
    run_on(dt.date(2013, 1, 5), 10)
    short = _counts(admin_client)
    for day in range(60):
        run_on(dt.date(2013, 1, 1) + dt.timedelta(days=day), 8, sport="running" if day % 3 else "cycling")
    assert _counts(admin_client) == short

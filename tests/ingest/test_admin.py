"""The processed-file admin: failed files are filtered and searched by their error."""

import pytest
from django.urls import reverse

from tests.support.factories import activity_with_sources, side_rows

pytestmark = pytest.mark.django_db

RUNBASE_APPS = {"activities", "ingest", "reconcile"}


@pytest.fixture
def data():
    activity = activity_with_sources()
    side_rows()
    return activity


def test_failed_files_filter_and_error_search(admin_client, data):
    url = reverse("admin:ingest_processedfile_changelist")
    response = admin_client.get(url, {"status__exact": "failed"})
    assert [f.name for f in response.context["cl"].result_list] == ["bad.fit"]
    assert admin_client.get(url, {"q": "header is broken"}).context["cl"].result_count == 1

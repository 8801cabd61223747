"""The processed-file admin: failed files are filtered and searched by their error."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_failed_files_filter_and_error_search(admin_client, review_data):
    url = reverse("admin:ingest_processedfile_changelist")
    response = admin_client.get(url, {"status__exact": "failed"})
    assert [f.name for f in response.context["cl"].result_list] == ["bad.fit"]
    assert admin_client.get(url, {"q": "header is broken"}).context["cl"].result_count == 1

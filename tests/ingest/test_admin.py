"""The processed-file admin: failed files are filtered and searched by their error."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_failed_files_filter_and_error_search(admin_client, review_data):
    url = reverse("admin:ingest_processedfile_changelist")
    response = admin_client.get(url, {"status__exact": "failed"})
    assert [f.name for f in response.context["cl"].result_list] == ["bad.fit"]
    assert admin_client.get(url, {"q": "header is broken"}).context["cl"].result_count == 1


def test_a_file_shows_the_copies_merged_into_it(admin_client, db):
    from ingest.models import ProcessedFile

    row = ProcessedFile.objects.create(
        sha256="a" * 64,
        path="/watch/run.fit",
        name="run.fit",
        route="files",
        size=10,
        raw_path="aa/a.fit",
        status="imported",
        copies=[{"path": "export.zip!activities/1.fit.gz", "route": "strava_export", "sha256": "b" * 64}],
    )

    page = admin_client.get(reverse("admin:ingest_processedfile_change", args=[row.pk])).content.decode()

    assert "Copies merged into it" in page and "export.zip!activities/1.fit.gz" in page

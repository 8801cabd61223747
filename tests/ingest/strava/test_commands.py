"""The Strava commands: one line per item, a summary line, CommandError with the message to act on."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from activities.models import Activity, ActivitySource
from tests.support.fake_http import FakeResponse

pytestmark = pytest.mark.django_db


def test_sync_strava_prints_items_and_a_summary(strava, tokens):
    out = io.StringIO()

    call_command("sync_strava", stdout=out)

    lines = out.getvalue().splitlines()
    assert any(line.startswith("created 16188899900 2025-10-22 running '6x800m'") for line in lines)
    assert lines[-1].startswith("created=6 updated=0 unchanged=0 failed=0 missing=0 deleted=0")


def test_sync_strava_quiet_prints_only_the_summary(strava, tokens):
    out = io.StringIO()

    call_command("sync_strava", "--quiet", stdout=out)

    assert out.getvalue().count("\n") == 1


def test_sync_strava_reconciles_only_when_asked(strava, tokens):
    out = io.StringIO()
    call_command("sync_strava", "--quiet", stdout=out)
    assert not Activity.objects.exists()

    call_command("sync_strava", "--quiet", "--reconcile", stdout=out)

    last = out.getvalue().splitlines()[-1]
    assert last.startswith("reconcile: created=") and Activity.objects.exists()
    assert not ActivitySource.objects.filter(source="strava", activity__isnull=True).exists()


def test_a_rate_limit_stop_exits_cleanly_with_the_resume_time(strava, tokens):
    strava.read_limits = (6, 1000)
    out = io.StringIO()

    call_command("sync_strava", "--quiet", stdout=out)

    assert "stopped_by_rate_limit" in out.getvalue()
    assert "Stopped by Strava's rate limit; run again after" in out.getvalue()


def test_an_inactive_app_is_a_command_error_pointing_to_the_export(strava, tokens):
    body = {
        "message": "Forbidden",
        "errors": [{"resource": "Application", "field": "Status", "code": "Inactive"}],
    }
    strava.fail(r"/api/v3/athlete", FakeResponse.json(body, status=403))

    with pytest.raises(CommandError, match="import_strava_export"):
        call_command("sync_strava", stdout=io.StringIO())


def test_sync_strava_since_rereads_from_that_date(strava, tokens):
    call_command("sync_strava", "--quiet", stdout=io.StringIO())
    out = io.StringIO()

    call_command("sync_strava", "--since", "2025-10-20", "--quiet", stdout=out)

    page = [r for r in strava.api_requests() if r.path == "/api/v3/athlete/activities"][-1]
    assert page.query["after"] == ["1760918400"]  # 2025-10-20T00:00Z
    assert out.getvalue().startswith("created=0 updated=0 unchanged=4")


def test_import_strava_export_prints_a_summary(samples):
    out = io.StringIO()

    call_command(
        "import_strava_export",
        str(samples / "strava/export/export_12345678.zip"),
        "--workers",
        "1",
        stdout=out,
    )

    assert out.getvalue().splitlines()[-1].startswith("created=7 updated=0 unchanged=0 kept_api=0 failed=0")


def test_import_strava_export_of_a_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="no such Strava export zip"):
        call_command("import_strava_export", str(tmp_path / "nope.zip"), stdout=io.StringIO())

"""`sync_runalyze --method csv`: the website login and CSV download against the fake Runalyze server."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from activities.models import ActivitySource, AthleteDay, RunalyzeMetrics
from activities.training_load import home_today
from ingest.models import SyncState
from tests.support.fake_http import FakeResponse

pytestmark = pytest.mark.django_db


def _sync(*args: str) -> str:
    out = StringIO()
    call_command("sync_runalyze", "--method", "csv", *args, stdout=out)
    return out.getvalue()


def test_it_logs_in_and_imports_the_csv(fake_runalyze):
    output = _sync()

    assert (
        output.splitlines()[-1]
        == "Runalyze (csv): created=8 updated=0 unchanged=0 failed=0 deleted=0 requests=7"
    )
    record = ActivitySource.objects.get(source="runalyze", source_id="191207899")
    assert (record.route, record.distance_m, record.duration_s, record.avg_hr, record.avg_cadence_spm) == (
        "runalyze_csv",
        10060.0,
        2462.0,
        176.0,
        182.0,
    )
    assert (record.workout_name, record.workout_type, record.gear) == (
        "Stadtlauf 10 km",
        "race",
        "Saucony Endorphin Speed 4",
    )
    assert record.raw["race_result"]["place_total"] == "87"  # the CSV's own strings, kept verbatim
    metrics = record.runalyze_metrics
    assert (metrics.trimp, metrics.vo2max, metrics.hr_reserve_pct, metrics.hr_max_pct) == (
        134.0,
        53.33,
        90.1,
        92.6,
    )
    assert AthleteDay.objects.get(date=home_today()).runalyze_fitness == 61.0
    # The login flow as the website expects it: CSRF form posted with the session cookie.
    login = next(r for r in fake_runalyze.server.requests if r.method == "POST")
    form = {key: values[0] for key, values in login.form().items()}
    assert form["_remember_me"] == "on" and form["submit"] == "Sign in"
    assert "PHPSESSID=" in login.headers["cookie"]
    download = next(r for r in fake_runalyze.server.requests if r.path == "/_internal/data/activities/all")
    assert "text/csv" in download.headers["accept"]


def test_a_second_csv_sync_changes_nothing(fake_runalyze):
    _sync("--quiet")
    before = list(ActivitySource.objects.values()), list(RunalyzeMetrics.objects.values())

    output = _sync("--quiet")

    assert "created=0 updated=0 unchanged=8 failed=0" in output
    assert (list(ActivitySource.objects.values()), list(RunalyzeMetrics.objects.values())) == before


def test_without_a_token_the_csv_import_skips_hr_reserve(fake_runalyze, settings):
    settings.RUNALYZE_TOKEN = ""

    output = _sync()

    assert "no RUNALYZE_TOKEN: %HRR/%HRmax and Runalyze's fitness snapshot are skipped" in output
    assert RunalyzeMetrics.objects.filter(hr_reserve_pct__isnull=True).count() == 8
    assert not any(r.path.startswith("/api/") for r in fake_runalyze.server.requests)


def test_a_wrong_password_is_a_clear_error(fake_runalyze, settings):
    settings.RUNALYZE_PASSWORD = "wrong"

    with pytest.raises(CommandError, match="Runalyze login failed: invalid username or password"):
        _sync()

    assert ActivitySource.objects.count() == 0
    assert not any(r.path == "/_internal/data/activities/all" for r in fake_runalyze.server.requests)
    assert "invalid username or password" in SyncState.objects.get(name="runalyze").last_error


def test_a_two_factor_account_is_told_to_use_the_api(fake_runalyze):
    fake_runalyze.two_factor = True

    with pytest.raises(CommandError, match=r"asks for a two-factor code.*--method api"):
        _sync()

    assert ActivitySource.objects.count() == 0


def test_an_html_page_instead_of_the_csv_imports_nothing(fake_runalyze):
    fake_runalyze.csv_body = b"<!DOCTYPE html><html><body>Maintenance</body></html>"
    fake_runalyze.csv_content_type = "text/html; charset=UTF-8"

    with pytest.raises(CommandError, match=r"sent an HTML page .* instead of the activity CSV"):
        _sync()

    assert ActivitySource.objects.count() == 0


def test_a_csv_with_another_layout_imports_nothing(fake_runalyze):
    fake_runalyze.csv_body = b"Datum,Distanz,Dauer\n2026-05-09,9.8,3050\n"

    with pytest.raises(CommandError, match="missing columns id, date_time, distance, duration"):
        _sync()

    assert ActivitySource.objects.count() == 0


def test_a_truncated_csv_is_rejected_before_anything_is_written(fake_runalyze, samples):
    data = (samples / "runalyze/api/internal_data_activities_all.UNVERIFIED_LAYOUT.csv").read_bytes()
    fake_runalyze.csv_body = (
        data + b'191299999,853117,Running,0,880,1,0,1,,,2026-05-10T07:00:00+02:00,120,"cut off'
    )

    with pytest.raises(CommandError, match=r"unreadable CSV \(unexpected end of data\)"):
        _sync()
    fake_runalyze.csv_body = data + b"191299999,853117,Running,0,880\n"
    with pytest.raises(CommandError, match="row 9 has fewer fields than the header"):
        _sync()

    assert ActivitySource.objects.count() == 0


def test_an_expired_session_is_named(fake_runalyze):
    # Log in fine, then the site forgets the session before the download.
    original = fake_runalyze.login_post

    def forgetful(request):
        response = original(request)
        fake_runalyze.logged_in.clear()
        return response

    fake_runalyze.server.route("POST", "/login", forgetful)
    fake_runalyze.server.route(
        "GET", "/dashboard", FakeResponse(200, b"<html>ok</html>", {"Content-Type": "text/html"})
    )

    with pytest.raises(CommandError, match="redirected to the login page: the session was not accepted"):
        _sync()


def test_missing_credentials_are_named(fake_runalyze, settings):
    settings.RUNALYZE_USERNAME = ""

    with pytest.raises(CommandError, match="RUNALYZE_USERNAME and RUNALYZE_PASSWORD must both be set"):
        _sync()

    assert fake_runalyze.server.requests == []


def test_a_login_page_shown_again_with_an_error_is_a_failed_login(fake_runalyze):
    page = fake_runalyze.fixture("login_page_invalid_credentials.html")
    fake_runalyze.server.route("POST", "/login", FakeResponse(200, page, {"Content-Type": "text/html"}))

    with pytest.raises(CommandError, match="invalid username or password"):
        _sync()


def test_an_unknown_answer_to_the_login_is_named(fake_runalyze):
    fake_runalyze.server.route(
        "POST", "/login", FakeResponse(500, b"<html>Oops</html>", {"Content-Type": "text/html"})
    )

    with pytest.raises(
        CommandError, match="Runalyze login failed: the login answered 500 instead of a redirect"
    ):
        _sync()

"""The training-log review: doubtful rows listed with their note, what was read and why; accepted,
dismissed or corrected (as the runner's values on the run), one by one or in bulk after a confirmation."""

import datetime as dt

import pytest
from django.urls import reverse

from activities.models import Activity, ActivitySource, RunnerProfile
from ingest.xlsx.importer import xlsx_import
from reconcile.errors import ReconcileError
from reconcile.log_review import log_row_correct, log_row_settle
from reconcile.models import ManualOverride
from reconcile.services import reconcile_run
from review.log_rows import log_row
from tests.support.training_log import DOUBTFUL, flagged_log

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows(tmp_path):
    return flagged_log(tmp_path)


def test_the_page_lists_each_flagged_row_with_its_note_its_reading_and_why(admin_client, rows):
    page = admin_client.get(reverse("review:log_review")).content.decode()
    assert page.count('class="log-row"') == 2
    assert "Training log · Log, Wed 2 Jan 2013" in page and "Training log · Log, Thu 3 Jan 2013" in page
    assert f"“{DOUBTFUL}”" in page
    assert "<dt>Distance (mi)</dt><dd>5</dd>" in page  # as written in the sheet
    assert "8.05 km" in page  # as read, in the runner's units
    assert "The note was hard to read: confidence 0.40, below 0.70." in page
    assert "No language-model answer for it" in page
    assert "Numbers the regex pass did not understand" in page
    assert "Log|2013" not in page  # no ids


def test_a_row_far_from_every_recording_says_so():
    record = ActivitySource(source="master_xlsx", raw={"cells": {}})
    record.activity = Activity(needs_review=True, review_code=Activity.ReviewCode.UNMATCHED)
    assert log_row(record).reasons == [
        "Far from every recording of its day, so it was kept as a run of its own."
    ]


def test_accepting_a_row_clears_its_flag_and_a_re_import_keeps_the_verdict(admin_client, rows, tmp_path):
    first = rows[0]
    response = admin_client.post(
        reverse("review:log_row_settle", args=[first.pk]), {"verdict": "accept"}, follow=True
    )
    assert "Training log · Log, Wed 2 Jan 2013: accepted." in response.content.decode()
    first.refresh_from_db()
    assert not first.needs_review and first.review_reason == ""
    xlsx_import(path=tmp_path / "log.xlsx")
    first.refresh_from_db()
    assert not first.needs_review
    assert [r.record.pk for r in response.context["rows"]] == [rows[1].pk]


def test_accepting_a_row_kept_apart_marks_its_run_reviewed_and_dismissing_does_not(rows):
    for record, verdict in zip(rows, ("accept", "dismiss"), strict=True):
        Activity.objects.filter(pk=record.activity_id).update(
            needs_review=True, review_code=Activity.ReviewCode.UNMATCHED, review_reason="far"
        )
        log_row_settle(record=ActivitySource.objects.get(pk=record.pk), verdict=verdict)
    accepted, dismissed = (Activity.objects.get(pk=r.activity_id) for r in rows)
    assert not accepted.needs_review and accepted.approved_at is not None
    assert not dismissed.needs_review and dismissed.approved_at is None and dismissed.review_code == ""


def test_a_correction_in_miles_becomes_the_runners_value_on_the_run(admin_client, admin_user, rows):
    RunnerProfile.objects.create(user=admin_user, units="imperial")
    record = rows[0]
    response = admin_client.post(
        reverse("review:log_row_correct", args=[record.pk]),
        {"distance": "5.5", "duration": "44:00", "avg_hr": "152", "workout_type": " Easy "},  # 5.5 miles
        follow=True,
    )
    assert "corrected; the run of 2 Jan 2013 now uses your values." in response.content.decode()
    activity = Activity.objects.get(pk=record.activity_id)
    assert activity.distance_m == pytest.approx(5.5 * 1609.344, abs=0.1)
    assert (activity.duration_s, activity.avg_hr, activity.workout_type) == (2640, 152, "easy")
    assert set(ManualOverride.objects.filter(activity=activity).values_list("field_name", flat=True)) == {
        "distance_m",
        "duration_s",
        "avg_hr",
        "workout_type",
    }
    reconcile_run(all=True)
    activity.refresh_from_db()
    assert activity.distance_m == pytest.approx(5.5 * 1609.344, abs=0.1)  # survives a re-run
    record.refresh_from_db()
    assert not record.needs_review


def test_a_bad_correction_is_refused_with_the_reason(admin_client, rows):
    url = reverse("review:log_row_correct", args=[rows[0].pk])
    page = admin_client.post(url, {"duration": "an hour"}, follow=True).content.decode()
    assert "Not corrected: Not a duration: &#x27;an hour&#x27;" in page
    page = admin_client.post(url, {}, follow=True).content.decode()
    assert "Not corrected: no value given" in page
    assert not ManualOverride.objects.exists()


def test_a_row_not_yet_reconciled_cannot_be_corrected(rows):
    record = ActivitySource.objects.get(pk=rows[0].pk)
    record.activity = None
    with pytest.raises(ReconcileError, match="run reconcile first"):
        log_row_correct(record=record, changes={"avg_hr": 150.0})


def test_bulk_dismiss_asks_for_confirmation_first(admin_client, rows):
    url = reverse("review:log_rows_settle")
    ids = [r.pk for r in rows]
    confirm = admin_client.post(url, {"verdict": "dismiss", "rows": ids})
    assert confirm.status_code == 200 and "Dismiss 2 training-log rows?" in confirm.content.decode()
    assert ActivitySource.objects.filter(needs_review=True).count() == 2
    done = admin_client.post(url, {"verdict": "dismiss", "rows": ids, "confirmed": "on"}, follow=True)
    assert "2 training-log rows dismissed." in done.content.decode()
    assert not ActivitySource.objects.filter(needs_review=True).exists()
    assert "Nothing to review" in done.content.decode()


def test_bulk_without_a_selection_says_so(admin_client, rows):
    page = admin_client.post(reverse("review:log_rows_settle"), {"verdict": "accept"}, follow=True)
    assert "Select at least one row." in page.content.decode()


def test_a_distance_written_with_its_unit_is_read_in_that_unit(admin_client, admin_user, rows):
    RunnerProfile.objects.create(user=admin_user, units="imperial")
    url = reverse("review:log_row_correct", args=[rows[1].pk])
    admin_client.post(url, {"distance": "10 km"})
    assert Activity.objects.get(pk=rows[1].activity_id).distance_m == 10_000


def test_a_row_reconcile_kept_apart_is_listed_and_accepting_it_marks_its_run_reviewed(admin_client):
    from tests.support.records import fit, xlsx

    day = dt.date(2024, 5, 1)
    fit("a" * 64, dt.datetime(2024, 5, 1, 13, 30, tzinfo=dt.UTC), 30000.0, sport="cycling")
    row = xlsx(day, 5.0, notes="treadmill, watch at home", raw={"sheet": "Log", "cells": {"distance": 5}})
    reconcile_run()
    row.refresh_from_db()
    assert row.activity.review_code == Activity.ReviewCode.UNMATCHED and not row.needs_review
    page = admin_client.get(reverse("review:log_review")).content.decode()
    assert "Training log · Log, Wed 1 May 2024" in page
    assert "Far from every recording of its day, so it was kept as a run of its own." in page
    admin_client.post(reverse("review:log_row_settle", args=[row.pk]), {"verdict": "accept"})
    run = Activity.objects.get(pk=row.activity_id)
    assert not run.needs_review and run.approved_at is not None
    assert "Nothing to review" in admin_client.get(reverse("review:log_review")).content.decode()

import pytest
from django.contrib import admin
from django.urls import reverse

from activities.models import Activity, ActivitySource, Shoe, ShoeAlias
from reconcile.models import Conflict

pytestmark = pytest.mark.django_db

RUNBASE_APPS = {"activities", "ingest", "reconcile"}


def _models():
    return [model for model in admin.site._registry if model._meta.app_label in RUNBASE_APPS]


def test_every_runbase_model_is_registered():
    names = {model.__name__ for model in _models()}
    assert names == {
        "Activity",
        "ActivityLoad",
        "ActivitySource",
        "BestEffort",
        "HeartRateProfile",
        "Lap",
        "Stream",
        "Interval",
        "Shoe",
        "ShoeAlias",
        "RunalyzeMetrics",
        "AthleteDay",
        "ProcessedFile",
        "SyncState",
        "Notification",
        "Conflict",
        "ManualOverride",
    }


def test_changelist_and_change_pages_load_for_every_model(admin_client, review_data):
    from ingest.models import Notification
    from reconcile.models import ManualOverride

    ManualOverride.objects.create(activity=review_data, field_name="notes", value="mine")
    Notification.objects.create(
        event="sync_failed", key="sync_failed:icloud:1", subject="icloud", title="failed"
    )
    for model in _models():
        opts = model._meta
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        assert admin_client.get(changelist).status_code == 200, changelist
        obj = model.objects.first()
        assert obj is not None, f"no {opts.model_name} row in the test data"
        change = reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[obj.pk])
        assert admin_client.get(change).status_code == 200, change


def test_activity_page_shows_provenance_sources_laps_and_intervals(admin_client, review_data):
    page = admin_client.get(
        reverse("admin:activities_activity_change", args=[review_data.pk])
    ).content.decode()
    assert "Provenance: which source supplied each field" in page
    assert "<td>Distance</td><td>5.96 km</td><td>fit_file</td>" in page.replace("\n", "")
    assert "Notes" in page and "strava" in page
    assert "987654" in page  # the Strava record inline
    assert page.count("<td>distance</td>") == 6  # six FIT laps in the lap table
    assert "6x800m" in page and "Matched to laps" in page


def test_source_record_page_pretty_prints_raw_values_and_stream_size(admin_client, review_data):
    record = ActivitySource.objects.get(source="fit_file")
    page = admin_client.get(
        reverse("admin:activities_activitysource_change", args=[record.pk])
    ).content.decode()
    assert "&quot;sport&quot;: &quot;running&quot;" in page
    assert "1800 samples," in page


def test_stream_page_lists_columns_without_dumping_the_blob(admin_client, review_data):
    record = ActivitySource.objects.get(source="fit_file")
    page = admin_client.get(
        reverse("admin:activities_stream_change", args=[record.stream.pk])
    ).content.decode()
    assert "heart_rate" in page and "cadence" in page
    assert "zlib" not in page and 'name="data"' not in page


def test_activity_search_finds_names_notes_source_ids_and_file_names(admin_client, review_data):
    url = reverse("admin:activities_activity_changelist")
    for term in ("6x800", "strong", "987654", "6x800m.fit"):
        response = admin_client.get(url, {"q": term})
        assert response.context["cl"].result_count == 1, term
    assert admin_client.get(url, {"q": "nothing-like-this"}).context["cl"].result_count == 0


def test_activity_filters_by_source_sport_and_pending_conflicts(admin_client, review_data):
    url = reverse("admin:activities_activity_changelist")
    assert admin_client.get(url, {"source": "strava"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"source": "runalyze"}).context["cl"].result_count == 0
    assert admin_client.get(url, {"sport": "running"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"conflicts": "pending"}).context["cl"].result_count == 1
    Conflict.objects.filter(status=Conflict.Status.PENDING).delete()
    assert admin_client.get(url, {"conflicts": "pending"}).context["cl"].result_count == 0
    assert admin_client.get(url, {"date__year": "2024"}).context["cl"].result_count == 1


def test_merging_shoes_moves_aliases_records_and_activities(admin_client, review_data):
    shoes = list(Shoe.objects.order_by("pk"))
    assert [s.name for s in shoes] == ["Peg 38", "Pegasus 38"]
    response = admin_client.post(
        reverse("admin:activities_shoe_changelist"),
        {"action": "merge_shoes", "_selected_action": [s.pk for s in shoes]},
        follow=True,
    )
    assert "Shoes merged: merged=1 into=&#x27;Peg 38&#x27;" in response.content.decode()
    shoe = Shoe.objects.get()
    assert ActivitySource.objects.filter(shoe=shoe).count() == 2
    assert Activity.objects.get().shoe == shoe
    assert set(ShoeAlias.objects.values_list("alias", flat=True)) == {"peg38", "pegasus38"}
    assert not shoe.needs_review


def test_source_record_filters_and_search(admin_client, review_data):
    url = reverse("admin:activities_activitysource_changelist")
    assert admin_client.get(url, {"source__exact": "strava"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"route__exact": "files"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"deleted_at__isempty": "1"}).context["cl"].result_count == 3
    assert admin_client.get(url, {"q": "6x800m.fit"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"q": "987654"}).context["cl"].result_count == 1


def test_mark_reviewed_action_clears_the_flag_of_the_selected_activities(admin_client, review_data):
    Activity.objects.filter(pk=review_data.pk).update(needs_review=True, review_reason="ambiguous match")
    page = admin_client.post(
        reverse("admin:activities_activity_changelist"),
        {"action": "mark_reviewed", "_selected_action": [review_data.pk]},
        follow=True,
    ).content.decode()
    assert "Marked 1 activity as reviewed." in page
    review_data.refresh_from_db()
    assert not review_data.needs_review and review_data.approved_at is not None

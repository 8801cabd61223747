"""`manage.py demo`: loads the shipped dataset, and a second run changes nothing."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django_q.models import Schedule

from activities.models import Activity, ActivitySource
from ingest.schedules import SCHEDULES
from reconcile.models import Conflict

pytestmark = pytest.mark.django_db(transaction=True)


def test_demo_loads_the_dataset_and_a_second_run_changes_nothing(capsys):
    call_command("demo", "--no-serve", "--quiet")
    out = capsys.readouterr().out
    assert "files: imported=8 updated=0 unchanged=0" in out
    assert "training log: created=8" in out
    assert "reconcile: created=8 " in out
    assert "Log in at http://127.0.0.1:8000/ (admin: http://127.0.0.1:8000/admin/) as 'runner'" in out
    password = out.split("password: ")[1].split()[0]
    assert get_user_model().objects.get(username="runner").check_password(password)
    assert ActivitySource.objects.filter(source="fit_file", route="demo").count() == 8
    assert ActivitySource.objects.filter(source="master_xlsx").count() == 8
    activities = {a.workout_name: a for a in Activity.objects.all()}
    assert len(activities) == 8
    assert activities["6x800m"].intervals.filter(is_recovery=False).count() == 6
    assert str(activities["Evening run"].date) == "2025-10-09"  # California evening, next day in UTC
    assert (
        Conflict.objects.filter(activity=activities["Treadmill"], field_name="distance_m").get().status
        == "pending"
    )
    # Every schedule except the Garmin Connect pull, which waits for `garmin_login`'s tokens.
    expected = sorted(s["name"] for s in SCHEDULES if "requires" not in s)
    assert len(expected) == 6
    assert sorted(Schedule.objects.values_list("name", flat=True)) == expected
    before = sorted(Activity.objects.values_list("pk", "distance_m", "updated_at"))

    call_command("demo", "--no-serve", "--quiet", "--addrport", "0.0.0.0:8080")
    out = capsys.readouterr().out
    assert "files: imported=0 updated=0 unchanged=8" in out
    assert "training log: created=0 updated=0 unchanged=8" in out
    assert "reconcile: created=0 updated=0 unchanged=0" in out
    assert "schedules: created=0 updated=0 unchanged=6" in out
    assert "password:" not in out and "as 'runner' with your password" in out
    assert "http://0.0.0.0:8080/" in out
    assert sorted(Activity.objects.values_list("pk", "distance_m", "updated_at")) == before
    assert get_user_model().objects.count() == 1

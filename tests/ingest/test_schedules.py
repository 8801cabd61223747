import pytest
from django.core.management import call_command
from django_q.models import Schedule

from ingest.schedules import SCHEDULES

pytestmark = pytest.mark.django_db


def _rows():
    return sorted(
        Schedule.objects.values_list("name", "func", "schedule_type", "minutes", "repeats", "next_run")
    )


INSTALLED = len([spec for spec in SCHEDULES if "requires" not in spec])


def test_install_schedules_twice_gives_the_same_rows(capsys):
    call_command("install_schedules")
    first = _rows()
    assert f"schedules: created={INSTALLED} updated=0 unchanged=0" in capsys.readouterr().out
    call_command("install_schedules")
    assert f"schedules: created=0 updated=0 unchanged={INSTALLED}" in capsys.readouterr().out
    assert _rows() == first


def test_schedules_run_icloud_half_hourly_strava_six_hourly_runalyze_weekly():
    call_command("install_schedules", "--quiet")
    by_func = {s.func: s for s in Schedule.objects.all()}
    assert (
        by_func["ingest.tasks.sync_icloud"].schedule_type,
        by_func["ingest.tasks.sync_icloud"].minutes,
    ) == (Schedule.MINUTES, 30)
    assert by_func["ingest.tasks.sync_strava"].minutes == 360
    assert by_func["ingest.tasks.sync_runalyze"].schedule_type == Schedule.WEEKLY
    assert by_func["reconcile.tasks.notify_checks"].schedule_type == Schedule.HOURLY
    assert len(by_func) == len([spec for spec in SCHEDULES if "requires" not in spec])  # Garmin: off


def test_install_repairs_an_edited_schedule_and_collapses_duplicates(capsys):
    call_command("install_schedules", "--quiet")
    icloud = Schedule.objects.get(func="ingest.tasks.sync_icloud")
    Schedule.objects.filter(pk=icloud.pk).update(minutes=5)
    Schedule.objects.create(name=icloud.name, func=icloud.func, schedule_type=Schedule.HOURLY)
    capsys.readouterr()
    call_command("install_schedules", "--quiet")
    assert f"created=0 updated=1 unchanged={INSTALLED - 1}" in capsys.readouterr().out
    assert list(Schedule.objects.filter(name=icloud.name).values_list("pk", "minutes")) == [(icloud.pk, 30)]


def test_every_scheduled_function_exists():
    from django.utils.module_loading import import_string

    for spec in SCHEDULES:
        assert callable(import_string(spec["func"])), spec["func"]

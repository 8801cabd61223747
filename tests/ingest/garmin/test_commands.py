"""The import_garmin command: one line per item, a final summary, CommandError for a bad zip."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command

from ingest.garmin.importer import garmin_import
from tests.benchmarks.garmin_export import activity_summary

pytestmark = pytest.mark.django_db


def _summary_only_export(tmp_path, items):
    path = tmp_path / "export.zip"
    document = [{"summarizedActivitiesExport": items}]
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("DI_CONNECT/DI-Connect-Fitness/me_0_summarizedActivities.json", json.dumps(document))
    return path


def test_it_prints_a_line_per_item_and_the_summary(tmp_path):
    items = [activity_summary(0, activity_id=11), activity_summary(1, activity_id=12)]
    out = io.StringIO()

    call_command("import_garmin", str(_summary_only_export(tmp_path, items)), "--workers", "1", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[:2] == [
        "created garmin 11 Morning run 1 (no file)",
        "created garmin 12 Morning run 2 (no file)",
    ]
    assert lines[-1].startswith(
        "activities: created=2 updated=0 unchanged=0 failed=0 paired=0 without_file=2"
    )


def test_quiet_prints_only_the_summary(tmp_path):
    out = io.StringIO()

    call_command(
        "import_garmin",
        str(_summary_only_export(tmp_path, [activity_summary(0, activity_id=11)])),
        "--quiet",
        stdout=out,
    )

    assert out.getvalue().splitlines() == [
        "activities: created=1 updated=0 unchanged=0 failed=0 paired=0 without_file=1 "
        "multisport_parents=0; files: none"
    ]


def test_a_bad_summary_fails_alone(tmp_path):
    items = [{"activityId": 7, "startTimeGmt": 1.5e12, "distance": "far"}, activity_summary(0, activity_id=8)]

    result = garmin_import(path=_summary_only_export(tmp_path, items))

    assert (result.created, result.failed) == (1, 1)
    assert result.errors == ["garmin activity 7: distance='far' is not a number"]


def test_a_zip_that_is_not_a_zip_is_a_command_error(tmp_path):
    path = tmp_path / "export.zip"
    path.write_bytes(b"PK but not really")

    with pytest.raises(CommandError, match=r"export\.zip is not a readable zip"):
        call_command("import_garmin", str(path))


def test_a_zip_without_summaries_or_uploads_is_not_a_garmin_export(tmp_path):
    path = tmp_path / "strava.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("activities.csv", "Activity ID\n1\n")

    with pytest.raises(CommandError, match=r"strava\.zip: no \*_summarizedActivities\.json .*not a Garmin"):
        call_command("import_garmin", str(path))


def test_a_summary_file_that_is_not_json_is_a_command_error(tmp_path):
    path = tmp_path / "export.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("Fitness/me_0_summarizedActivities.json", "{not json")

    with pytest.raises(CommandError, match=r"me_0_summarizedActivities\.json is not valid JSON"):
        call_command("import_garmin", str(path))

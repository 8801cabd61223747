"""export_activities: the documented keys, nested parts, CSV flattening, bounded queries."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from activities.export import EXPORT_KEYS, csv_text_safe, export_write
from ingest.models import ProcessedFile
from ingest.placement import record_place
from ingest.records import ParsedActivity
from ingest.store import record_store
from reconcile.services import reconcile_run
from tests.support.records import MILE, fit, laps, xlsx

pytestmark = pytest.mark.django_db
START = dt.datetime(2024, 5, 1, 13, 30, tzinfo=dt.UTC)


def _history() -> None:
    spec = [(1600.0, 560.0)] + [(800.0, 170.0), (400.0, 150.0)] * 3 + [(800.0, 168.0), (1600.0, 600.0)]
    file = ProcessedFile.objects.create(
        sha256="a" * 64,
        path="/in/x.fit",
        name="2024-05-01-063000-Outdoor Running.fit",
        route="files",
        size=1,
        raw_path="aa/x.fit",
        status="imported",
    )
    parsed = ParsedActivity(
        source="fit_file",
        source_id="a" * 64,
        start_time=START,
        utc_offset_s=-25200,
        sport="running",
        distance_m=7400.0,
        duration_s=2350.0,
        workout_name="4x800m",
        laps=laps(*spec, start=START),
    )
    record_store(parsed=record_place(parsed, home_tz=settings.RUNBASE_HOME_TZ), route="files", file=file)
    xlsx(dt.date(2024, 5, 1), 4.2, notes="4x800 felt strong", gear="Peg 40")
    fit("b" * 64, START + dt.timedelta(days=1), 5 * MILE * 1.06)
    xlsx(dt.date(2024, 5, 2), 5.0)
    reconcile_run()


def test_the_json_export_has_exactly_the_documented_keys():
    _history()
    out = io.StringIO()
    assert export_write(out=out, format="json") == 2
    first, second = json.loads(out.getvalue())
    assert tuple(first) == EXPORT_KEYS
    assert first["date"] == "2024-05-01" and first["start_time"] == "2024-05-01T13:30:00Z"
    assert first["utc_offset_s"] == -25200
    assert first["distance_m"] == pytest.approx(4.2 * MILE)
    assert first["workout_type"] == "interval" and first["workout_name"] == "4x800m"
    assert first["shoe"] == "Peg 40"
    assert first["provenance"]["distance_m"] == "master_xlsx"
    assert first["sources"] == [
        {"source": "fit_file", "source_id": "a" * 64, "file": "2024-05-01-063000-Outdoor Running.fit"},
        {"source": "master_xlsx", "source_id": "Log!2024-05-01#2", "file": None},
    ]
    assert tuple(first["intervals"][0]) == (
        "rep",
        "prescribed_distance_m",
        "actual_distance_m",
        "canonical_distance_m",
        "duration_s",
        "is_recovery",
    )
    assert [(i["rep"], i["is_recovery"], i["canonical_distance_m"]) for i in first["intervals"]] == [
        (1, False, 800.0),
        (1, True, 400.0),
        (2, False, 800.0),
        (2, True, 400.0),
        (3, False, 800.0),
        (3, True, 400.0),
        (4, False, 800.0),
    ]
    assert second["conflicts"] == [
        {
            "field": "distance_m",
            "status": "pending",
            "source_values": {"master_xlsx": 8046.72, "fit_file": 8529.52},
        }
    ]


def test_the_csv_export_flattens_nested_parts_as_json_strings():
    _history()
    out = io.StringIO()
    export_write(out=out, format="csv", since=dt.date(2024, 5, 2))
    rows = list(csv.DictReader(io.StringIO(out.getvalue())))
    assert len(rows) == 1
    assert tuple(rows[0]) == EXPORT_KEYS
    assert rows[0]["date"] == "2024-05-02"
    assert json.loads(rows[0]["conflicts"])[0]["status"] == "pending"
    assert json.loads(rows[0]["intervals"]) == []
    assert rows[0]["shoe"] == ""


def test_the_export_takes_a_fixed_number_of_queries_whatever_the_history_size():
    _history()
    for day in range(3, 30):
        fit(f"{day:064d}", START + dt.timedelta(days=day), 8000.0)
    reconcile_run()
    with CaptureQueriesContext(connection) as queries:
        export_write(out=io.StringIO(), format="json")
    assert len(queries) <= 6


def test_the_command_writes_a_file(tmp_path):
    _history()
    path = tmp_path / "runs.json"
    out = io.StringIO()
    call_command("export_activities", "--format", "json", "-o", str(path), stdout=out)
    assert len(json.loads(path.read_text())) == 2
    assert out.getvalue().strip() == f"exported=2 to {path}"


def test_the_command_rejects_a_bad_date():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="--since: 'May' is not a date: use YYYY-MM-DD"):
        call_command("export_activities", "--since", "May")


def test_the_command_writes_csv_to_stdout_and_the_count_to_stderr():
    _history()
    out, err = io.StringIO(), io.StringIO()
    call_command("export_activities", "--format", "csv", stdout=out, stderr=err)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == list(EXPORT_KEYS)
    assert len(rows) == 3
    assert err.getvalue().strip() == "exported=2"


def test_csv_text_cells_a_spreadsheet_would_run_as_formulas_start_with_a_quote():
    fit(
        "c" * 64,
        START,
        5000.0,
        workout_name='=HYPERLINK("http://evil.example","x")',
        notes="-2 min negative split",
        total_ascent_m=-5.0,
    )
    reconcile_run()
    out = io.StringIO()
    export_write(out=out, format="csv")
    row = next(csv.DictReader(io.StringIO(out.getvalue())))
    assert row["workout_name"] == '\'=HYPERLINK("http://evil.example","x")'
    assert row["notes"] == "'-2 min negative split"
    assert row["total_ascent_m"] == "-5.0"  # a negative number is a number, not a formula
    assert row["date"] == "2024-05-01"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+44 20", "'+44 20"),
        ("-5", "'-5"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("Easy run = 5 mi", "Easy run = 5 mi"),
        ("", ""),
    ],
)
def test_formula_leading_text_is_escaped_and_other_text_is_left_alone(text, expected):
    assert csv_text_safe(text) == expected

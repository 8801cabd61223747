"""The Garmin benchmark's generated export imports like a real one: every summary paired with its file."""

from __future__ import annotations

import pytest

from activities.models import ActivitySource
from ingest.garmin.importer import garmin_import
from ingest.garmin.parser import summary_parse
from tests.benchmarks.garmin_export import activity_summary, synthetic_export_build

pytestmark = pytest.mark.django_db


def test_the_benchmark_export_imports_with_every_summary_paired(tmp_path):
    path = synthetic_export_build(directory=tmp_path, activities=2, workers=1)

    result = garmin_import(path=path, workers=1)

    assert (result.created, result.paired, result.files.imported) == (2, 2, 2)
    fit = ActivitySource.objects.get(source="fit_file", raw__file_name__endswith="_1700000000.fit")
    garmin = ActivitySource.objects.get(source="garmin", source_id="5000000000")
    assert garmin.raw["paired_record"] == fit.source_id
    expected = summary_parse(activity_summary(0, activity_id=5000000000))
    assert garmin.distance_m == pytest.approx(fit.distance_m, abs=0.01) == pytest.approx(expected.distance_m)
    assert (garmin.start_time, garmin.utc_offset_s) == (fit.start_time, fit.utc_offset_s)

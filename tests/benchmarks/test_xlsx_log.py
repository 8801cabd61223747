"""The training-log benchmark's generated log imports cleanly on the regex path."""

from __future__ import annotations

import pytest

from ingest.xlsx.importer import xlsx_import
from tests.benchmarks.xlsx import log_generate

pytestmark = pytest.mark.django_db


def test_the_benchmarks_generated_log_imports_cleanly(tmp_path):
    path = tmp_path / "bench.xlsx"
    log_generate(path, rows=120)
    result = xlsx_import(path=path)
    assert (result.created, result.failed, result.low_confidence) == (120, 0, 0)
    assert result.skipped > 0  # its weekly totals and blank rows

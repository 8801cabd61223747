"""Fuzz: 100 seeded mutants of small sample FIT/GPX/TCX files through `import_files`' service.

Every mutant is imported, skipped as not an activity, or failed with an error that names the file and
its fault; none reaches the parse pool's safety net for parser bugs ("the parser failed"), none logs
a traceback, and each takes under 10 s.
"""

from __future__ import annotations

import logging
import time

import pytest

from ingest.files import files_import_paths
from ingest.models import ProcessedFile
from tests.support.mutants import mutant

pytestmark = pytest.mark.django_db

SOURCES = (
    "fit/runs/garmin-fenix-5-run.fit",
    "fit/devices/Activity.fit",
    "fit/runs/compressed-speed-distance.fit",
    "gpx/route.gpx",
    "gpx/gpx_with_garmin_extension.gpx",
    "gpx/track-with-empty-segment.gpx",
    "tcx/sup_activity_1.tcx",
)
MUTANTS = 100
SEED = 20260901
PER_FILE_LIMIT_S = 10.0


@pytest.fixture
def mutants(samples, tmp_path):
    """`{file name: mutation}` for MUTANTS files in `tmp_path/mutants`, cycling through SOURCES."""
    folder = tmp_path / "mutants"
    folder.mkdir()
    made = {}
    for number in range(MUTANTS):
        source = samples / SOURCES[number % len(SOURCES)]
        data, mutation = mutant(source.read_bytes(), name=source.name, seed=SEED + number)
        name = f"{number:03d}-{mutation}-{source.name}"
        (folder / name).write_bytes(data)
        made[name] = mutation
    return folder, made


def test_every_mutant_is_imported_or_fails_with_a_named_error_in_time(mutants, caplog):
    folder, made = mutants
    lines: list[str] = []
    times: dict[str, float] = {}
    last = time.monotonic()

    def timed(outcome) -> None:
        nonlocal last
        now = time.monotonic()
        times[outcome.name], last = now - last, now

    with caplog.at_level(logging.WARNING):
        result = files_import_paths(paths=[folder], workers=1, log=lines.append, progress=timed)

    assert sorted(times) == sorted(made)
    slow = {name: round(s, 1) for name, s in times.items() if s > PER_FILE_LIMIT_S}
    assert slow == {}
    assert not [r for r in caplog.records if r.exc_info], "a traceback was logged"
    assert not [line for line in lines if "Traceback" in line]
    rows = {row.name: row for row in ProcessedFile.objects.filter(path__startswith=str(folder))}
    by_outcome = {o.name: o for o in result.outcomes}
    for name in made:
        outcome = by_outcome[name]
        assert outcome.status in {"created", "imported", "skipped", "failed", "already_seen"}, outcome
        if outcome.status == "already_seen":  # a mutant identical to an earlier one
            continue
        row = rows[name]
        if row.status == ProcessedFile.Status.FAILED:
            assert row.error.startswith(f"{name}: "), row.error
            assert "the parser failed" not in row.error, f"a parser bug: {row.error}"
            assert "could not be stored" not in row.error, f"a store bug: {row.error}"
    statuses = {row.status for row in rows.values()}
    assert ProcessedFile.Status.FAILED in statuses  # the mutants are really broken, most of them

"""Every benchmark imports (nothing else imports them, so a moved module would break them silently),
runs nothing on import, and answers `--help` with its command line."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import tests.benchmarks

BENCHMARKS = [
    "analysis",
    "backup",
    "file_identity",
    "fit_parse",
    "garmin",
    "garmin_connect",
    "ingest",
    "memory",
    "multisource",
    "reconcile",
    "review",
    "runalyze",
    "strava",
    "xlsx",
]


def test_the_list_names_every_benchmark_module():
    modules = {m.name for m in pkgutil.iter_modules(tests.benchmarks.__path__)}
    helpers = {"support", "garmin_export"}
    assert modules - helpers - {m for m in modules if m.startswith("test_")} == set(BENCHMARKS)


@pytest.mark.parametrize("name", BENCHMARKS)
def test_a_benchmark_runs_nothing_on_import_and_answers_help(name, capsys):
    module = importlib.import_module(f"tests.benchmarks.{name}")
    assert capsys.readouterr().out == ""

    with pytest.raises(SystemExit) as exited:
        module.main(["--help"])

    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: python -m tests.benchmarks.{name} ")

"""The layer contract: how it places modules, what it reports, and that the project keeps it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import grimp
import pytest

from tests.conftest import PROJECT_ROOT
from tests.support.import_layers import PatternLayersContract

LAYERS = [
    "site.** pages.**",
    "*.admin *.tasks",
    "shop.**",
    "shop.records",
]


def _contract(ignore: list[str] | None = None) -> PatternLayersContract:
    options = {"layers": LAYERS}
    if ignore is not None:
        options["ignore_imports"] = ignore
    return PatternLayersContract(
        name="test", session_options={"root_packages": ["site", "pages", "shop"]}, contract_options=options
    )


def _graph(*imports: tuple[str, str]) -> grimp.ImportGraph:
    graph = grimp.ImportGraph()
    for importer, imported in imports:
        graph.add_import(importer=importer, imported=imported)
    return graph


@pytest.mark.parametrize(
    ("module", "layer"),
    [
        ("pages", 0),  # `pages.**` includes the package itself
        ("pages.views.detail", 0),
        ("shop.admin", 1),  # `*.admin` ties with `shop.**` on literal parts: the higher layer wins
        ("shop.tasks", 1),
        ("shop.store", 2),
        ("shop.records", 3),  # an exact name beats the package's wildcard
        ("shop.records.extra", 2),
        ("elsewhere", None),
    ],
)
def test_it_places_each_module_in_the_layer_of_its_most_specific_pattern(module, layer):
    assert _contract().layer_of(module) == layer


def test_it_accepts_imports_that_point_down_or_sideways():
    graph = _graph(
        ("pages.views", "shop.admin"), ("shop.admin", "shop.store"), ("shop.store", "shop.records")
    )
    assert _contract().check(graph, verbose=False).kept


def test_it_reports_an_import_that_points_up():
    check = _contract().check(
        _graph(("shop.records", "shop.store"), ("shop.store", "pages.views")), verbose=False
    )
    assert not check.kept
    assert check.metadata["upward"] == [("shop.records", "shop.store"), ("shop.store", "pages.views")]


def test_a_listed_exception_is_allowed_and_counted_and_a_stale_one_is_reported():
    graph = _graph(("shop.store", "pages.views"))
    check = _contract(ignore=["shop.store -> pages.views"]).check(graph, verbose=False)
    assert check.kept and check.ignored_import_count == 1
    stale = _contract(ignore=["shop.store -> site.urls"]).check(
        _graph(("shop.store", "shop.records")), verbose=False
    )
    assert not stale.kept and stale.metadata["unused"] == [("shop.store", "site.urls")]


def test_it_reports_an_import_cycle_even_within_one_layer():
    graph = _graph(
        ("shop.a", "shop.b"), ("shop.b", "shop.c"), ("shop.c", "shop.a"), ("shop.c", "shop.records")
    )
    check = _contract().check(graph, verbose=False)
    assert check.metadata["cycles"] == [["shop.a", "shop.b", "shop.c"]]
    assert not check.kept


def test_a_module_in_no_layer_breaks_the_contract():
    graph = _graph(("site.urls", "site.settings"))
    graph.add_module("orphan")
    contract = PatternLayersContract(
        name="test",
        session_options={"root_packages": ["site", "orphan"]},
        contract_options={"layers": LAYERS},
    )
    assert contract.check(graph, verbose=False).metadata["unplaced"] == ["orphan"]


def test_the_project_keeps_its_import_contracts():
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stdout[-4000:]

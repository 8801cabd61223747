"""Shared fixtures: the sample files beside the checkout, and a private data directory per test."""

from __future__ import annotations

from pathlib import Path

import pytest

# Fixtures shared across apps (the HealthFit folder serves ingest's and review's tests alike).
pytest_plugins = ["tests.support.healthfit", "tests.support.browser"]

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLES = PROJECT_ROOT.parent / "shared" / "samples"


@pytest.fixture(scope="session")
def samples() -> Path:
    """`../shared/samples`, used in place."""
    if not SAMPLES.is_dir():
        pytest.fail(f"sample files not found at {SAMPLES}: check out ../shared beside the project")
    return SAMPLES


@pytest.fixture(autouse=True)
def private_data_dir(settings, tmp_path: Path) -> Path:
    """Each test archives raw files and writes reports under its own temporary data directory."""
    data_dir = tmp_path / "data"
    for sub in ("raw", "logs"):
        (data_dir / sub).mkdir(parents=True, exist_ok=True)
    settings.DATA_DIR = data_dir
    settings.RAW_STORE_DIR = data_dir / "raw"
    settings.LOG_DIR = data_dir / "logs"
    settings.STRAVA_TOKEN_FILE = data_dir / "strava_tokens.json"
    settings.GARMIN_TOKEN_DIR = data_dir / "garmin"  # never the runner's own Garmin sign-in
    settings.LLM_PROVIDER = "none"
    # The default follows the machine's zone; tests that need another zone set it themselves.
    settings.RUNBASE_HOME_TZ = "UTC"
    return data_dir


@pytest.fixture
def review_data(db):
    """A reconciled-looking activity (FIT + Strava, provenance, conflicts, intervals) and the rows of
    every other model (sync state, a failed file, metrics, athlete days): what the pages and admin show."""
    from activities.analysis.refresh import activity_analysis_refresh
    from tests.support.factories import activity_with_sources, side_rows

    activity = activity_with_sources()
    side_rows()
    activity_analysis_refresh(activity=activity)  # its best efforts and load, as reconcile would store
    return activity


@pytest.fixture
def reconciled_activity(db):
    """One run recorded by a FIT file and Strava, joined by a real reconcile."""
    from activities.models import Activity
    from reconcile.services import reconcile_run
    from tests.support.factories import fit_record, strava_record

    fit_record()
    strava_record()
    reconcile_run()
    return Activity.objects.get()

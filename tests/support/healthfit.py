"""A private copy of the sample HealthFit folder, settled (old mtimes) so every file is ready.

The fixtures are registered for the whole suite by `pytest_plugins` in tests/conftest.py.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import pytest

DOCUMENTS = Path("healthfit") / "iCloud~com~altifondo~HealthFit" / "Documents"
AN_HOUR_AGO = time.time() - 3600


@pytest.fixture
def healthfit_dir(samples, tmp_path, settings) -> Path:
    folder = tmp_path / "HealthFit"
    shutil.copytree(samples / DOCUMENTS, folder, copy_function=shutil.copyfile)
    for path in folder.iterdir():
        path.chmod(0o644)
        os.utime(path, (AN_HOUR_AGO, AN_HOUR_AGO))
    folder.chmod(0o755)
    settings.HEALTHFIT_DIR = folder
    settings.INGEST_SETTLE_SECONDS = 10
    return folder


def named(folder: Path, prefix: str) -> Path:
    """The one file in `folder` whose name starts with `prefix` (names hold ’ and no-break spaces)."""
    (match,) = [p for p in folder.iterdir() if p.name.startswith(prefix)]
    return match


# The slowest files to decode; most behaviours are shown as well without them.
HEAVY = ("2011-11-02", "2017-01-17", "2017-05-18", "2017-06-13")


@pytest.fixture
def light_healthfit_dir(healthfit_dir) -> Path:
    """The sample folder without its four biggest recordings: 6 .fit, the stub, the sidecar."""
    for path in healthfit_dir.iterdir():
        if path.name.startswith(HEAVY):
            path.unlink()
    return healthfit_dir

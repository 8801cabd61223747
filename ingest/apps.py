"""The ingest app's start-up: RunBase's files are private to the user that runs it.

The umask is set here, in `ready()`, because every RunBase process passes through it before it writes
anything: `manage.py` commands (and `qcluster`'s workers, which inherit it), gunicorn through
`runbase_site.wsgi`, ASGI, the tests and the benchmarks. Django opens the database lazily and the log
file waits for its first record (`delay`), so the SQLite file, its journal, the raw store's shards, the
log and the review reports are all created under it: folders 0700, files 0600.
"""

import os
import stat
from pathlib import Path

from django.apps import AppConfig
from django.conf import settings

PRIVATE_UMASK = 0o077


def data_dirs_make(*, data_dir: Path, raw_store_dir: Path, log_dir: Path) -> None:
    """Create the data folders 0700. An existing folder is tightened to 0700 when it is RunBase's own:
    the data directory or a folder inside it (a raw store or log folder configured elsewhere, such as
    `/var/log`, may be shared and is left as it is)."""
    data_dir = Path(data_dir)
    for directory in (data_dir, Path(raw_store_dir), Path(log_dir)):
        existed = directory.is_dir()
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        own = directory == data_dir or directory.resolve().is_relative_to(data_dir.resolve())
        if (not existed or own) and directory.stat().st_uid == os.getuid():
            _private(directory)


def _private(directory: Path) -> None:
    if stat.S_IMODE(directory.stat().st_mode) & 0o077:
        directory.chmod(0o700)


class IngestConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "ingest"

    def ready(self) -> None:
        """Files private, then the data folders, before anything archives a file, writes a log line or
        opens SQLite."""
        os.umask(PRIVATE_UMASK)
        data_dirs_make(
            data_dir=settings.DATA_DIR, raw_store_dir=settings.RAW_STORE_DIR, log_dir=settings.LOG_DIR
        )

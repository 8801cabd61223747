"""A workbook is a zip: check it against the archive budget before it is read or opened.

openpyxl inflates a workbook's parts as it reads them, with no limit of its own, so a padded or
bomb-like .xlsx could take gigabytes of memory. The same budget as the export zips applies
(`ingest.zipsafe`, the `RUNBASE_ARCHIVE_*` settings), and the file itself may not be larger than one
file of an archive (`RUNBASE_ARCHIVE_MAX_FILE_MB`).
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from ingest.zipsafe import ZipLimits, refusal, zip_validate


def workbook_check(path: Path) -> None:
    """Raise SourceError naming the limit when the workbook at `path` breaks the archive budget.

    A file that cannot be read or is not a zip at all is left to the reader, whose error says what
    the file is instead (an .xls, an .ods …).
    """
    limits = ZipLimits.from_settings()
    try:
        size = path.stat().st_size
    except OSError:
        return
    if size > limits.max_file_bytes:
        raise refusal(limits, "max_file_bytes", f"{path.name} is {size:,} bytes")
    if zipfile.is_zipfile(path):
        zip_validate(path, limits=limits)

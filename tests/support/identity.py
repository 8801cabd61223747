"""Count duplicate file records the way a person would: by what their archived files hold."""

from __future__ import annotations

import gzip
import hashlib
from collections import Counter
from pathlib import Path

from django.conf import settings

from activities.models import ActivitySource


def duplicate_file_records() -> int:
    """`fit_file` records beyond one per recorded session: records grouped by the SHA-256 of their
    file's archived copy (inflated with `gzip` when compressed) and the session suffix of their id.

    Independent of the product's identity code: it reads the raw store and hashes with the stdlib.
    """
    groups: Counter[tuple[str, str]] = Counter()
    for record in ActivitySource.objects.filter(source="fit_file").select_related("file"):
        assert record.file is not None, f"{record}: no manifest row"
        data = (Path(settings.RAW_STORE_DIR) / record.file.raw_path).read_bytes()
        if data[:2] == b"\x1f\x8b":
            data = gzip.decompress(data)
        groups[(hashlib.sha256(data).hexdigest(), record.source_id.partition("#")[2])] += 1
    return sum(count - 1 for count in groups.values())

"""A downloaded Garmin original -> the recording files in it, as inputs of the shared file path.

`download-service/files/activity/<id>` answers with the file as it was uploaded, zipped:
`<id>_ACTIVITY.fit` for a watch's recording, the `.gpx`/`.tcx` for an upload of one. The zip is
checked against the archive budget (`ingest.zipsafe`) before a member is read, like every zip
RunBase opens. A download that is not a readable zip is a broken download (SourceError): the
activity is tried again on the next run.
"""

from __future__ import annotations

import io
from pathlib import PurePosixPath

from ingest.files import FileInput
from ingest.garmin.export import is_recording
from ingest.records import SourceError
from ingest.zipsafe import ZipLimits, zip_entries, zip_validate

_ZIP = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"


def _no_nesting(_name: str) -> bool:
    return False


def _bare_name(activity_id: str, data: bytes) -> str | None:
    """A download that is the recording itself (not zipped): named by what its bytes are."""
    if data[8:12] == b".FIT":
        return f"{activity_id}.fit"
    head = data[:1000].lower()
    if b"<trainingcenterdatabase" in head:
        return f"{activity_id}.tcx"
    if b"<gpx" in head:
        return f"{activity_id}.gpx"
    return None


def original_files(*, activity_id: str, data: bytes, limits: ZipLimits | None = None) -> list[FileInput]:
    """The FIT/GPX/TCX files of one downloaded original (none for a zip without a recording)."""
    label = f"garmin-connect/{activity_id}.zip"
    if not data.startswith((_ZIP, _EMPTY_ZIP)):
        name = _bare_name(activity_id, data)
        if name is None:
            raise SourceError(
                f"activity {activity_id}: the original download is neither a zip nor a recording "
                f"({len(data)} bytes starting {data[:8]!r})"
            )
        return [FileInput(name=name, origin=f"garmin-connect/{name}", data=data)]
    limits = limits or ZipLimits.from_settings()
    try:
        zip_validate(io.BytesIO(data), limits=limits, nested=_no_nesting, want=is_recording, label=label)
        entries = list(
            zip_entries(io.BytesIO(data), limits=limits, nested=_no_nesting, want=is_recording, label=label)
        )
    except SourceError as error:
        raise SourceError(f"activity {activity_id}: the original download is broken ({error})") from None
    return [
        FileInput(name=PurePosixPath(entry.name).name, origin=entry.path, data=entry.read_bytes())
        for entry in entries
    ]

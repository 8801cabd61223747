"""One budget for a Garmin export: the whole export, part zips included, is checked before anything is
imported, so an export refused for a member of its last part imports nothing, not even the parts
before it. Each refusal names the limit, its value and the setting."""

from __future__ import annotations

import pytest

from ingest.garmin.importer import garmin_import
from ingest.models import SyncState
from ingest.records import SourceError
from tests.support.archives import assert_nothing_imported, copy_with, noise, zip_bytes

pytestmark = pytest.mark.django_db

SAMPLE = "garmin/839fbc50-1223-4513-9496-f63cdc1110c1_1.zip"  # 26 members, 1.7 MB, largest 1.0 MB
LAST_PART = "DI_CONNECT/DI-Connect-Uploaded-Files/UploadedFiles_0-_Part4.zip"


@pytest.fixture
def export_with(samples, tmp_path):
    """The sample export with one more part zip, after the three good ones."""

    def build(part: dict[str, bytes]):
        return copy_with(samples / SAMPLE, tmp_path / "export.zip", {LAST_PART: zip_bytes(part)})

    return build


def _refused(path, pattern: str) -> None:
    with pytest.raises(SourceError, match=pattern) as caught:
        garmin_import(path=path, workers=1)
    assert "archive refused" in str(caught.value)
    assert_nothing_imported()
    assert SyncState.objects.get(name="garmin_export").last_error == str(caught.value)  # runbase_status


def test_an_export_over_the_member_count_imports_nothing(settings, export_with):
    settings.RUNBASE_ARCHIVE_MAX_MEMBERS = 40
    path = export_with({f"u_{i}.fit": noise(100, i) for i in range(20)})

    _refused(path, r"Part4\.zip.*RUNBASE_ARCHIVE_MAX_MEMBERS=40")


def test_an_export_over_the_total_size_imports_nothing(settings, export_with):
    settings.RUNBASE_ARCHIVE_MAX_TOTAL_MB = 2  # the sample alone is 1.7 MB
    path = export_with({"u_big.fit": noise(600_000, 1)})

    _refused(path, r"Part4\.zip!u_big\.fit.*RUNBASE_ARCHIVE_MAX_TOTAL_MB=2\b")


def test_an_export_with_a_member_over_the_per_file_size_imports_nothing(settings, export_with):
    settings.RUNBASE_ARCHIVE_MAX_FILE_MB = 1.2  # the sample's largest member is 1.0 MB
    path = export_with({"u_huge.fit": noise(1_400_000, 2)})

    _refused(path, r"Part4\.zip!u_huge\.fit.*RUNBASE_ARCHIVE_MAX_FILE_MB=1\.2")


def test_an_export_nested_too_deep_imports_nothing(settings, export_with):
    settings.RUNBASE_ARCHIVE_MAX_DEPTH = 1  # the sample's part zips are at depth 1
    path = export_with({"UploadedFiles_deeper.zip": zip_bytes({"u.fit": noise(100, 3)})})

    _refused(path, r"Part4\.zip!UploadedFiles_deeper\.zip.*RUNBASE_ARCHIVE_MAX_DEPTH=1")


def test_an_export_with_a_zip_bomb_member_imports_nothing(export_with):
    path = export_with({"u_bomb.fit": bytes(5 << 20)})  # 5 MB of zeros: about 1,000:1

    _refused(path, r"Part4\.zip!u_bomb\.fit.*RUNBASE_ARCHIVE_MAX_RATIO=100\b")


def test_many_small_compressible_members_are_refused_by_the_ratio_of_the_whole(settings, export_with):
    # Each member is below the per-member ratio threshold (64 KiB), but together they inflate about
    # 45 times the export's size (the sample's own members: 2.5 times).
    settings.RUNBASE_ARCHIVE_MAX_RATIO = 20
    path = export_with({f"u_{i}.fit": i.to_bytes(4, "big") + bytes(60_000) for i in range(600)})

    _refused(path, r"RUNBASE_ARCHIVE_MAX_RATIO=20\b")


def test_the_same_export_within_the_budget_imports(settings, samples):
    settings.RUNBASE_ARCHIVE_MAX_MEMBERS = 40
    settings.RUNBASE_ARCHIVE_MAX_TOTAL_MB = 2
    settings.RUNBASE_ARCHIVE_MAX_FILE_MB = 1.2
    settings.RUNBASE_ARCHIVE_MAX_DEPTH = 1

    result = garmin_import(path=samples / SAMPLE, workers=1)

    assert result.created > 0 and result.files.imported > 0


def test_a_member_the_import_never_reads_is_not_held_to_the_per_file_limit(settings, samples, tmp_path):
    settings.RUNBASE_ARCHIVE_MAX_FILE_MB = 1.2
    wellness = {"DI_CONNECT/DI-Connect-Wellness/sleep.json": noise(1_400_000, 4)}  # never inflated
    path = copy_with(samples / SAMPLE, tmp_path / "export.zip", wellness)

    result = garmin_import(path=path, workers=1)

    assert result.created > 0 and result.files.imported > 0

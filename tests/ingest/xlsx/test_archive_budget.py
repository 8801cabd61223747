"""A workbook is a zip: the archive budget is checked before the file is archived or opened, so a
refused workbook leaves nothing behind. Each refusal names the limit, its value and the setting."""

from __future__ import annotations

import pytest

from ingest.records import SourceError
from ingest.xlsx.importer import xlsx_import
from tests.support.archives import assert_nothing_imported, copy_with, noise, zip_bytes

pytestmark = pytest.mark.django_db

SAMPLE = "xlsx/training_log.xlsx"  # 17 KB; 9 parts, 107 KB inflated, largest 91 KB


@pytest.fixture
def workbook_with(samples, tmp_path):
    """The sample training log with `members` added after its own parts (openpyxl ignores them)."""

    def build(members: dict[str, bytes]):
        return copy_with(samples / SAMPLE, tmp_path / "log.xlsx", members)

    return build


def _refused(path, pattern: str) -> None:
    with pytest.raises(SourceError, match=pattern) as caught:
        xlsx_import(path=path)
    assert "archive refused" in str(caught.value)
    assert_nothing_imported()


def test_a_workbook_over_the_member_count_is_refused(settings, workbook_with):
    settings.RUNBASE_ARCHIVE_MAX_MEMBERS = 12
    path = workbook_with({f"xl/media/pad_{i}.bin": noise(100, i) for i in range(5)})

    _refused(path, r"log\.xlsx.*RUNBASE_ARCHIVE_MAX_MEMBERS=12")


def test_a_workbook_over_the_total_size_is_refused(settings, workbook_with):
    settings.RUNBASE_ARCHIVE_MAX_TOTAL_MB = 0.2
    path = workbook_with({"xl/media/pad.bin": noise(150_000, 1)})

    _refused(path, r"log\.xlsx!xl/media/pad\.bin.*RUNBASE_ARCHIVE_MAX_TOTAL_MB=0\.2")


def test_a_workbook_with_a_part_over_the_per_file_size_is_refused(settings, workbook_with):
    settings.RUNBASE_ARCHIVE_MAX_FILE_MB = 0.125  # 128 KiB: the sample's largest part is 91 KB
    # 150 KB that deflate to 15 KB (10:1): the workbook itself stays small on disk.
    path = workbook_with({"xl/media/pad.bin": noise(15_000, 2) * 10})

    _refused(path, r"log\.xlsx!xl/media/pad\.bin.*RUNBASE_ARCHIVE_MAX_FILE_MB=0\.125")


def test_a_workbook_file_larger_than_one_file_may_be_is_refused(settings, samples):
    settings.RUNBASE_ARCHIVE_MAX_FILE_MB = 1 / 64  # 16 KiB: the sample is 17 KB on disk

    _refused(samples / SAMPLE, r"training_log\.xlsx is 17,537 bytes.*RUNBASE_ARCHIVE_MAX_FILE_MB=0\.015625")


def test_a_workbook_nesting_zips_too_deep_is_refused(settings, workbook_with):
    settings.RUNBASE_ARCHIVE_MAX_DEPTH = 1
    path = workbook_with({"xl/embeddings/a.zip": zip_bytes({"b.zip": zip_bytes({"c.txt": b"x"})})})

    _refused(path, r"log\.xlsx!xl/embeddings/a\.zip!b\.zip.*RUNBASE_ARCHIVE_MAX_DEPTH=1")


def test_a_workbook_with_a_zip_bomb_part_is_refused(workbook_with):
    path = workbook_with({"xl/media/pad.bin": bytes(5 << 20)})  # 5 MB of zeros: about 1,000:1

    _refused(path, r"log\.xlsx!xl/media/pad\.bin.*RUNBASE_ARCHIVE_MAX_RATIO=100\b")


def test_the_same_workbook_within_the_budget_imports(settings, samples):
    settings.RUNBASE_ARCHIVE_MAX_MEMBERS = 12
    settings.RUNBASE_ARCHIVE_MAX_TOTAL_MB = 0.2
    settings.RUNBASE_ARCHIVE_MAX_FILE_MB = 0.125
    settings.RUNBASE_ARCHIVE_MAX_DEPTH = 1

    result = xlsx_import(path=samples / SAMPLE)

    assert result.created > 0

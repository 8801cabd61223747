"""One budget for a Strava export: the whole zip is checked before anything is imported, so an export
refused for its last member imports none of the uploads before it. Each refusal names the limit, its
value and the setting."""

from __future__ import annotations

import pytest

from ingest.records import SourceError
from ingest.strava.export import strava_export_import
from tests.support.archives import assert_nothing_imported, copy_with, noise, zip_bytes

pytestmark = pytest.mark.django_db

SAMPLE = "strava/export/export_12345678.zip"  # 9 members, 222 KB, largest 92 KB, 6 uploads


@pytest.fixture
def export_with(samples, tmp_path):
    """The sample export with `members` appended after its own."""

    def build(members: dict[str, bytes]):
        return copy_with(samples / SAMPLE, tmp_path / "export.zip", members)

    return build


def _refused(path, pattern: str) -> None:
    with pytest.raises(SourceError, match=pattern) as caught:
        strava_export_import(path=path, workers=1)
    assert "archive refused" in str(caught.value)
    assert_nothing_imported()


def test_an_export_over_the_member_count_imports_nothing(settings, export_with):
    settings.RUNBASE_ARCHIVE_MAX_MEMBERS = 15
    path = export_with({f"activities/extra_{i}.fit": noise(100, i) for i in range(10)})

    _refused(path, r"export\.zip.*RUNBASE_ARCHIVE_MAX_MEMBERS=15")


def test_an_export_over_the_total_size_imports_nothing(settings, export_with):
    settings.RUNBASE_ARCHIVE_MAX_TOTAL_MB = 0.5  # the sample alone is 222 KB
    path = export_with({"activities/big.fit": noise(400_000, 1)})

    _refused(path, r"export\.zip!activities/big\.fit.*RUNBASE_ARCHIVE_MAX_TOTAL_MB=0\.5")


def test_an_export_with_a_member_over_the_per_file_size_imports_nothing(settings, export_with):
    settings.RUNBASE_ARCHIVE_MAX_FILE_MB = 0.2  # the sample's largest member is 92 KB
    path = export_with({"activities/huge.fit.gz": noise(300_000, 2)})

    _refused(path, r"export\.zip!activities/huge\.fit\.gz.*RUNBASE_ARCHIVE_MAX_FILE_MB=0\.2")


def test_an_export_nested_too_deep_imports_nothing(settings, export_with):
    settings.RUNBASE_ARCHIVE_MAX_DEPTH = 1
    inner = zip_bytes({"inner.zip": zip_bytes({"a.fit": noise(100, 3)})})
    path = export_with({"activities/extra.zip": inner})

    _refused(path, r"export\.zip!activities/extra\.zip!inner\.zip.*RUNBASE_ARCHIVE_MAX_DEPTH=1")


def test_an_export_with_a_zip_bomb_member_imports_nothing(export_with):
    path = export_with({"activities/bomb.fit": bytes(5 << 20)})  # 5 MB of zeros: about 1,000:1

    _refused(path, r"export\.zip!activities/bomb\.fit.*RUNBASE_ARCHIVE_MAX_RATIO=100\b")


def test_many_small_compressible_members_are_refused_by_the_ratio_of_the_whole(settings, export_with):
    # Each member is below the per-member ratio threshold (64 KiB); together they inflate ~25 times.
    settings.RUNBASE_ARCHIVE_MAX_RATIO = 20
    members = {f"activities/{i}.fit": i.to_bytes(4, "big") + bytes(60_000) for i in range(100)}

    _refused(export_with(members), r"RUNBASE_ARCHIVE_MAX_RATIO=20\b")


def test_the_same_export_within_the_budget_imports(settings, samples):
    settings.RUNBASE_ARCHIVE_MAX_MEMBERS = 15
    settings.RUNBASE_ARCHIVE_MAX_TOTAL_MB = 0.5
    settings.RUNBASE_ARCHIVE_MAX_FILE_MB = 0.2
    settings.RUNBASE_ARCHIVE_MAX_DEPTH = 1
    settings.RUNBASE_ARCHIVE_MAX_RATIO = 20

    result = strava_export_import(path=samples / SAMPLE, workers=1)

    assert result.created == 7 and result.files.imported == 6


def test_a_member_the_import_never_reads_is_not_held_to_the_per_file_limit(settings, export_with):
    settings.RUNBASE_ARCHIVE_MAX_FILE_MB = 0.2
    path = export_with({"media/photo.jpg": noise(300_000, 5)})  # never inflated

    result = strava_export_import(path=path, workers=1)

    assert result.created == 7 and result.files.imported == 6

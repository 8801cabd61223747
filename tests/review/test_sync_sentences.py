"""A sync's recorded summary read back into counts and said in words."""

from review.sync_sentences import summary_parse, sync_sentence


def test_a_summary_is_read_back_into_counts_per_part():
    parsed = summary_parse("failed: created=1 failed=2 | files: imported=3 pending=0")
    assert parsed.ended == "failed"
    assert [(p.name, p.counts) for p in parsed.parts] == [
        ("", {"created": 1, "failed": 2}),
        ("files", {"imported": 3, "pending": 0}),
    ]


def test_a_file_import_says_what_came_in_and_which_file_failed():
    summary = "imported=3 updated=0 unchanged=1 already_seen=0 skipped=0 failed=1 pending=0 ignored=0"
    sentence = sync_sentence(name="files", summary=summary, error="bad.fit: FIT header is broken\nmore")
    assert sentence == "Imported 3 new runs, 1 unchanged; 1 file failed: bad.fit: FIT header is broken."


def test_a_run_with_nothing_new_says_so():
    summary = "created=0 updated=0 unchanged=0 missing=0 deleted=0 failed=0 api_calls=2"
    assert sync_sentence(name="strava", summary=summary) == "Nothing new."


def test_a_failed_run_leads_with_its_error():
    summary = "failed: created=1 updated=0 unchanged=0 failed=0 missing=0 deleted=0 api_calls=3"
    sentence = sync_sentence(name="strava", summary=summary, error="Strava refused the token (401)")
    assert sentence == "The last run failed: Strava refused the token (401). Before that: imported 1 new run."


def test_reconcile_counts_activities_and_conflicts():
    summary = (
        "created=2 updated=1 unchanged=40 conflicts=1 auto_resolved=0 new_values=0 review=0 moved=0 failed=0"
    )
    assert sync_sentence(name="reconcile", summary=summary) == (
        "2 new activities, 1 updated, 40 unchanged, 1 new conflict."
    )


def test_an_export_names_its_parts_and_a_rate_limit_stop():
    garmin = "activities: created=5 updated=0 unchanged=0 failed=0 paired=3; files: imported=3 failed=0"
    assert sync_sentence(name="garmin_export", summary=garmin) == (
        "Activities: imported 5 new runs, 3 paired with their recording; files: imported 3 new recordings."
    )
    strava = "created=0 failed=0 api_calls=100 stopped_by_rate_limit resume_after=2025-10-06T12:00Z"
    assert sync_sentence(name="strava", summary=strava) == (
        "Stopped by the rate limit, resumes after 2025-10-06T12:00Z."
    )


def test_a_counter_without_words_is_shown_by_its_name():
    assert sync_sentence(name="x", summary="created=0 shoes_learned=2") == "2 shoes learned."

"""The analysis settings: overrides over the defaults, and a value that cannot work named at once."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from activities.analysis.config import analysis_config


def test_overrides_replace_defaults_and_unknown_keys_are_ignored(settings):
    settings.RUNBASE_ANALYSIS = {"week_start": 6, "vdot_window_days": 28, "unknown": 1}
    cfg = analysis_config()
    assert (cfg.week_start, cfg.vdot_window_days, cfg.sport, cfg.shoe_threshold_m) == (
        6,
        28,
        "running",
        800_000,
    )


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"sex": "m"}, "sex='m': use male or female"),
        ({"week_start": 7}, "week_start=7"),
        ({"hr_max": 55}, "hr_max=55 is not above hr_rest=60"),
    ],
)
def test_an_impossible_value_is_refused_with_its_name(settings, values, message):
    settings.RUNBASE_ANALYSIS = values
    with pytest.raises(ImproperlyConfigured, match=message):
        analysis_config()

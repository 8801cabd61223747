"""A runner's display choices (units), read once per request by runbase_site's middleware."""

from __future__ import annotations

from django.conf import settings

from activities.models import RunnerProfile


def units_of(user) -> str:
    """The units `user` sees: their own choice, else the site's `RUNBASE_UNITS`."""
    if user is None or not user.is_authenticated:
        return settings.RUNBASE_UNITS
    chosen = RunnerProfile.objects.filter(user=user).values_list("units", flat=True).first()
    return chosen or settings.RUNBASE_UNITS


def units_choose(*, user, units: str) -> RunnerProfile:
    """Store `user`'s choice: `metric`, `imperial`, or "" to follow the site's setting."""
    if units not in RunnerProfile.Units.values:
        raise ValueError(f"Unknown units {units!r}: metric, imperial or empty.")
    profile, _ = RunnerProfile.objects.update_or_create(user=user, defaults={"units": units})
    return profile

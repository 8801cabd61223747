"""Every django-q2 schedule RunBase runs, declared once; `manage.py install_schedules` installs them.

Each sync schedule passes `reconcile=True` to its task, which reconciles right after importing, so
"reconcile after each sync" needs no schedule of its own; a weekly full reconcile is the safety net.
A schedule with `requires` (a function's dotted path) is installed only while it returns true — the
Garmin Connect pull only once `garmin_login` has stored tokens. Names are the keys: installing again
updates the rows in place (q2 does not make schedule names unique, so this must never run in
`ready()`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils.module_loading import import_string
from django_q.models import Schedule

# name → how often, with what. Every schedule runs one task of `ingest.tasks` / `reconcile.tasks`.
SCHEDULES: list[dict] = [
    {
        "name": "runbase: sync iCloud (HealthFit) + reconcile",
        "func": "ingest.tasks.sync_icloud",
        "kwargs": {"reconcile": True},
        "schedule_type": Schedule.MINUTES,
        "minutes": 30,
    },
    {
        "name": "runbase: sync Strava + reconcile",
        "func": "ingest.tasks.sync_strava",
        "kwargs": {"reconcile": True},
        "schedule_type": Schedule.MINUTES,
        "minutes": 6 * 60,
    },
    {
        # Off (not installed) until `garmin_login` has stored tokens; install_schedules again after it.
        "name": "runbase: pull Garmin Connect + reconcile",
        "func": "ingest.tasks.sync_garmin_connect",
        "kwargs": {"reconcile": True},
        "schedule_type": Schedule.DAILY,
        "requires": "ingest.garmin.tokens.garmin_tokens_stored",
    },
    {
        "name": "runbase: sync Runalyze + reconcile",
        "func": "ingest.tasks.sync_runalyze",
        "kwargs": {"reconcile": True},
        "schedule_type": Schedule.WEEKLY,
    },
    {
        "name": "runbase: full reconcile (safety net)",
        "func": "reconcile.tasks.reconcile_all",
        "schedule_type": Schedule.WEEKLY,
    },
    {
        # Quiet sources, the conflicts digest, shoes, the weekly summary: each sent once (reconcile.notices).
        "name": "runbase: notifications (hourly checks)",
        "func": "reconcile.tasks.notify_checks",
        "schedule_type": Schedule.HOURLY,
    },
    {
        # A consistent copy of the database (and a raw-store manifest), the newest RUNBASE_BACKUP_KEEP kept.
        "name": "runbase: backup (weekly)",
        "func": "ingest.tasks.backup",
        "schedule_type": Schedule.WEEKLY,
    },
]


@dataclass(slots=True)
class ScheduleInstallResult:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return f"created={len(self.created)} updated={len(self.updated)} unchanged={len(self.unchanged)}"


def _differs(schedule: Schedule, values: dict) -> bool:
    return any(getattr(schedule, key) != value for key, value in values.items())


@transaction.atomic
def schedules_install(*, log=None) -> ScheduleInstallResult:
    """Create or update every schedule of SCHEDULES by name; a duplicate name is collapsed to one row.

    `next_run` of an existing schedule is left alone, so re-installing never reschedules a run.
    """
    result = ScheduleInstallResult()
    for spec in SCHEDULES:
        values = {"minutes": None, "repeats": -1, "args": None, **spec}
        values["kwargs"] = kwargs_text(spec.get("kwargs"))
        name = values.pop("name")
        requires = values.pop("requires", None)
        if requires and not import_string(requires)():
            # Off: the source is not set up. A row left from when it was is removed.
            Schedule.objects.filter(name=name).delete()
            if log is not None:
                log(f"{name}: off until {requires.rsplit('.', 1)[-1]}() holds (see the README)")
            continue
        rows = list(Schedule.objects.filter(name=name).order_by("pk"))
        for extra in rows[1:]:
            extra.delete()
        if not rows:
            Schedule.objects.create(name=name, **values)
            result.created.append(name)
        elif _differs(rows[0], values):
            Schedule.objects.filter(pk=rows[0].pk).update(**values)
            result.updated.append(name)
        else:
            result.unchanged.append(name)
        if log is not None:
            log(f"{name}: {values['func']} every {_every(values)}")
    return result


def schedule_once(*, name: str, func: str, at: dt.datetime, kwargs: dict | None = None) -> Schedule:
    """A one-off run of `func(**kwargs)` at `at`, e.g. when a rate limit window reopens; one row per name."""
    schedule, _ = Schedule.objects.update_or_create(
        name=name,
        defaults={
            "func": func,
            "kwargs": kwargs_text(kwargs),
            "schedule_type": Schedule.ONCE,
            "repeats": 1,
            "next_run": at,
        },
    )
    return schedule


def kwargs_text(kwargs: dict | None) -> str | None:
    """Keyword arguments as q2 keeps them on a schedule: `reconcile=True` (readable in the admin)."""
    return ", ".join(f"{key}={value!r}" for key, value in kwargs.items()) if kwargs else None


def _every(values: dict) -> str:
    if values["schedule_type"] == Schedule.MINUTES:
        return f"{values['minutes']} min"
    return dict(Schedule.TYPE).get(values["schedule_type"], values["schedule_type"]).lower()

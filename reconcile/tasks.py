"""django-q2 tasks of reconcile: each calls one service and returns its summary (stored on the task row)."""

from __future__ import annotations

from reconcile.notices import notices_check
from reconcile.services import reconcile_run


def reconcile_pending() -> str:
    """New and changed source records (what every sync task already does after importing)."""
    return reconcile_run().summary()


def reconcile_all() -> str:
    """Re-check every record and activity (the weekly safety net); writes nothing on unchanged data."""
    return reconcile_run(all=True).summary()


def notify_checks() -> str:
    """The periodic notifications that are due (hourly): each occurrence is sent once."""
    return notices_check().summary()

"""django-q2 task for reconcile on its own (the sync tasks already reconcile after importing)."""

from __future__ import annotations

from reconcile.services import reconcile_run


def reconcile_all() -> str:
    """Re-check every record (a weekly safety net; on unchanged data it changes nothing)."""
    return reconcile_run(all=True).summary()


def reconcile_new() -> str:
    """Only new or changed source records: what `manage.py reconcile` does without flags."""
    return reconcile_run().summary()

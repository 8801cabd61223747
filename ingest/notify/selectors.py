"""Reads of the notification record, for the dashboard and the admin."""

from __future__ import annotations

from django.db.models import QuerySet

from ingest.models import Notification


def recent_notifications(*, limit: int = 5) -> QuerySet[Notification]:
    """The newest notifications, newest first."""
    return Notification.objects.order_by("-created_at", "-pk")[:limit]

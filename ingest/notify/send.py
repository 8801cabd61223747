"""Record a notification once per occurrence, then send it to every channel of RUNBASE_NOTIFY_URLS.

Sending never fails the caller (a sync, a check): a channel that refuses is logged and noted on the
row. Channel URLs carry tokens and passwords, so only their privacy-masked form is ever written.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, IntegrityError, transaction

from ingest.models import Notification, clip_to_field
from ingest.notify.events import event_enabled
from ingest.records import SourceError

logger = logging.getLogger("runbase.notify")

# Several URLs: separated by spaces, or by a comma before the next scheme (a mailto `to=` keeps its commas).
_SPLIT = re.compile(r"\s+|,\s*(?=[A-Za-z][A-Za-z0-9+.-]*://)")


@dataclass(slots=True)
class Delivery:
    sent: int = 0  # channels that accepted it
    errors: list[str] = field(default_factory=list)


def channel_urls() -> list[str]:
    return [url for url in _SPLIT.split(settings.RUNBASE_NOTIFY_URLS.strip()) if url]


def channels_send(*, title: str, body: str) -> Delivery:
    """Send to every configured channel, one at a time, so each failure is named (masked)."""
    import apprise  # only when there is something to send: importing it costs ~0.8 s and ~20 MB

    delivery = Delivery()
    for url in channel_urls():
        plugin = apprise.Apprise.instantiate(url)
        if plugin is None:
            delivery.errors.append(f"not a notification URL apprise knows: {url.split('://')[0]}://…")
            continue
        masked = plugin.url(privacy=True)
        try:
            sent = plugin.notify(body=body or title, title=title)
        except Exception as exc:  # a plugin's own bug must not stop a sync
            delivery.errors.append(f"{masked}: {type(exc).__name__}: {exc}")
            continue
        if sent:
            delivery.sent += 1
        else:
            delivery.errors.append(f"{masked}: refused or unreachable")
    for error in delivery.errors:
        logger.warning("notification not sent: %s", error)
    return delivery


def notify_test() -> Delivery:
    """A test message to every channel; not recorded. No channel configured is a SourceError."""
    if not channel_urls():
        raise SourceError(
            "RUNBASE_NOTIFY_URLS is empty: set it to one apprise URL per channel, e.g. ntfy://ntfy.sh/my-topic"
        )
    return channels_send(title="RunBase: test message", body="Notifications from RunBase reach this channel.")


def notification_send(
    *, event: str, key: str, title: str, body: str = "", subject: str = ""
) -> Notification | None:
    """Raise `event` for the occurrence `key`: record it and send it, unless the event is switched off
    or `key` was raised before (None then). Never raises."""
    if not event_enabled(event):
        return None
    try:
        with transaction.atomic():
            note = Notification.objects.create(
                event=event,
                key=clip_to_field(Notification, "key", key),
                subject=clip_to_field(Notification, "subject", subject),
                title=clip_to_field(Notification, "title", title),
                body=body,
            )
    except IntegrityError:
        return None  # this occurrence was raised already
    except DatabaseError as exc:
        logger.warning("notification %s not recorded (%s): %s", key, exc, title)
        return None
    _deliver(note)
    return note


def _deliver(note: Notification) -> None:
    if not channel_urls():
        status, error = Notification.Status.OFF, ""
    else:
        try:
            delivery = channels_send(title=note.title, body=note.body)
        except Exception as exc:  # e.g. apprise itself failing to load: logged, never raised
            logger.warning("notification not sent: %s", exc)
            delivery = Delivery(errors=[f"{type(exc).__name__}: {exc}"])
        status = Notification.Status.SENT if delivery.sent else Notification.Status.FAILED
        error = "\n".join(delivery.errors)
    try:
        Notification.objects.filter(pk=note.pk).update(status=status, error=error)
    except DatabaseError as exc:
        logger.warning("notification %s: status not recorded (%s)", note.key, exc)
    note.status, note.error = status, error

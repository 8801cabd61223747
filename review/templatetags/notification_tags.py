"""`{% recent_notifications as notes %}`: the last few notifications for the dashboard's include."""

from django import template

from ingest.notify.selectors import recent_notifications as recent

register = template.Library()


@register.simple_tag
def recent_notifications(limit: int = 5):
    return list(recent(limit=limit))

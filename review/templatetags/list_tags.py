"""Template tags of the activity list: column headers that sort, in the query string.

`{% sort_header "distance" "Distance" %}` links to the list sorted by distance, longest first; a second
click reverses it. The other filters stay in the link, the page number does not.
"""

from __future__ import annotations

from django import template
from django.utils.html import format_html

from activities.formatting import distance_in_unit, format_local_time

register = template.Library()

# Which way a column sorts first: the newest, longest, slowest-to-fastest is not what a runner wants
# for pace, which starts with the fastest.
FIRST_ASCENDING = {"pace"}


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str) -> str:
    current = context.get("sort", "")
    base = context.get("sort_query", "")
    if current.removeprefix("-") == key:
        target = key if current.startswith("-") else f"-{key}"
        state = "descending" if current.startswith("-") else "ascending"
        arrow = " ↓" if state == "descending" else " ↑"
    else:
        target = key if key in FIRST_ASCENDING else f"-{key}"
        state, arrow = "", ""
    href = "?" + (f"{base}&" if base else "") + f"sort={target}"
    if state:
        return format_html(
            '<a href="{}" class="sorted" data-direction="{}">{}{}</a>', href, state, label, arrow
        )
    return format_html('<a href="{}" title="Sort by {}">{}</a>', href, label.lower(), label)


@register.filter
def sport_label(sport: str) -> str:
    """`trail_running` → "trail running": sports as a runner says them."""
    return (sport or "no sport").replace("_", " ")


@register.filter
def distance_short(metres: float | None) -> str:
    """5012.3 → "5.0" in the runner's unit, for a phone's calendar cell (the unit is said once above)."""
    return "" if metres is None else f"{distance_in_unit(metres):.1f}"


@register.filter
def local_start(activity) -> str:
    """`{{ activity|local_start }}`: "Thu 9 Oct 2025, 19:40" in its own local time (the list's rows; the
    offset goes in the hover text with `local_time`)."""
    return format_local_time(activity.start_time, activity.utc_offset_s, with_offset=False)

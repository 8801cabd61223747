"""FIT-writing helpers of the demo dataset generator, shared with the data generators under `tests/`.

fit-tool is a development dependency (requirements/test.txt), so it is imported inside the functions:
nothing at run time imports it.
"""

from __future__ import annotations

FIT_EPOCH_UNIX = 631065600  # 1989-12-31T00:00:00Z in Unix seconds


def timer_event(*, start: bool, timestamp_ms: int):
    """The timer start (or stop-all) event that opens (or closes) a recording."""
    from fit_tool.profile.messages.event_message import EventMessage
    from fit_tool.profile.profile_type import Event, EventType

    message = EventMessage()
    message.event = Event.TIMER
    message.event_type = EventType.START if start else EventType.STOP_ALL
    message.timestamp = timestamp_ms
    return message


def activity_message(*, end_ms: int, timer_s: float, utc_offset_s: int):
    """The closing `activity` message; its local timestamp carries the UTC offset, as watches write it."""
    from fit_tool.profile.messages.activity_message import ActivityMessage

    activity = ActivityMessage()
    activity.timestamp = end_ms
    activity.total_timer_time = timer_s
    activity.num_sessions = 1
    activity.local_timestamp = end_ms // 1000 - FIT_EPOCH_UNIX + utc_offset_s
    return activity

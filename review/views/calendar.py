"""The month calendar: each day's runs and each week's running total, a month at a time."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from review import month_calendar, selectors


@login_required
def calendar_view(request: HttpRequest) -> HttpResponse:
    today = selectors.home_today()
    month = month_calendar.calendar_month(
        month=month_calendar.month_parse(request.GET.get("month", ""), today=today), today=today
    )
    runs_before, runs_after = month_calendar.runs_around(month)
    context = {
        "month": month,
        "runs_before": runs_before,
        "runs_after": runs_after,
        "today": today,
        "running_sports": selectors.running_sports(),
    }
    return render(request, "review/calendar.html", context)

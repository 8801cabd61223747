"""The dashboard: what came in, what needs a decision, how the training is going."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from review import selectors


@login_required
def dashboard(request: HttpRequest) -> HttpResponse:
    return render(request, "review/dashboard.html", selectors.dashboard_summary())

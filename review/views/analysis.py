"""Analysis pages: training volume and load, records and VDOT, shoes, trends, and their downloads.

Each page reads one selector of `activities.analysis.selectors`; the downloads write exactly what
`manage.py export_analysis` writes (SI units whatever the display units).
"""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from activities.analysis import selectors
from activities.analysis.export import AnalysisExportError, analysis_export_write
from activities.training_load import home_today
from review.selectors import latest_run

METRICS = {"distance": "Distance", "time": "Moving time", "elevation": "Elevation", "runs": "Runs"}
RUNS_PER_PAGE = 50
CONTENT_TYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}


def _year(request: HttpRequest) -> int | None:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() else None


@login_required
def training(request: HttpRequest) -> HttpResponse:
    metric = request.GET.get("metric") if request.GET.get("metric") in METRICS else "distance"
    today = home_today()
    summary = selectors.training_summary(today=today, year=_year(request))
    context = {"summary": summary, "metric": metric, "metrics": METRICS, "latest_run": None}
    if not any(week.runs for week in summary.volume.weekly[-12:]):
        context["latest_run"] = latest_run(before=today + dt.timedelta(days=1))
    return render(request, "review/training.html", context)


@login_required
def records(request: HttpRequest) -> HttpResponse:
    summary = selectors.records_summary(today=home_today())
    return render(request, "review/records.html", {"summary": summary})


@login_required
def shoes(request: HttpRequest) -> HttpResponse:
    return render(request, "review/shoes.html", {"summary": selectors.shoes_summary()})


@login_required
def shoe_detail(request: HttpRequest, pk: int) -> HttpResponse:
    detail = selectors.shoe_detail(shoe_id=pk)
    if detail is None:
        raise Http404("No such shoe")
    page = Paginator(detail.runs, RUNS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "review/shoe_detail.html", {"detail": detail, "page": page})


@login_required
def trends(request: HttpRequest) -> HttpResponse:
    return render(request, "review/trends.html", {"trends": selectors.trends_summary(today=home_today())})


@login_required
def analysis_export(request: HttpRequest, what: str, fmt: str) -> HttpResponse:
    """One figure as the export command writes it, as a file download."""
    out = io.StringIO()
    try:
        analysis_export_write(out=out, what=what, format=fmt)
    except AnalysisExportError as error:
        raise Http404(str(error)) from error
    response = HttpResponse(out.getvalue(), content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="runbase-{what}.{fmt}"'
    return response

"""The training-log review: rows the import or reconcile doubted, each accepted, corrected or dismissed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from activities.models import ActivitySource
from reconcile.errors import ReconcileError
from reconcile.log_review import log_row_correct, log_row_settle, log_rows_settle
from review.log_forms import LogRowCorrectForm, LogRowsSettleForm
from review.log_rows import log_row, log_rows
from review.selectors import log_rows_flagged

PAGE_SIZE = 25
DONE = {"accept": "accepted", "dismiss": "dismissed"}


@login_required
def log_review(request: HttpRequest) -> HttpResponse:
    page = Paginator(log_rows_flagged(), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "rows": log_rows(page)}
    return render(request, "review/log_review.html", context)


def _flagged(pk: int) -> ActivitySource:
    return get_object_or_404(log_rows_flagged(), pk=pk)


@login_required
@require_POST
def log_row_settle_view(request: HttpRequest, pk: int) -> HttpResponse:
    record, verdict = _flagged(pk), request.POST.get("verdict", "")
    try:
        log_row_settle(record=record, verdict=verdict, settled_by=request.user)
    except ReconcileError as error:
        messages.error(request, f"Not changed: {error}")
    else:
        messages.success(request, f"{log_row(record).label}: {DONE[verdict]}.")
    return redirect("review:log_review")


@login_required
@require_POST
def log_row_correct_view(request: HttpRequest, pk: int) -> HttpResponse:
    record = _flagged(pk)
    form = LogRowCorrectForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, f"Not corrected: {' '.join(errors)}")
        return redirect("review:log_review")
    try:
        activity = log_row_correct(record=record, changes=form.changes(), corrected_by=request.user)
    except ReconcileError as error:
        messages.error(request, f"Not corrected: {error}")
    else:
        messages.success(
            request,
            f"{log_row(record).label}: corrected; the run of {activity.date:%-d %b %Y} now uses your values.",
        )
    return redirect("review:log_review")


@login_required
@require_POST
def log_rows_settle_view(request: HttpRequest) -> HttpResponse:
    """Bulk accept or dismiss: a confirmation page first, then the verdict on every selected row."""
    flagged = log_rows_flagged()
    form = LogRowsSettleForm(request.POST, row_ids=list(flagged.values_list("pk", flat=True)))
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect("review:log_review")
    verdict, ids = form.cleaned_data["verdict"], form.cleaned_data["rows"]
    if not form.cleaned_data["confirmed"]:
        rows = log_rows(flagged.filter(pk__in=ids))
        return render(request, "review/log_review_confirm.html", {"verdict": verdict, "rows": rows})
    settled = log_rows_settle(record_ids=ids, verdict=verdict, settled_by=request.user)
    messages.success(request, f"{settled} training-log row{'s' if settled != 1 else ''} {DONE[verdict]}.")
    return redirect("review:log_review")

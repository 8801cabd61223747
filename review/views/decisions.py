"""The runner's decisions on the activity page: edit fields by hand, detach a record, undo a decision.

Each view calls one reconcile service (the same the admin's actions call) and goes back to the page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from activities.formatting import record_label
from activities.models import Activity, ActivitySource
from reconcile.decisions import decision_undo
from reconcile.detach import record_detach
from reconcile.errors import ReconcileError
from reconcile.models import Decision
from reconcile.selectors import run_label
from reconcile.services import activity_edit
from review.forms import ActivityEditForm, RecordMoveForm


def _errors(form) -> str:
    return " ".join(str(e) for errors in form.errors.values() for e in errors)


@login_required
@require_POST
def activity_edit_view(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(Activity, pk=pk)
    form = ActivityEditForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not saved: {_errors(form)}")
        return redirect("review:activity_detail", pk=pk)
    try:
        activity_edit(activity=activity, changes=form.changes(), edited_by=request.user)
    except ReconcileError as error:
        messages.error(request, f"Not saved: {error}")
    else:
        messages.success(request, "Saved: your values now beat every source.")
    return redirect("review:activity_detail", pk=pk)


@login_required
@require_POST
def record_detach_view(request: HttpRequest, pk: int) -> HttpResponse:
    form = RecordMoveForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"Not moved: {_errors(form)}")
        return redirect("review:activity_detail", pk=pk)
    record = get_object_or_404(ActivitySource, pk=form.cleaned_data["record"], activity_id=pk)
    into = form.cleaned_data["into"]
    target = get_object_or_404(Activity, pk=into) if into else None
    try:
        moved_to = record_detach(record=record, into=target, detached_by=request.user)
    except ReconcileError as error:
        messages.error(request, f"Not moved: {error}")
        return redirect("review:activity_detail", pk=pk)
    link = format_html(
        '<a href="{}">{}</a>', reverse("review:activity_detail", args=[moved_to.pk]), run_label(moved_to)
    )
    where = "is now a run of its own:" if target is None else "joined"
    message = format_html("{} {} {}. It stays there on every re-run.", record_label(record), where, link)
    messages.success(request, message)
    return redirect("review:activity_detail", pk=pk)


@login_required
@require_POST
def decision_undo_view(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_object_or_404(Decision, pk=pk)
    back = request.POST.get("activity", "")
    try:
        decision_undo(decision=decision, undone_by=request.user)
    except ReconcileError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Undone: {decision.summary}.")
    if not (back.isdigit() and Activity.objects.filter(pk=back).exists()):
        back = decision.activity_id
    return redirect("review:activity_detail", pk=back)

"""Conflict pages: the list, one conflict's decision form, bulk approval of auto-resolved ones (shown,
then confirmed)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from activities.formatting import field_label
from reconcile import selectors as conflict_selectors
from reconcile.models import Conflict
from reconcile.services import ReconcileError, conflict_resolve, conflicts_approve
from review.forms import ConflictFilterForm, ConflictResolveForm

PAGE_SIZE = 50


@login_required
def conflict_list(request: HttpRequest) -> HttpResponse:
    form = ConflictFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    conflicts = conflict_selectors.conflict_list(
        field_name=filters.get("field_name", ""), has_new_values=filters.get("has_new_values")
    )
    page = Paginator(conflicts, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "rows": conflict_selectors.conflict_rows(page),
        "field_names": [(n, field_label(n)) for n in sorted(conflict_selectors.conflict_field_names())],
        "auto_resolved_unapproved": conflict_selectors.auto_resolved_unapproved().count(),
    }
    return render(request, "review/conflict_list.html", context)


@login_required
def conflict_detail(request: HttpRequest, pk: int, form: ConflictResolveForm | None = None) -> HttpResponse:
    conflict = get_object_or_404(Conflict.objects.select_related("activity", "resolved_by"), pk=pk)
    context = {
        "conflict": conflict,
        "row": conflict_selectors.conflict_row(conflict),
        "choices": conflict_selectors.conflict_choices(conflict=conflict),
        "average": conflict_selectors.conflict_average(conflict=conflict),
        "spread": conflict_selectors.conflict_spread(conflict=conflict),
        "form": form or ConflictResolveForm(conflict=conflict),
    }
    return render(request, "review/conflict_detail.html", context)


@login_required
@require_POST
def conflict_resolve_view(request: HttpRequest, pk: int) -> HttpResponse:
    conflict = get_object_or_404(Conflict, pk=pk)
    form = ConflictResolveForm(request.POST, conflict=conflict)
    if not form.is_valid():
        return conflict_detail(request, pk, form=form)
    value, source = form.cleaned_data["value"], form.cleaned_data["source"]
    try:
        conflict_resolve(conflict=conflict, value=value, source=source, resolved_by=request.user)
    except ReconcileError as error:
        messages.error(request, f"Not resolved: {error}")
        return redirect("review:conflict_detail", pk=pk)
    shown = conflict_selectors.conflict_value_labels(field_name=conflict.field_name, values=[value])[0]
    run = conflict_selectors.run_label(conflict.activity)
    messages.success(request, f"{field_label(conflict.field_name)} of {run} set to {shown}.")
    return redirect("review:conflict_list")


@login_required
def conflicts_approve_all(request: HttpRequest) -> HttpResponse:
    """GET shows every auto-resolved value awaiting approval; POST approves exactly those shown. A POST
    that lists none (an "Approve all" button elsewhere) is sent to the list first: nothing unseen."""
    if request.method != "POST":
        rows = conflict_selectors.approval_preview()
        return render(request, "review/conflict_approve_confirm.html", {"rows": rows})
    if "conflict" not in request.POST:
        return redirect("review:conflicts_approve_all")
    ids = [int(pk) for pk in request.POST.getlist("conflict") if pk.isdigit()]
    result = conflicts_approve(conflict_ids=ids, approved_by=request.user)
    messages.success(request, f"Approved {result.approved} auto-resolved conflict(s).")
    if result.skipped:
        messages.warning(request, f"{result.skipped} changed since you saw them and were left as they are.")
    return redirect("review:conflict_list")

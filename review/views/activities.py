"""Activity pages: the filtered list and one activity with its sources, charts and decisions."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from activities import selectors as activity_selectors
from activities.models import Activity
from activities.services import activity_review_done
from reconcile import decision_selectors
from reconcile.selectors import run_label
from review import selectors
from review.activity_page import activity_page
from review.forms import ActivityFilterForm

PAGE_SIZE = 50


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    form = ActivityFilterForm(request.GET or None)
    filters = {k: v for k, v in (form.cleaned_data if form.is_valid() else {}).items() if v}
    sort = selectors.sort_key(filters.pop("sort", ""))
    page = Paginator(selectors.activity_ids(sort=sort, **filters), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    context = {
        "form": form,
        "page": page,
        "rows": selectors.activities_in_order(list(page)),
        "sort": sort,
        "sort_choices": selectors.SORT_CHOICES,
        "sport": selectors.sport_choice(filters.get("sport", "")),
        "totals": selectors.activity_totals(**filters),
        "query": _query(request, drop=("page",)),
        "sort_query": _query(request, drop=("page", "sort")),
        **activity_selectors.activity_filter_options(),
    }
    return render(request, "review/activity_list.html", context)


def _query(request: HttpRequest, *, drop: tuple[str, ...]) -> str:
    """The list's query string without `drop`: what a pager or a sort link carries along."""
    query = request.GET.copy()
    for name in drop:
        query.pop(name, None)
    return query.urlencode()


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(Activity.objects.select_related("shoe"), pk=pk)
    context = activity_page(activity=activity, x_axis=request.GET.get("x", "distance"))
    context.update(decision_selectors.activity_decisions_context(activity=activity))
    return render(request, "review/activity_detail.html", context)


@login_required
@require_POST
def activity_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_object_or_404(Activity, pk=pk)
    activity_review_done(activity=activity)
    messages.success(request, f"{run_label(activity)} marked as reviewed.")
    return redirect("review:activity_detail", pk=pk)

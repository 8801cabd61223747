"""The pages around the review pages: sign in and out, the runner's units choice, the favicon."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_POST

from activities.preferences import units_choose

FAVICON = Path(__file__).resolve().parent.parent / "static" / "review" / "favicon.svg"
UNITS_SAID = {"metric": "kilometres and metres", "imperial": "miles and feet"}

login = auth_views.LoginView.as_view(template_name="review/login.html", redirect_authenticated_user=True)
logout = auth_views.LogoutView.as_view(template_name="review/logged_out.html")


@cache
def _favicon_bytes() -> bytes:
    return FAVICON.read_bytes()


@cache_control(max_age=86400, public=True)
def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever the page links: answer with the SVG mark."""
    return HttpResponse(_favicon_bytes(), content_type="image/svg+xml")


@login_required
@require_POST
def units_choose_view(request: HttpRequest) -> HttpResponse:
    """The menu's km | mi switch: store the runner's choice and go back to the page they were on."""
    units = request.POST.get("units", "")
    try:
        units_choose(user=request.user, units=units)
    except ValueError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"Showing {UNITS_SAID.get(units, 'the site default units')}.")
    back = request.POST.get("next", "")
    safe = url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )
    return redirect(back if back and safe else "review:dashboard")

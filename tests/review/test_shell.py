"""The shell around the review pages: sign in and out, the units switch, the favicon, 404 and 500."""

import pytest
from django.test import Client
from django.urls import reverse

from activities.models import RunnerProfile

pytestmark = pytest.mark.django_db


def test_a_protected_page_sends_a_visitor_to_runbases_own_login_page(client):
    response = client.get(reverse("review:calendar"))
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/calendar/"
    page = client.get(response["Location"]).content.decode()
    assert 'name="username"' in page and 'name="password"' in page and "Sign in to RunBase" in page
    assert "Django administration" not in page


def test_signing_in_goes_to_the_page_asked_for_and_a_wrong_password_says_so(client, django_user_model):
    django_user_model.objects.create_user("runner", password="correct horse battery")
    wrong = client.post("/login/", {"username": "runner", "password": "nope", "next": "/calendar/"})
    assert wrong.status_code == 200
    assert "Please enter a correct username and password" in wrong.content.decode()
    right = client.post(
        "/login/", {"username": "runner", "password": "correct horse battery", "next": "/calendar/"}
    )
    assert right.status_code == 302 and right["Location"] == "/calendar/"
    assert (
        client.post("/login/", {"username": "runner", "password": "correct horse battery"})["Location"] == "/"
    )


def test_logging_out_is_a_post_and_ends_on_runbases_signed_out_page(admin_client):
    assert admin_client.get(reverse("review:logout")).status_code == 405
    page = admin_client.post(reverse("review:logout")).content.decode()
    assert "You are signed out" in page and "Thanks for spending" not in page
    assert admin_client.get(reverse("review:dashboard")).status_code == 302


def test_the_admin_keeps_its_own_login(client):
    response = client.get("/admin/")
    assert response.status_code == 302 and response["Location"].startswith("/admin/login/")


def test_the_units_switch_stores_the_runners_choice_and_goes_back(admin_client, admin_user):
    response = admin_client.post(reverse("review:units_choose"), {"units": "imperial", "next": "/calendar/"})
    assert response.status_code == 302 and response["Location"] == "/calendar/"
    assert RunnerProfile.objects.get(user=admin_user).units == "imperial"
    page = admin_client.get(reverse("review:calendar")).content.decode()
    assert 'value="imperial" aria-pressed="true"' in page


def test_the_units_switch_refuses_an_unknown_unit_and_a_foreign_next(admin_client, admin_user):
    response = admin_client.post(
        reverse("review:units_choose"), {"units": "furlongs", "next": "https://evil.example/"}, follow=True
    )
    assert response.redirect_chain[0][0] == "/"
    assert "Unknown units" in response.content.decode()
    assert not RunnerProfile.objects.filter(user=admin_user).exists()


def test_the_favicon_is_served_at_its_usual_address_without_signing_in(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.startswith(b"<svg")


def test_an_unknown_address_gets_a_friendly_page_with_debug_off(settings, admin_client):
    settings.DEBUG = False
    response = admin_client.get("/no/such/page/")
    page = response.content.decode()
    assert response.status_code == 404
    assert "Nothing here" in page and "/no/such/page/" in page and "Log out" in page


def test_the_error_page_renders_without_a_request_or_a_database(settings):
    from django.template import loader

    page = loader.get_template("500.html").render({})
    assert "Something went wrong" in page and "runbase.log" in page


def test_a_server_error_answers_with_the_friendly_page(settings, admin_user):
    settings.DEBUG = False
    settings.ROOT_URLCONF = "tests.review.failing_urls"
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    assert response.status_code == 500 and "Something went wrong" in response.content.decode()


def test_logging_out_of_the_admin_ends_on_the_same_signed_out_page(admin_client):
    page = admin_client.post(reverse("admin:logout")).content.decode()
    assert "You are signed out" in page and "Thanks for spending" not in page


def test_the_units_switch_on_a_page_shown_after_a_post_goes_back_to_the_dashboard(admin_client, tmp_path):
    from tests.support.training_log import flagged_log

    ids = [r.pk for r in flagged_log(tmp_path)]
    page = admin_client.post(reverse("review:log_rows_settle"), {"verdict": "accept", "rows": ids})
    assert "Accept 2 training-log rows?" in page.content.decode()
    assert 'name="next"' not in page.content.decode()
    assert admin_client.post(reverse("review:units_choose"), {"units": "metric"})["Location"] == "/"

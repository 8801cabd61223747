"""The conflict admin's filters find what needs the runner's attention."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_conflict_filters_find_what_needs_attention(admin_client, review_data):
    url = reverse("admin:reconcile_conflict_changelist")
    assert admin_client.get(url).context["cl"].result_count == 2
    pending = admin_client.get(url, {"attention": "yes"}).context["cl"].result_list
    assert [c.field_name for c in pending] == ["distance_m"]
    assert admin_client.get(url, {"status__exact": "auto_resolved"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"q": "6x800"}).context["cl"].result_count == 2

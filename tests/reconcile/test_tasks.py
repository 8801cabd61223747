"""The reconcile q2 task returns reconcile's summary."""

import pytest

from reconcile.tasks import reconcile_all

pytestmark = pytest.mark.django_db(transaction=True)


def test_reconcile_task_returns_the_summary():
    assert reconcile_all() == (
        "created=0 updated=0 unchanged=0 conflicts=0 auto_resolved=0 new_values=0 review=0 moved=0 failed=0"
    )

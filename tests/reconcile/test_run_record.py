import pytest

from ingest.models import SyncState
from reconcile.services import reconcile_run

pytestmark = pytest.mark.django_db


def test_a_reconcile_run_is_recorded_for_runbase_status():
    result = reconcile_run()
    state = SyncState.objects.get(name="reconcile")
    assert state.last_sync_at is not None and state.last_success_at is not None
    assert state.last_summary == result.summary()
    assert state.last_error == ""

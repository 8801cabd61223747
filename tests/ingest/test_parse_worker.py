"""The parse pool's workers die with their parent, however it ends (Linux: /proc is read)."""

import os
import signal
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings

from tests.support.processes import descendants, is_running, wait_gone

# A parent that starts a pool of 2, hands it work, then blocks for good while drawing more.
POOL_PARENT = """
import sys, time
from ingest.parse_worker import ParseJob, parse_many

def jobs():
    for key in range(4):
        yield ParseJob(key=key, name=f"{key}.fit", path=sys.argv[1], home_tz="UTC")
    print("ready", flush=True)
    time.sleep(600)

for _ in parse_many(jobs(), workers=2, window=8):
    pass
"""


def _python(code: str, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(code), *args],
        cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE,
        text=True,
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_pool_workers_die_when_their_parent_is_killed(samples):
    parent = _python(POOL_PARENT, str(samples / "fit" / "runs" / "2013-02-06-12-11-14.fit"))
    assert parent.stdout.readline().strip() == "ready"
    workers = descendants(parent.pid)
    assert len(workers) == 2

    parent.kill()
    parent.wait()

    leaked = wait_gone(workers, timeout_s=5)
    for pid in leaked:  # leave no process behind when this fails
        os.kill(pid, signal.SIGKILL)
    assert leaked == set()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_the_watchdog_ends_a_worker_whose_parent_is_gone_without_the_kernel_telling_it():
    """The portable half (macOS has no PR_SET_PDEATHSIG): a thread that watches os.getppid().

    The child reads its parent's pid before it says it is ready: read after, the parent may already have
    exited and the child would be watching init."""
    middle = _python(
        """
        import subprocess, sys
        child = subprocess.Popen([sys.executable, "-c",
            "import os; parent = os.getppid(); from ingest.parse_worker import parent_watchdog; "
            "print(flush=True); parent_watchdog(parent, interval_s=0.1)"],
            stdout=subprocess.PIPE, text=True)
        child.stdout.readline()
        print(child.pid, flush=True)
        """
    )
    orphan = int(middle.stdout.readline())
    assert is_running(orphan)

    middle.wait()  # exits: its child is reparented, and notices

    assert wait_gone({orphan}, timeout_s=5) == set()


def test_a_worker_whose_parent_died_before_it_started_exits_at_once():
    code = "from ingest.parse_worker import worker_start; worker_start(1, 'fork'); print('lived')"
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, capture_output=True, text=True, timeout=60
    )
    assert (done.returncode, done.stdout) == (1, "")
    assert os.getppid() != 1

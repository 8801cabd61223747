"""Is RunBase working by itself? The facts an uptime monitor (`/healthz`) and `runbase_status --json`
read: the database answers, each set-up source synced successfully lately, the django-q2 cluster runs.

The cluster is "seen" through the database, which every process shares: while it runs, no schedule
is left overdue (its scheduler moves `next_run` on every 30 s); the newest finished task says when it
last worked. Without schedules (syncs from cron) there is nothing to wait for, so nothing to miss.
Only ages and verdicts are reported: no counts, names of files or errors.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Max
from django.utils import timezone
from django_q.models import Schedule, Task

from ingest.models import SyncState
from ingest.watch import watched_sources


@dataclass(slots=True)
class SourceHealth:
    name: str
    last_success_at: dt.datetime | None
    max_age_s: int
    age_s: int | None = None  # seconds since the last success; None: never
    ok: bool = False


@dataclass(slots=True)
class ClusterHealth:
    schedules: int = 0
    overdue: int = 0  # schedules whose run is late by more than the grace period
    last_task_at: dt.datetime | None = None
    watched: bool = True  # RUNBASE_HEALTH_CLUSTER=false: syncs run from cron, the cluster is optional

    @property
    def ok(self) -> bool:
        return not self.watched or self.overdue == 0


@dataclass(slots=True)
class Health:
    database: bool
    sources: list[SourceHealth] = field(default_factory=list)
    cluster: ClusterHealth | None = None

    @property
    def ok(self) -> bool:
        sources_ok = all(s.ok for s in self.sources)
        return self.database and sources_ok and (self.cluster is None or self.cluster.ok)

    def as_dict(self, now: dt.datetime | None = None) -> dict:
        now = now or timezone.now()
        cluster = self.cluster
        return {
            "status": "ok" if self.ok else "error",
            "database": "ok" if self.database else "unreachable",
            "sources": {
                s.name: {"ok": s.ok, "last_success_age_s": s.age_s, "max_age_s": s.max_age_s}
                for s in self.sources
            },
            "cluster": None
            if cluster is None
            else {
                "ok": cluster.ok,
                "watched": cluster.watched,
                "schedules": cluster.schedules,
                "overdue_schedules": cluster.overdue,
                "last_task_age_s": _age(cluster.last_task_at, now),
            },
        }


def _age(when: dt.datetime | None, now: dt.datetime) -> int | None:
    return None if when is None else max(0, int((now - when).total_seconds()))


def source_health(now: dt.datetime) -> list[SourceHealth]:
    """Each set-up scheduled source: its last success, and whether that is recent enough."""
    successes = dict(SyncState.objects.values_list("name", "last_success_at"))
    out = []
    for source in watched_sources():
        last = successes.get(source.name)
        age = _age(last, now)
        limit = int(source.max_age.total_seconds())
        out.append(SourceHealth(source.name, last, limit, age, ok=age is not None and age <= limit))
    return out


def cluster_health(now: dt.datetime) -> ClusterHealth:
    grace = dt.timedelta(minutes=settings.RUNBASE_HEALTH_CLUSTER_GRACE_MINUTES)
    active = Schedule.objects.exclude(repeats=0)
    return ClusterHealth(
        schedules=active.count(),
        overdue=active.filter(next_run__lt=now - grace).count(),
        last_task_at=Task.objects.aggregate(last=Max("stopped"))["last"],
        watched=settings.RUNBASE_HEALTH_CLUSTER,
    )


def health_check() -> Health:
    """Read the health facts; a database that does not answer is the one fact left (never raises)."""
    now = timezone.now()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        return Health(database=True, sources=source_health(now), cluster=cluster_health(now))
    except DatabaseError:
        return Health(database=False)

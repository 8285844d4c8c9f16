"""/healthz: 200 with JSON when the database answers and a worker checked in recently."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from comptoir.jobs.models import WorkerHeartbeat

pytestmark = pytest.mark.django_db


def beat(worker_id: str = "w-1") -> WorkerHeartbeat:
    now = timezone.now()
    return WorkerHeartbeat.objects.create(
        worker_id=worker_id, hostname="box", pid=42, started_at=now, last_seen_at=now
    )


def test_healthz_is_503_when_no_worker_has_checked_in(client):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["workers"] == 0
    assert response.json()["database"] == "ok"


def test_healthz_is_200_with_json_when_a_heartbeat_is_fresh(client):
    heartbeat = beat()
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "workers": 1,
        "last_worker_seen_at": heartbeat.last_seen_at.isoformat(),
    }


def test_healthz_turns_503_when_the_heartbeat_goes_stale(client, settings):
    beat()
    with time_machine.travel(
        timezone.now() + timedelta(seconds=settings.COMPTOIR_WORKER_STALE_AFTER_SECONDS - 1)
    ):
        assert client.get("/healthz").status_code == 200
    with time_machine.travel(
        timezone.now() + timedelta(seconds=settings.COMPTOIR_WORKER_STALE_AFTER_SECONDS + 1)
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unhealthy"

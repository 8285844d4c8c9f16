"""The worker's heartbeat row, read by /healthz and the Background tasks page.

A small daemon thread touches the row every few seconds, so a task that runs for minutes
does not make a healthy worker look dead. The thread has its own database connection
(Django connections are per thread) and closes it when it stops. It says "the process is
alive", not "the queue is moving": the dashboard shows queued and running tasks for that.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta

from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone

from comptoir.jobs.models import WorkerHeartbeat

logger = logging.getLogger(__name__)

# Rows of workers that died without cleaning up (SIGKILL, power loss) are dropped after this.
FORGET_DEAD_WORKERS_AFTER = timedelta(days=1)


class Heartbeat:
    def __init__(self, worker_id: str, *, interval: float) -> None:
        self.worker_id = worker_id
        self.interval = interval
        self.hostname = socket.gethostname()[:255]
        self.pid = os.getpid()
        self.started_at = timezone.now()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        """Write the row now (so it exists before the first task), then keep it fresh."""
        now = timezone.now()
        WorkerHeartbeat.objects.filter(last_seen_at__lt=now - FORGET_DEAD_WORKERS_AFTER).delete()
        self._write(now)
        self._thread = threading.Thread(
            target=self._run, name=f"heartbeat-{self.worker_id}", daemon=True
        )
        self._thread.start()

    def stop(self) -> None:
        """Stop the thread and remove the row: a worker that shut down cleanly is not 'late'."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=self.interval + 5)
        WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()

    def beat(self) -> None:
        self._write(timezone.now())

    def _write(self, now) -> None:
        updated = WorkerHeartbeat.objects.filter(worker_id=self.worker_id).update(last_seen_at=now)
        if updated:
            return
        try:
            with transaction.atomic():
                WorkerHeartbeat.objects.create(
                    worker_id=self.worker_id,
                    hostname=self.hostname,
                    pid=self.pid,
                    started_at=self.started_at,
                    last_seen_at=now,
                )
        except IntegrityError:
            # Another thread of ours wrote it in between: the row is there, which is the point.
            pass

    def _run(self) -> None:
        try:
            while not self._stop.wait(self.interval):
                try:
                    self.beat()
                except DatabaseError:
                    # A database hiccup must not kill the heartbeat for good: try next tick.
                    logger.warning(
                        "Worker %s could not write its heartbeat", self.worker_id, exc_info=True
                    )
                    connection.close()
        finally:
            connection.close()

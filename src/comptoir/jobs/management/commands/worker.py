"""``comptoir worker``: run background tasks from the database queue.

It is django-tasks-db's own worker (claiming with ``select_for_update(skip_locked=True)``, so
any number of workers on any number of machines can share one PostgreSQL) plus three things
the library lacks: a heartbeat row (see ``comptoir.jobs.heartbeat``), retries with
backoff for tasks declared with ``comptoir.jobs.retry.retrying``, and the periodic
cleanups (``comptoir.jobs.periodic``: queued when a long-running worker starts, each run
queueing the next).
"""

from __future__ import annotations

import logging
import os
import signal
import socket
from argparse import ArgumentParser, ArgumentTypeError

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.crypto import get_random_string
from django_tasks import DEFAULT_TASK_BACKEND_ALIAS, TaskResultStatus
from django_tasks_db.management.commands.db_worker import (
    Worker,
    valid_interval,
    valid_max_tasks,
)
from django_tasks_db.models import DBTaskResult

from comptoir.jobs.heartbeat import Heartbeat
from comptoir.jobs.periodic import schedule_next, schedule_periodic
from comptoir.jobs.retry import reschedule_failed_attempt
from comptoir.shop.selectors import shop_read_when_needed

HANDLED_SIGNALS = [signal.SIGINT, signal.SIGTERM] + (
    [signal.SIGQUIT] if hasattr(signal, "SIGQUIT") else []
)


class ComptoirWorker(Worker):
    """django-tasks-db's Worker with a heartbeat and retries."""

    def __init__(self, *, heartbeat_interval: float, **options) -> None:
        super().__init__(**options)
        self.heartbeat = Heartbeat(self.worker_id, interval=heartbeat_interval)

    def run(self) -> None:
        self.heartbeat.start()
        if not self.batch:  # a batch run (tests, one-off) leaves the schedule alone
            schedule_periodic()
        try:
            super().run()
        finally:
            # Also reached on SIGTERM/SIGINT: the library's handler exits with SystemExit.
            self.heartbeat.stop()

    def run_task(self, db_task_result: DBTaskResult) -> None:
        # A task reads the shop row once, however many of its steps ask (the receipt's
        # rendering and its reply address both do), as a web request does.
        with shop_read_when_needed():
            super().run_task(db_task_result)
        if db_task_result.status == TaskResultStatus.FAILED:
            reschedule_failed_attempt(db_task_result)
        schedule_next(db_task_result.task_path)


def positive_interval(value: str) -> float:
    seconds = valid_interval(value)
    if seconds <= 0:
        raise ArgumentTypeError("Must be greater than zero")
    return seconds


def default_worker_id() -> str:
    # Readable in the dashboard and unique across machines; the column holds 64 characters.
    return f"{socket.gethostname()[:40]}-{os.getpid()}-{get_random_string(8)}"


class Command(BaseCommand):
    help = "Run background tasks (all queues unless --queue is given)."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--queue",
            default="*",
            help="Comma-separated queues to process (default: all of them).",
        )
        parser.add_argument(
            "--interval",
            type=valid_interval,
            default=1.0,
            help="Seconds to wait before polling again when nothing is ready (default: 1).",
        )
        parser.add_argument(
            "--batch",
            action="store_true",
            help="Run the tasks that are ready now, then exit.",
        )
        parser.add_argument(
            "--max-tasks",
            type=valid_max_tasks,
            default=None,
            help="Exit after running this many tasks.",
        )
        parser.add_argument(
            "--heartbeat-interval",
            type=positive_interval,
            default=5.0,
            help="Seconds between heartbeats read by /healthz (default: 5).",
        )
        parser.add_argument(
            "--worker-id", default=None, help="Unique id (default: host-pid-random)."
        )

    def handle(
        self,
        *,
        queue: str,
        interval: float,
        batch: bool,
        max_tasks: int | None,
        heartbeat_interval: float,
        worker_id: str | None,
        verbosity: int,
        **options,
    ) -> None:
        queue_names = [name.strip() for name in queue.split(",") if name.strip()] or ["*"]
        known = set(settings.TASKS[DEFAULT_TASK_BACKEND_ALIAS].get("QUEUES", ["default"]))
        unknown = set(queue_names) - known - {"*"}
        if unknown:
            raise CommandError(
                f"Unknown queue(s): {', '.join(sorted(unknown))}. Known: {', '.join(sorted(known))}"
            )
        worker_id = worker_id or default_worker_id()
        if not 0 < len(worker_id) <= 64:
            raise CommandError("--worker-id must be 1 to 64 characters")
        level = logging.WARNING if verbosity == 0 else logging.INFO
        for name in ("django_tasks", "django_tasks_db", "comptoir.jobs"):
            logging.getLogger(name).setLevel(level)

        worker = ComptoirWorker(
            queue_names=queue_names,
            interval=interval,
            batch=batch,
            backend_name=DEFAULT_TASK_BACKEND_ALIAS,
            # The random start-up pause only helps a fleet started at once, not a batch run.
            startup_delay=not batch,
            max_tasks=max_tasks,
            worker_id=worker_id,
            excluded_queue_names=[],
            heartbeat_interval=heartbeat_interval,
        )
        # Put back whatever handled signals before (matters when run inside another program).
        previous = {sig: signal.getsignal(sig) for sig in HANDLED_SIGNALS}
        worker.configure_signals()
        try:
            worker.run()
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)

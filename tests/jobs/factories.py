"""Rows of the task queue, for pages that list them."""

from __future__ import annotations

import factory
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

TRACEBACK = (
    "Traceback (most recent call last):\n"
    '  File "tests/jobs/tasks.py", line 30, in flaky\n'
    '    raise ConnectionError(f"remote end refused {label}")\n'
    "ConnectionError: remote end refused parcel-7\n"
)


class TaskResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DBTaskResult

    task_path = "tests.jobs.tasks.flaky"
    args_kwargs = factory.LazyFunction(lambda: {"args": ["parcel-7"], "kwargs": {}})
    backend_name = "default"
    queue_name = "default"
    status = TaskResultStatus.READY
    run_after = None  # the library's pre_save turns this into "whenever"


class FailedTaskResultFactory(TaskResultFactory):
    status = TaskResultStatus.FAILED
    worker_ids = factory.LazyFunction(lambda: ["w1", "w1", "w2"])
    started_at = factory.LazyFunction(timezone.now)
    finished_at = factory.LazyFunction(timezone.now)
    exception_class_path = "builtins.ConnectionError"
    traceback = TRACEBACK

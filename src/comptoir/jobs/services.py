"""Changes staff make to background work."""

from __future__ import annotations

from dataclasses import replace
from uuid import UUID

from django.core.exceptions import SuspiciousOperation
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from comptoir.errors import Conflict, DomainError, NotFound
from comptoir.jobs.models import ManualRetry
from comptoir.team.access import require
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission


def retry_failed_task(*, actor: TeamMember, result_id: UUID | str) -> ManualRetry:
    """Run a task that failed for good again, from its first attempt.

    The fresh task row is written in the same transaction as the link to the failed one:
    the database queue is the outbox, so both exist or neither does."""
    require(actor, Permission.MANAGE_SETTINGS)
    with transaction.atomic():
        failed = (
            DBTaskResult.objects.select_for_update()
            .filter(pk=result_id, status=TaskResultStatus.FAILED)
            .first()
        )
        if failed is None:
            raise NotFound(_("This task is not in the failed list any more."))
        if ManualRetry.objects.filter(failed_result=failed).exists():
            raise Conflict(_("This task was already queued again."))
        try:
            # Same task, queue and priority; no run_after, so the fresh run can start now.
            task = replace(failed.task, run_after=None)
        except (ImportError, SuspiciousOperation):
            raise DomainError(
                _("This task no longer exists in this version of Comptoir."), code="task_gone"
            ) from None
        fresh = task.enqueue(*failed.args_kwargs["args"], **failed.args_kwargs["kwargs"])
        try:
            with transaction.atomic():
                return ManualRetry.objects.create(
                    failed_result=failed, new_result_id=fresh.id, requested_by=actor
                )
        except IntegrityError:
            # Two clicks at once on SQLite (no row locks): the other one won.
            raise Conflict(_("This task was already queued again.")) from None

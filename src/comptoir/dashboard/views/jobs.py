"""Background tasks page: worker status, failed tasks (with Retry), queued and recent ones."""

from uuid import UUID

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from comptoir.dashboard.access import StaffRequest, staff_view
from comptoir.jobs import selectors, services
from comptoir.team.permissions import Permission


@staff_view(Permission.MANAGE_SETTINGS)
@require_GET
def task_list(request: StaffRequest) -> HttpResponse:
    overview = selectors.task_overview(actor=request.member)
    return render(request, "dashboard/jobs/task_list.html", {"overview": overview})


@staff_view(Permission.MANAGE_SETTINGS)
@require_POST
def task_retry(request: StaffRequest, result_id: UUID) -> HttpResponse:
    retry = services.retry_failed_task(actor=request.member, result_id=result_id)
    messages.success(
        request,
        _("The task was queued again (new run %(id)s).") % {"id": str(retry.new_result_id)[:8]},
    )
    return redirect("dashboard:task_list")

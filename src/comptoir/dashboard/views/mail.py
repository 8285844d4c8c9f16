"""Outbox pages: every email the shop sent or will send, with its text and HTML."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from comptoir.dashboard.access import StaffRequest, staff_view
from comptoir.mail import selectors, services
from comptoir.mail.backends import mail_is_kept_not_delivered
from comptoir.team.permissions import Permission

PER_PAGE = 50


@staff_view(Permission.MANAGE_SETTINGS)
@require_GET
def outbox(request: StaffRequest) -> HttpResponse:
    page = Paginator(selectors.outbox_page(request.member), PER_PAGE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "dashboard/mail/outbox.html",
        {
            "page": page,
            "kept_not_delivered": mail_is_kept_not_delivered(),
        },
    )


@staff_view(Permission.MANAGE_SETTINGS)
@require_GET
def outbox_detail(request: StaffRequest, email_id: int) -> HttpResponse:
    email = selectors.emails_visible_to(request.member).filter(pk=email_id).first()
    if email is None:
        raise Http404
    return render(
        request,
        "dashboard/mail/outbox_detail.html",
        {
            "email": email,
            "kept_not_delivered": mail_is_kept_not_delivered(),
        },
    )


@staff_view(Permission.MANAGE_SETTINGS)
@require_POST
def outbox_test(request: StaffRequest) -> HttpResponse:
    email = services.send_test_email(actor=request.member)
    messages.success(
        request, _("A test email to %(address)s was queued.") % {"address": email.to_address}
    )
    return redirect("dashboard:outbox")

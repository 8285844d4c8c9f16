"""Customer messages in the back office: the inbox, a conversation with its composer,
starting a conversation (find or create the customer), attachments, the composer's
segment counter, the business identity that messaging needs, and the development text
outbox. Everything but the business identity (MANAGE_SETTINGS) needs the "View and
send messages to customers" permission; sending also needs the business verified."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import content_disposition_header, urlencode
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.consent.rules import needs_attestation, text_refusal
from comptoir.customers.forms import CustomerRecordForm
from comptoir.customers.models import Customer
from comptoir.customers.selectors import DirectoryFilters, directory_page
from comptoir.customers.services.records import create_customer
from comptoir.dashboard.access import StaffRequest, staff_view
from comptoir.dashboard.paging import CappedPaginator
from comptoir.dashboard.views.message_rows import inbox_rows_html, messages_html
from comptoir.errors import DomainError, InvalidInput, NotFound
from comptoir.messaging import selectors, services, verification
from comptoir.messaging.models import Channel, Conversation
from comptoir.messaging.segments import segment_info
from comptoir.team.permissions import Permission

PERMISSION = Permission.MESSAGE_CUSTOMERS
INBOX_PAGE_SIZE = 30
# The conversation page asks for news this often (htmx polling).
REFRESH_SECONDS = 5
# What one message may carry (staff uploads).
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024


# --- forms ---------------------------------------------------------------------------


class ComposerForm(forms.Form):
    channel = forms.ChoiceField(
        label=gettext_lazy("Send by"), choices=Channel.choices, widget=forms.RadioSelect
    )
    subject = forms.CharField(label=gettext_lazy("Subject"), max_length=255, required=False)
    body = forms.CharField(
        label=gettext_lazy("Message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    attachment = forms.FileField(label=gettext_lazy("Attachment"), required=False)

    def __init__(self, *args: Any, channels: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = {Channel.SMS: _("Send by text"), Channel.EMAIL: _("Send by email")}
        field = self.fields["channel"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(channel, labels[Channel(channel)]) for channel in channels]

    def clean_attachment(self) -> Any:
        upload = self.cleaned_data.get("attachment")
        if upload is not None and upload.size > MAX_ATTACHMENT_BYTES:
            raise ValidationError(_("Attach a file of 10 MB or less."))
        return upload

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("channel") == Channel.SMS and data.get("attachment") is not None:
            self.add_error("attachment", _("Texts cannot carry attachments: send by email."))
        return data


class NewCustomerForm(CustomerRecordForm):
    class Meta(CustomerRecordForm.Meta):
        fields = ("first_name", "last_name", "email", "mobile")  # type: ignore[assignment]

    def clean(self) -> dict[str, Any]:
        data = forms.ModelForm.clean(self) or {}
        if not data.get("email") and not data.get("mobile") and not self.errors:
            raise ValidationError(_("Enter an email address or a mobile number to write to."))
        return data


class VerificationForm(forms.Form):
    legal_name = forms.CharField(label=gettext_lazy("Legal business name"), max_length=200)
    registration_number = forms.CharField(max_length=40)
    address = forms.CharField(
        label=gettext_lazy("Business address"), widget=forms.Textarea(attrs={"rows": 3})
    )
    owner_name = forms.CharField(label=gettext_lazy("Owner's name"), max_length=200)

    def __init__(self, *args: Any, country: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["registration_number"].label = verification.registration_label(
            country
        ).capitalize()


# --- helpers -------------------------------------------------------------------------


def _profile_url(customer_id: int) -> str:
    return reverse("dashboard:customer_detail", kwargs={"customer_id": customer_id})


def _attest_url(customer_id: int) -> str:
    """The consent dialog, which returns to this conversation with texts chosen."""
    dialog = reverse("dashboard:text_consent_attest", kwargs={"customer_id": customer_id})
    back = f"{_conversation_url(customer_id)}?{urlencode({'channel': Channel.SMS.value})}"
    return f"{dialog}?{urlencode({'next': back})}"


def _conversation_url(customer_id: int) -> str:
    return reverse("dashboard:message_conversation", kwargs={"customer_id": customer_id})


def _gate(request: StaffRequest) -> dict[str, Any]:
    """What every inbox page shows about the business verification."""
    return {
        "verified": selectors.business_verified(),
        "can_verify": request.member.has_permission(Permission.MANAGE_SETTINGS),
    }


# --- the inbox -----------------------------------------------------------------------


@staff_view(PERMISSION)
@require_GET
def message_inbox(request: StaffRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    page: Any
    if query:
        page = selectors.search_inbox(
            request.member, query, _int(request.GET.get("page")) or 1, per_page=INBOX_PAGE_SIZE
        )
    else:
        # Inbox has what Paginator reads (count() and slices), not a whole sequence.
        number = request.GET.get("page")
        inbox = cast(Any, selectors.Inbox(request.member, page=number, per_page=INBOX_PAGE_SIZE))
        page = Paginator(inbox, INBOX_PAGE_SIZE).get_page(number)
    return render(
        request,
        "dashboard/messages/inbox.html",
        {
            "page": page,
            # The rows as the template's loop wrote them, joined once.
            "rows": SafeString(
                "".join(f"\n    {row}" for row in inbox_rows_html(page.object_list))
            ),
            "query": query,
            **_gate(request),
        },
    )


# --- a conversation ------------------------------------------------------------------


def _conversation_context(
    request: StaffRequest,
    customer: Customer,
    conversation: Conversation | None,
    form: ComposerForm | None = None,
    error: DomainError | None = None,
) -> dict[str, Any]:
    before = _int(request.GET.get("before"))
    page = (
        selectors.message_page(conversation, before=before)
        if conversation is not None
        else selectors.MessagePage(messages=[], older_cursor=None)
    )
    channels = selectors.channels_on_file(customer)
    if form is None:
        chosen = request.GET.get("channel")
        if chosen not in channels:
            chosen = selectors.default_channel(customer, conversation)
        form = ComposerForm(initial={"channel": chosen}, channels=channels)
    body = str(form["body"].value() or "")
    # Why a text would be refused now (a STOP, no consent yet): said before typing.
    text_notice = (
        text_refusal(customer=customer, number=selectors.sms_number(customer), staff_initiated=True)
        if Channel.SMS in channels
        else None
    )
    return {
        "text_notice": text_notice,
        "text_notice_attest_url": (
            _attest_url(customer.pk) if needs_attestation(text_notice) else ""
        ),
        "customer": customer,
        "conversation": conversation,
        "page": page,
        "rows": SafeString("".join(messages_html(page.messages, customer))),
        "latest": before is None,
        "form": form,
        "channels": channels,
        "missing": _missing(customer),
        "profile_url": _profile_url(customer.pk),
        "error": error,
        "attest_url": (
            _attest_url(customer.pk)
            if isinstance(error, services.TextRefused) and needs_attestation(error.refusal)
            else ""
        ),
        "counter": segment_info(body),
        "refresh_seconds": REFRESH_SECONDS,
        **_gate(request),
    }


def _missing(customer: Customer) -> list[str]:
    name = customer.full_name or str(customer)
    missing = []
    if not selectors.sms_number(customer):
        missing.append(_("No mobile number on file for %(name)s.") % {"name": name})
    if not customer.email:
        missing.append(_("No email address on file for %(name)s.") % {"name": name})
    return missing


def _int(raw: str | None) -> int | None:
    try:
        return int(raw) if raw else None
    except ValueError:
        return None


@staff_view(PERMISSION)
@require_GET
def message_conversation(request: StaffRequest, customer_id: int) -> HttpResponse:
    customer, conversation = selectors.customer_and_conversation(request.member, customer_id)
    if conversation is not None:
        services.mark_read(actor=request.member, conversation=conversation)
    return render(
        request,
        "dashboard/messages/conversation.html",
        _conversation_context(request, customer, conversation),
    )


@staff_view(PERMISSION)
@require_GET
def message_conversation_updates(request: StaffRequest, customer_id: int) -> HttpResponse:
    """The latest messages (htmx polling): new ones appear, statuses move, unread 0."""
    customer, conversation = selectors.customer_and_conversation(request.member, customer_id)
    if conversation is not None:
        services.mark_read(actor=request.member, conversation=conversation)
    page = (
        selectors.message_page(conversation)
        if conversation is not None
        else selectors.MessagePage(messages=[], older_cursor=None)
    )
    return render(
        request,
        "dashboard/messages/_messages.html",
        {
            "customer": customer,
            "page": page,
            "rows": SafeString("".join(messages_html(page.messages, customer))),
            "latest": True,
            "refresh_seconds": REFRESH_SECONDS,
        },
    )


@staff_view(PERMISSION)
@require_POST
def message_send(request: StaffRequest, customer_id: int) -> HttpResponse:
    customer = selectors.customer_to_message(request.member, customer_id, sending=True)
    # Both channels are accepted here: for one without an address on file, the service
    # names what is missing (with a link to the profile) rather than "invalid choice".
    form = ComposerForm(request.POST, request.FILES, channels=[Channel.SMS, Channel.EMAIL])
    error: DomainError | None = None
    if form.is_valid():
        upload = form.cleaned_data.get("attachment")
        attachments = (
            [
                services.NewAttachment(
                    filename=upload.name,
                    content_type=upload.content_type or "",
                    content=upload.read(),
                )
            ]
            if upload is not None
            else []
        )
        try:
            services.send_message(
                actor=request.member,
                customer=customer,
                channel=form.cleaned_data["channel"],
                body=form.cleaned_data["body"],
                subject=form.cleaned_data.get("subject") or "",
                attachments=attachments,
            )
        except InvalidInput as refused:
            for field, message in refused.errors.items():
                form.add_error(field if field in form.fields else None, str(message))
            error = refused
        except DomainError as refused:
            error = refused
        else:
            flash.success(request, _("Message queued: it is on its way."))
            return redirect(_conversation_url(customer.pk))
    conversation = selectors.conversation_of(customer)
    context = _conversation_context(request, customer, conversation, form=form, error=error)
    status = error.status if error is not None else 400
    return render(request, "dashboard/messages/conversation.html", context, status=status)


@staff_view(PERMISSION)
@require_GET
def message_attachment(request: StaffRequest, customer_id: int) -> HttpResponse:
    """An attachment, only through its conversation (``?file=<id>``)."""
    conversation = selectors.conversation_for_staff(request.member, customer_id)
    attachment_id = _int(request.GET.get("file"))
    if conversation is None or attachment_id is None:
        raise NotFound(_("No such attachment."))
    attachment = selectors.attachment_in(conversation, attachment_id)
    with attachment.file.open("rb") as handle:
        content = handle.read()
    response = HttpResponse(content, content_type="application/octet-stream")
    # Always a download, never rendered in the dashboard's origin (an HTML attachment
    # would otherwise run there).
    response["Content-Disposition"] = content_disposition_header(True, attachment.filename)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_view(PERMISSION)
@require_http_methods(["GET", "POST"])
def message_segments(request: StaffRequest) -> HttpResponse:
    """The composer's counter: characters and text segments of ``body``."""
    data = request.POST if request.method == "POST" else request.GET
    return render(
        request,
        "dashboard/messages/_counter.html",
        {"counter": segment_info(data.get("body", ""))},
    )


# --- starting a conversation ---------------------------------------------------------


@staff_view(PERMISSION)
@require_GET
def message_new(request: StaffRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()
    found = (
        directory_page(request.member, DirectoryFilters(search=query), 1, per_page=20).customers
        if query
        else []
    )
    form = NewCustomerForm(region=request.shop.country, member=request.member)
    return render(
        request,
        "dashboard/messages/new.html",
        {"query": query, "found": found, "form": form, **_gate(request)},
    )


@staff_view(PERMISSION)
@require_POST
def message_new_customer(request: StaffRequest) -> HttpResponse:
    """Create the customer on the spot (needs "Manage customers" too), then write."""
    form = NewCustomerForm(request.POST, region=request.shop.country, member=request.member)
    status = 400
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in NewCustomerForm.Meta.fields}
        try:
            customer = create_customer(actor=request.member, fields=fields)
        except DomainError as error:
            form.add_error(None, str(error.message))
            status = error.status
        else:
            return redirect(_conversation_url(customer.pk))
    return render(
        request,
        "dashboard/messages/new.html",
        {"query": "", "found": [], "form": form, **_gate(request)},
        status=status,
    )


# --- the business identity -----------------------------------------------------------


@staff_view(Permission.MANAGE_SETTINGS)
@require_http_methods(["GET", "POST"])
def message_verification(request: StaffRequest) -> HttpResponse:
    country = request.shop.country
    row = verification.current()
    status = 200
    if request.method == "POST":
        form = VerificationForm(request.POST, country=country)
        # Saved even when incomplete (nothing typed is lost); the service says what is wrong.
        form.is_valid()
        values = {name: str(request.POST.get(name, "")) for name in verification.FIELDS}
        try:
            verification.save_verification(actor=request.member, values=values)
        except InvalidInput as error:
            for field, message in error.errors.items():
                if field not in form.errors:
                    form.add_error(field if field in form.fields else None, str(message))
            status = 400
        else:
            flash.success(request, _("The business identity is verified: messaging is on."))
            return redirect("dashboard:message_verification")
    else:
        initial = {name: getattr(row, name) for name in verification.FIELDS} if row else {}
        form = VerificationForm(initial=initial, country=country)
    return render(
        request,
        "dashboard/messages/verification.html",
        {"form": form, "row": row, "verified": bool(row and row.verified_at)},
        status=status,
    )


# --- the development text outbox -----------------------------------------------------


@staff_view(PERMISSION)
@require_GET
def message_sms_outbox(request: StaffRequest) -> HttpResponse:
    page = CappedPaginator(selectors.development_texts(), 50).get_page(request.GET.get("page"))
    return render(request, "dashboard/messages/sms_outbox.html", {"page": page})

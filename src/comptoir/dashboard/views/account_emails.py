"""The account emails the owner can customise (welcome, password reset), per language:
the list, the edit form (with a preview of what is typed), the preview of what is sent
now, and the reset to the default. Which email and language a page is about travel in
the query string (?email=account_welcome&language=fr)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from comptoir.accounts.models import AccountEmail
from comptoir.accounts.services.emails import (
    PLACEHOLDERS,
    custom_version,
    default_body,
    default_subject,
    preview_account_email,
    reset_account_email,
    save_account_email,
)
from comptoir.dashboard.access import StaffRequest, staff_view
from comptoir.errors import InvalidInput
from comptoir.shop.selectors import get_shop
from comptoir.team.permissions import Permission
from comptoir.users.models import Language


class AccountEmailForm(forms.Form):
    subject = forms.CharField(
        label=gettext_lazy("Subject"),
        max_length=200,
        error_messages={"required": gettext_lazy("Write the subject of the email.")},
    )
    body = forms.CharField(
        label=gettext_lazy("Text"),
        widget=forms.Textarea(attrs={"rows": 14}),
        strip=False,
        error_messages={"required": gettext_lazy("Write the text of the email.")},
    )


def _which(request: StaffRequest) -> tuple[str, str, dict[str, str]]:
    """The email and language the page is about, from the query string (404 if unknown)."""
    kind = request.GET.get("email", "")
    language = request.GET.get("language", "")
    if kind not in AccountEmail.Kind.values or language not in Language.values:
        raise Http404
    return (
        kind,
        language,
        {
            "kind": kind,
            "kind_label": str(AccountEmail.Kind(kind).label),
            "language": language,
            "language_label": str(Language(language).label),
            "query": urlencode({"email": kind, "language": language}),
        },
    )


def _url(name: str, kind: str, language: str) -> str:
    return f"{reverse(name)}?{urlencode({'email': kind, 'language': language})}"


@staff_view(Permission.MANAGE_CUSTOMERS)
@require_GET
def account_emails(request: StaffRequest) -> HttpResponse:
    customised = {(e.kind, e.language): e for e in AccountEmail.objects.all()}
    rows = [
        {
            "kind": kind,
            "kind_label": kind_label,
            "language": language,
            "language_label": Language(language).label,
            "custom": customised.get((kind, language)),
            "query": urlencode({"email": kind, "language": language}),
        }
        for kind, kind_label in AccountEmail.Kind.choices
        for language in get_shop().languages
    ]
    return render(request, "dashboard/customers/emails/list.html", {"rows": rows})


@staff_view(Permission.MANAGE_CUSTOMERS)
@require_http_methods(["GET", "POST"])
def account_email_edit(request: StaffRequest) -> HttpResponse:
    kind, language, about = _which(request)
    custom = custom_version(kind, language)
    initial = {
        "subject": custom.subject if custom else default_subject(kind, language),
        "body": custom.body if custom else default_body(kind, language),
    }
    form = AccountEmailForm(request.POST or None, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        subject, body = form.cleaned_data["subject"], form.cleaned_data["body"]
        try:
            if "preview" in request.POST:
                preview = preview_account_email(kind, language=language, subject=subject, body=body)
            else:
                save_account_email(
                    actor=request.member, kind=kind, language=language, subject=subject, body=body
                )
        except InvalidInput as error:
            for field, message in error.errors.items():
                form.add_error(field if field in form.fields else None, str(message))
        else:
            if preview is None:
                messages.success(
                    request,
                    _("The %(email)s in %(language)s is saved.")
                    % {"email": about["kind_label"].lower(), "language": about["language_label"]},
                )
                return redirect("dashboard:account_emails")
    return render(
        request,
        "dashboard/customers/emails/edit.html",
        {
            **about,
            "form": form,
            "custom": custom,
            "preview": preview,
            "placeholders": PLACEHOLDERS,
        },
    )


@staff_view(Permission.MANAGE_CUSTOMERS)
@require_GET
def account_email_preview(request: StaffRequest) -> HttpResponse:
    kind, language, about = _which(request)
    return render(
        request,
        "dashboard/customers/emails/preview.html",
        {
            **about,
            "custom": custom_version(kind, language),
            "preview": preview_account_email(kind, language=language),
        },
    )


@staff_view(Permission.MANAGE_CUSTOMERS)
@require_http_methods(["GET", "POST"])
def account_email_reset(request: StaffRequest) -> HttpResponse:
    kind, language, about = _which(request)
    if request.method == "POST":
        reset_account_email(actor=request.member, kind=kind, language=language)
        messages.success(
            request,
            _("The %(email)s in %(language)s is back to the default.")
            % {"email": about["kind_label"].lower(), "language": about["language_label"]},
        )
        return redirect(_url("dashboard:account_email_preview", kind, language))
    return render(
        request,
        "dashboard/customers/emails/reset.html",
        {**about, "custom": custom_version(kind, language)},
    )

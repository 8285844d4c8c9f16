"""The shop's account terms, per language: each save publishes a new version, and
sign-ups record the version they accepted."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from comptoir.accounts.services.terms import publish_terms, terms_text_for
from comptoir.dashboard.access import StaffRequest, staff_view
from comptoir.errors import InvalidInput
from comptoir.team.permissions import Permission
from comptoir.users.models import Language


class TermsForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Terms"),
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={
            "required": gettext_lazy("Write the terms shoppers accept when they create an account.")
        },
    )


@staff_view(Permission.MANAGE_SETTINGS)
@require_http_methods(["GET", "POST"])
def account_terms(request: StaffRequest) -> HttpResponse:
    posted = request.POST.get("language") if request.method == "POST" else None
    sections = []
    for code, label in Language.choices:
        terms, text = terms_text_for(code)
        form = TermsForm(
            request.POST if code == posted else None, prefix=code, initial={"text": text}
        )
        if code == posted and form.is_valid():
            try:
                published = publish_terms(
                    actor=request.member, language=code, text=form.cleaned_data["text"]
                )
            except InvalidInput as error:
                for field, message in error.errors.items():
                    form.add_error(field if field in form.fields else None, str(message))
            else:
                messages.success(
                    request,
                    _("Version %(version)d of the %(language)s terms is published.")
                    % {"version": published.version, "language": label},
                )
                return redirect("dashboard:account_terms")
        sections.append({"code": code, "label": label, "terms": terms, "form": form})
    return render(request, "dashboard/accounts/terms.html", {"sections": sections})

"""The customers CSV import: upload a file, then read what was created, updated and
rejected (line by line). The work is customers.services.importing's."""

from __future__ import annotations

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from comptoir.customers.csv_columns import COLUMNS
from comptoir.customers.services.importing import (
    MAX_BYTES,
    MAX_ROWS,
    ImportFileError,
    import_customers,
)
from comptoir.dashboard.access import StaffRequest, staff_view
from comptoir.team.permissions import Permission

TEMPLATE = "dashboard/customers/import.html"
# Below the web worker's 60 s timeout (comptoir.server.gunicorn_app): a longer import
# stops between two lines and says which were not imported, rather than being killed.
TIME_BUDGET = 45


class CustomerImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("CSV file"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )

    def clean_file(self) -> UploadedFile:
        upload = self.cleaned_data["file"]
        # Told before reading it: an upload this large is never loaded into memory.
        if upload.size > MAX_BYTES:
            raise forms.ValidationError(
                _("The file is larger than %(size)s MB: split it into smaller files.")
                % {"size": MAX_BYTES // (1024 * 1024)},
                code="too_large",
            )
        return upload


@staff_view(Permission.MANAGE_CUSTOMERS)
def customer_import(request: StaffRequest) -> HttpResponse:
    """GET: the upload form; POST: import, then the result (400 when the file itself
    cannot be used: nothing is saved then)."""
    context = {
        "max_mb": MAX_BYTES // (1024 * 1024),
        "max_rows": MAX_ROWS,
        "columns": [column.label for column in COLUMNS],
    }
    if request.method != "POST":
        return render(request, TEMPLATE, {"form": CustomerImportForm(), **context})
    form = CustomerImportForm(request.POST, request.FILES)
    if not form.is_valid():
        return render(request, TEMPLATE, {"form": form, **context}, status=400)
    upload = form.cleaned_data["file"]
    try:
        result = import_customers(actor=request.member, data=upload.read(), time_budget=TIME_BUDGET)
    except ImportFileError as error:
        form.add_error("file", str(error.message))
        return render(request, TEMPLATE, {"form": form, **context}, status=400)
    return render(
        request,
        TEMPLATE,
        {"form": CustomerImportForm(), "result": result, "file_name": upload.name, **context},
    )

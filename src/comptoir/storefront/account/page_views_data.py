"""The shopper downloads everything the shop holds about them, as JSON (the same file
the back office exports: customers.personal_data), from their own record only."""

from __future__ import annotations

import json

from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse
from django.views.decorators.http import require_GET

from comptoir.customers.personal_data import personal_data
from comptoir.storefront.account.access import account_page


@require_GET
@account_page
def account_data_export(request: HttpRequest) -> HttpResponse:
    customer = request.customer  # type: ignore[attr-defined]
    data = personal_data(customer)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="my-data.json"'
    response["Cache-Control"] = "no-store"
    return response

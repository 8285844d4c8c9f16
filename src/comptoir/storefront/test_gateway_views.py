"""The test gateway's card form endpoint: plays the processor's tokenizing service for
``static/comptoir/test-gateway.js``. The card number and security code are posted here
(never to the checkout or account views, whose card inputs have no ``name``) and
dropped as soon as the token exists.

Contract: POST JSON ``{"number", "exp_month", "exp_year", "cvc"}``; answers
``200 {"token": "tok_test_…"}`` or ``400 {"errors": {"number"|"expiry"|"cvc"|"": message}}``.
Only answers while the shop uses the test gateway."""

from __future__ import annotations

import json

from django.http import Http404, HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.payments.gateways.testing import InvalidTestCard, tokenize_test_card
from comptoir.shop.models import PaymentGateway
from comptoir.shop.selectors import get_shop


@require_POST
def tokenize_card(request: HttpRequest) -> JsonResponse:
    if get_shop().payment_gateway != PaymentGateway.TEST:
        raise Http404
    try:
        data = json.loads(request.body or b"{}")
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return JsonResponse({"errors": {"": _("Send the card details as JSON.")}}, status=400)
    try:
        token = tokenize_test_card(
            str(data.get("number", "")),
            str(data.get("exp_month", "")),
            str(data.get("exp_year", "")),
            str(data.get("cvc", "")),
        )
    except InvalidTestCard as error:
        return JsonResponse(
            {"errors": {key: str(message) for key, message in error.errors.items()}},
            status=400,
        )
    return JsonResponse({"token": token})

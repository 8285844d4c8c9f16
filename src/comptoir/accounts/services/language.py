"""The shopper's language: on the customer record (emails about orders) and on the login
(account emails), so both speak the same language."""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from comptoir.customers.models import Customer
from comptoir.errors import InvalidInput
from comptoir.users.models import Language, User


def set_language(*, customer: Customer, language: str) -> None:
    if language not in Language.values:
        raise InvalidInput({"language": _("Choose French or English.")})
    with transaction.atomic():
        Customer.objects.filter(pk=customer.pk).update(language=language)
        if customer.user_id is not None:
            User.objects.filter(pk=customer.user_id).update(language=language)
    customer.language = language

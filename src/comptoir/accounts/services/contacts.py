"""The shopper's phone numbers and additional emails. The primary phone is also the
customer record's ``phone`` (what staff and texts use). The sign-in email is the login's
and is never changed here: a shopper who wants another one creates a new account."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from comptoir.accounts.models import ContactEmail, ContactPhone
from comptoir.accounts.services import primary as primary_rows
from comptoir.customers.models import Customer
from comptoir.customers.phones import InvalidPhone, to_e164
from comptoir.errors import InvalidInput
from comptoir.shop.selectors import get_shop

# --- phones


def add_phone(*, customer: Customer, number: str, make_primary: bool = False) -> ContactPhone:
    """Add a phone number (stored in E.164); the first one becomes primary."""
    e164 = _phone(number)
    with transaction.atomic():
        phones = _locked_phones(customer)
        if phones.filter(number=e164).exists():
            raise InvalidInput({"number": _("This number is already in your contact details.")})
        primary = primary_rows.claim_primary(phones, wanted=make_primary)
        phone = ContactPhone.objects.create(customer=customer, number=e164, is_primary=primary)
        if primary:
            _copy_primary_phone(customer, e164)
    return phone


def update_phone(*, customer: Customer, phone_id: int, number: str) -> ContactPhone:
    e164 = _phone(number)
    with transaction.atomic():
        phones = _locked_phones(customer)
        phone = _phone_row(phones, phone_id)
        if phones.filter(number=e164).exclude(pk=phone.pk).exists():
            raise InvalidInput({"number": _("This number is already in your contact details.")})
        phone.number = e164
        phone.save(update_fields=["number"])
        if phone.is_primary:
            _copy_primary_phone(customer, e164)
    return phone


def make_phone_primary(*, customer: Customer, phone_id: int) -> ContactPhone:
    with transaction.atomic():
        phones = _locked_phones(customer)
        phone = _phone_row(phones, phone_id)
        primary_rows.make_primary(phones, phone)
        _copy_primary_phone(customer, phone.number)
    return phone


def delete_phone(*, customer: Customer, phone_id: int) -> None:
    """Delete a number; when it was primary the oldest remaining one takes its place
    (also on the customer record, which is cleared when none remains)."""
    with transaction.atomic():
        phones = _locked_phones(customer)
        phone = _phone_row(phones, phone_id)
        phone.delete()
        if phone.is_primary:
            successor = primary_rows.promote_successor(phones)
            _copy_primary_phone(customer, successor.number if successor else "")


def _phone(number: str) -> str:
    try:
        e164 = to_e164(number, get_shop().country)
    except InvalidPhone as error:
        raise InvalidInput({"number": error.message}) from error
    if not e164:
        raise InvalidInput({"number": _("Enter a phone number.")})
    return e164


def _locked_phones(customer: Customer) -> QuerySet[ContactPhone]:
    return primary_rows.locked_rows(ContactPhone, customer)


def _phone_row(phones: QuerySet[ContactPhone], phone_id: int) -> ContactPhone:
    return primary_rows.find(phones, phone_id, _("No such phone number."))


def _copy_primary_phone(customer: Customer, number: str) -> None:
    customer.phone = number
    Customer.objects.filter(pk=customer.pk).update(
        phone=number, search_text=customer.computed_search_text()
    )


# --- additional emails


def add_email(*, customer: Customer, email: str, make_primary: bool = False) -> ContactEmail:
    """Add an additional email address; the first one becomes primary."""
    address = _email(customer, email)
    with transaction.atomic():
        emails = _locked_emails(customer)
        if emails.filter(email__iexact=address).exists():
            raise InvalidInput({"email": _("This email is already in your contact details.")})
        primary = primary_rows.claim_primary(emails, wanted=make_primary)
        try:
            with transaction.atomic():
                return ContactEmail.objects.create(
                    customer=customer, email=address, is_primary=primary
                )
        except IntegrityError as error:
            raise InvalidInput(
                {"email": _("This email is already in your contact details.")}
            ) from error


def update_email(*, customer: Customer, email_id: int, email: str) -> ContactEmail:
    address = _email(customer, email)
    with transaction.atomic():
        emails = _locked_emails(customer)
        contact = _email_row(emails, email_id)
        if emails.filter(email__iexact=address).exclude(pk=contact.pk).exists():
            raise InvalidInput({"email": _("This email is already in your contact details.")})
        contact.email = address
        contact.save(update_fields=["email"])
    return contact


def make_email_primary(*, customer: Customer, email_id: int) -> ContactEmail:
    with transaction.atomic():
        emails = _locked_emails(customer)
        contact = _email_row(emails, email_id)
        primary_rows.make_primary(emails, contact)
    return contact


def delete_email(*, customer: Customer, email_id: int) -> None:
    with transaction.atomic():
        emails = _locked_emails(customer)
        contact = _email_row(emails, email_id)
        contact.delete()
        if contact.is_primary:
            primary_rows.promote_successor(emails)


def _email_row(emails: QuerySet[ContactEmail], email_id: int) -> ContactEmail:
    return primary_rows.find(emails, email_id, _("No such email."))


def _email(customer: Customer, email: str) -> str:
    address = (email or "").strip()
    if not address:
        raise InvalidInput({"email": _("Enter an email address.")})
    try:
        validate_email(address)
    except ValidationError as error:
        raise InvalidInput({"email": _("Enter a valid email address.")}) from error
    sign_in = customer.user.email if customer.user else customer.email
    if sign_in and address.lower() == sign_in.lower():
        raise InvalidInput({"email": _("This is already your sign-in email.")})
    return address


def _locked_emails(customer: Customer) -> QuerySet[ContactEmail]:
    return primary_rows.locked_rows(ContactEmail, customer)

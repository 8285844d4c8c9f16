"""Everything held about a customer as one JSON file: downloaded by the back office
(manage customers; written in the timeline) and by the shopper from their account."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.test import Client
from django.utils import timezone

from comptoir.accounts.models import (
    AccountTerms,
    ContactEmail,
    ContactPhone,
    SavedAddress,
    SavedCard,
    SignInAttempt,
    TermsAcceptance,
)
from comptoir.customers import personal_data as export
from comptoir.customers.models import (
    AddressRole,
    ConsentSource,
    Customer,
    CustomerAddress,
    CustomerEvent,
    CustomerKind,
    EventKind,
    Gender,
    MarketingConsentChange,
)
from comptoir.customers.personal_data import personal_data
from comptoir.mail.models import OutgoingEmail
from comptoir.orders.models import Fulfilment, FulfilmentType, Order, OrderLine, Payment
from comptoir.team.models import Access
from comptoir.team.permissions import Permission
from tests.customers.records import order_for
from tests.factories import CustomerFactory, LocationFactory, ShopperFactory

pytestmark = pytest.mark.django_db

# Every personal text the customer touched, by where it is planted.
RECORD_TEXT = (
    "first_name",
    "initials",
    "last_name",
    "company_name",
    "company_id_number",
    "chamber_of_commerce_number",
    "vat_id",
    "notes",
)
ADDRESS_TEXT = ("attention", "line1", "house_number", "house_number_extension", "line2", "city")
ADDRESS_TEXT += ("region", "postal_code")
SAVED_ADDRESS_TEXT = ("label", "first_name", "last_name", "address_line1", "address_line2")
SAVED_ADDRESS_TEXT += ("postal_code", "city", "phone")
ORDER_TEXT = ("phone", "first_name", "last_name", "note", "sms_consent_text")
FULFILMENT_TEXT = ("vehicle", "address_line1", "address_line2", "postal_code", "city")
FULFILMENT_TEXT += ("courier_notes", "tracking_number", "table_label", "cancel_reason")


def plant(prefix: str = "mk", *, orders: int = 1):
    """A shopper with a marker in every personal field of every table that holds one;
    returns (customer, markers)."""
    markers: list[str] = []

    def m(field: str) -> str:
        """A marker short enough for the narrowest column (20 characters on
        PostgreSQL), unique to ``prefix`` and to the field it is planted in."""
        value = f"{prefix}Z{len(markers):03d}"
        markers.append(value)
        return value

    email = f"{prefix}-record@example.com"
    customer = ShopperFactory(
        email=email,
        kind=CustomerKind.BUSINESS,
        phone=f"+3361{len(prefix):07d}",
        mobile=f"+3362{len(prefix):07d}",
        gender=Gender.FEMALE,
        birth_date=date(1981, 2, len(prefix)),
        accepts_marketing=True,
        language="fr",
        **{field: m(field) for field in RECORD_TEXT},
    )
    markers += [email, customer.phone, customer.mobile, f"1981-02-{len(prefix):02d}"]
    for role in AddressRole.values:
        CustomerAddress.objects.create(
            customer=customer,
            role=role,
            country="FR",
            **{field: m(f"{role}{field}") for field in ADDRESS_TEXT},
        )
    MarketingConsentChange.objects.create(
        customer=customer, accepts=True, source=ConsentSource.CHECKOUT
    )
    CustomerEvent.objects.create(customer=customer, kind=EventKind.EDITED, detail={"x": m("ev")})
    SavedAddress.objects.create(
        customer=customer, **{field: m(f"saved{field}") for field in SAVED_ADDRESS_TEXT}
    )
    ContactPhone.objects.create(customer=customer, number=m("contactphone"))
    extra = f"{prefix}-extra@example.com"
    ContactEmail.objects.create(customer=customer, email=extra)
    markers.append(extra)
    SavedCard.objects.create(
        customer=customer,
        gateway="test",
        gateway_account="acct_secret",
        reference=f"pm_secret_{prefix}",
        brand="visa",
        last4="4242",
        exp_month=11,
        exp_year=2039,
    )
    terms = AccountTerms.objects.create(language="fr", version=70 + len(prefix), text="Conditions")
    TermsAcceptance.objects.create(user=customer.user, terms=terms)
    location = LocationFactory(name=f"Boutique {prefix}")
    for n in range(orders):
        order = order_for(customer, location, total=1234)
        order.email = f"{prefix}-order@example.com"
        for field in ORDER_TEXT:
            setattr(order, field, m(f"order{field}{n}"))
        order.save()
        OrderLine.objects.create(
            order=order, name=m(f"line{n}"), unit_price=617, quantity=2, total=1234
        )
        Fulfilment.objects.create(
            order=order,
            type=FulfilmentType.DELIVERY,
            preparation_minutes=10,
            placed_at=order.placed_at,
            carrier="La Poste",
            **{field: m(f"ful{field}{n}") for field in FULFILMENT_TEXT},
        )
        Payment.objects.create(
            order=order,
            gateway="test",
            reference=f"ch_secret_{prefix}_{n}",
            method="card",
            amount=1234,
            currency="EUR",
            card_brand="visa",
            card_last4="4242",
        )
    markers.append(f"{prefix}-order@example.com")
    OutgoingEmail.objects.create(
        to_address=email.upper(),
        subject=m("subject"),
        text_body=m("body"),
        language="fr",
        kind="order_receipt",
    )
    OutgoingEmail.objects.create(
        to_address=extra,
        subject="Reset",
        text_body=f"https://shop.example/reset/{prefix}-SECRET-TOKEN/",
        language="fr",
        kind="password_reset",
    )
    ip = f"198.51.100.{len(prefix)}"
    SignInAttempt.objects.create(
        kind=SignInAttempt.Kind.SIGN_IN, email=email, ip_address=ip, at=timezone.now()
    )
    markers.append(ip)
    return customer, markers


def dump(data) -> str:
    return json.dumps(data, ensure_ascii=False)


def test_the_export_holds_every_personal_field_planted_in_every_table():
    customer, markers = plant()

    data = personal_data(customer)
    text = dump(data)

    missing = [marker for marker in markers if marker not in text]
    assert missing == []
    assert data["record"]["gender"] == "female"
    assert data["record"]["accepts_marketing"] is True
    assert data["record"]["kind"] == "business"
    assert data["account"]["email"] == customer.user.email
    assert data["saved_cards"] == [
        {
            "brand": "visa",
            "last4": "4242",
            "exp_month": 11,
            "exp_year": 2039,
            "gateway": "test",
            "is_primary": False,
            "created_at": data["saved_cards"][0]["created_at"],
        }
    ]
    assert data["terms_accepted"][0]["version"] == 72
    assert data["marketing_consent_history"][0]["source"] == "checkout"
    (order,) = data["orders"]
    assert order["total"] == 1234
    assert order["location"] == "Boutique mk"
    assert order["lines"][0]["quantity"] == 2
    assert order["fulfilment"]["type"] == "delivery"
    assert order["payments"][0]["card_last4"] == "4242"
    kinds = {email["kind"] for email in data["emails_sent"]}
    assert kinds == {"order_receipt", "password_reset"}


def test_the_export_holds_no_password_hash_nor_gateway_or_sign_in_secrets():
    customer, _markers = plant()

    text = dump(personal_data(customer))

    assert customer.user.password and customer.user.password not in text
    assert "password" not in json.dumps(personal_data(customer)["account"])
    assert "pm_secret" not in text  # card reference at the gateway
    assert "acct_secret" not in text
    assert "ch_secret" not in text  # payment reference
    assert "SECRET-TOKEN" not in text  # the password reset link
    assert "token-" not in text  # the order status link's secret
    assert "search_text" not in text


def test_the_export_holds_nothing_of_another_customer():
    customer, _mine = plant("mine")
    _other, theirs = plant("theirs")

    text = dump(personal_data(customer))

    assert [marker for marker in theirs if marker in text] == []


def test_the_export_costs_the_same_queries_whatever_the_number_of_orders(count_queries):
    few, _ = plant("few", orders=1)
    many, _ = plant("many", orders=6)

    with count_queries() as one:
        personal_data(few)
    with count_queries() as six:
        data = personal_data(many)

    assert len(data["orders"]) == 6
    assert six.count == one.count


def test_a_record_without_account_nor_email_exports_its_record():
    customer = CustomerFactory(email=None, phone="+33612345678", user=None)

    data = personal_data(customer)

    assert data["account"] is None
    assert data["record"]["phone"] == "+33612345678"
    assert data["emails_sent"] == [] and data["sign_in_attempts"] == []


# Columns deliberately not in the file (see customers.personal_data's docstring): keys,
# links to other rows, secrets and values derived from what is exported.
LEFT_OUT = {
    Customer: {"user", "search_text", "order_count", "total_spent", "last_order_at"}
    | {"last_location"},
    CustomerAddress: {"id", "customer"},
    SavedAddress: {"id", "customer"},
    SavedCard: {"id", "customer", "gateway_account", "reference"},
    Order: {"id", "customer", "account", "location", "idempotency_key", "updated_at"}
    | {"version", "status_token"},
    OrderLine: {"id", "order", "product", "category"},
    Fulfilment: {"id", "order"},
    Payment: {"id", "order", "gateway", "account", "reference"},
}
EXPORTED = {
    Customer: export.RECORD_FIELDS,
    CustomerAddress: export.RECORD_ADDRESS_FIELDS,
    SavedAddress: export.SAVED_ADDRESS_FIELDS,
    SavedCard: export.CARD_FIELDS,
    Order: export.ORDER_FIELDS,
    OrderLine: export.LINE_FIELDS,
    Fulfilment: export.FULFILMENT_FIELDS,
    Payment: export.PAYMENT_FIELDS,
}


@pytest.mark.parametrize("model", list(EXPORTED), ids=lambda model: model.__name__)
def test_every_column_is_exported_or_deliberately_left_out(model):
    """A column added later fails here until it is exported or listed as left out."""
    columns = {field.name for field in model._meta.concrete_fields}

    assert columns - set(EXPORTED[model]) - LEFT_OUT[model] == set()


# --- the back office -----------------------------------------------------------------


def export_url(customer) -> str:
    return f"/dashboard/customers/{customer.pk}/data.json"


def test_the_back_office_downloads_the_file_and_the_export_is_in_the_timeline(staff_client):
    customer, markers = plant()
    client = staff_client(Permission.MANAGE_CUSTOMERS)

    response = client.get(export_url(customer))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"] == f'attachment; filename="customer-{customer.pk}.json"'
    data = json.loads(response.content)
    assert data["record"]["id"] == customer.pk
    assert markers[0] in response.content.decode()
    event = CustomerEvent.objects.get(customer=customer, kind=EventKind.DATA_EXPORTED)
    assert event.actor == client.member


@pytest.mark.parametrize("permissions", [[], [Permission.VIEW_CUSTOMERS]])
def test_a_member_without_manage_customers_is_refused_and_nothing_is_recorded(
    staff_client, permissions
):
    customer = CustomerFactory()

    response = staff_client(*permissions).get(export_url(customer))

    assert response.status_code == 403
    assert not CustomerEvent.objects.filter(kind=EventKind.DATA_EXPORTED).exists()


def test_a_member_limited_to_other_locations_cannot_export_a_customer_they_cannot_see(
    make_member, signed_in
):
    customer, _ = plant()
    elsewhere = LocationFactory()
    member = make_member(permissions=[Permission.MANAGE_CUSTOMERS], locations=[elsewhere])

    response = signed_in(member).get(export_url(customer))

    assert response.status_code == 404
    assert not CustomerEvent.objects.filter(kind=EventKind.DATA_EXPORTED).exists()


def test_anonymous_visitors_are_sent_to_the_dashboard_sign_in():
    customer = CustomerFactory()

    response = Client().get(export_url(customer))

    assert response.status_code == 302
    assert "/dashboard/login/" in response["Location"]


def test_the_profile_links_to_the_download(make_member, signed_in):
    customer = CustomerFactory()
    owner = make_member(access=Access.OWNER)

    html = signed_in(owner).get(f"/dashboard/customers/{customer.pk}/").content.decode()

    assert export_url(customer) in html


# --- the shopper's own file ----------------------------------------------------------


def test_the_shopper_downloads_their_own_data_only(shopper_client):
    customer, markers = plant("me")
    _other, theirs = plant("them")

    response = shopper_client(customer).get("/account/data.json")

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    text = response.content.decode()
    assert json.loads(text)["record"]["id"] == customer.pk
    assert [marker for marker in markers if marker not in text] == []
    assert [marker for marker in theirs if marker in text] == []
    assert customer.user.password not in text
    # Only the back office's exports are written in the timeline.
    assert not CustomerEvent.objects.filter(kind=EventKind.DATA_EXPORTED).exists()


def test_the_account_home_links_to_the_download(shopper_client, english_shop):
    customer = ShopperFactory()

    html = shopper_client(customer).get("/account/").content.decode()

    assert 'href="/account/data.json"' in html
    assert "Download my data" in html


def test_anonymous_visitors_are_sent_to_sign_in_for_the_account_download():
    response = Client().get("/account/data.json")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")
    assert "next=/account/data.json" in response["Location"].replace("%2F", "/")


def test_a_shopper_pending_approval_gets_no_file(shopper_client):
    customer = ShopperFactory(pending_approval=True)

    response = shopper_client(customer).get("/account/data.json")

    assert response.status_code == 302
    assert response["Location"].startswith("/account/login/")


def test_the_export_is_recent(shopper_client):
    customer = ShopperFactory()

    data = shopper_client(customer).get("/account/data.json").json()

    exported = timezone.datetime.fromisoformat(data["exported_at"])
    assert timezone.now() - exported < timedelta(minutes=1)

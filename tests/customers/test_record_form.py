"""Creating and editing a customer record by hand in the back office: one page with the
record, billing and shipping address forms; validation per field keeping what was typed;
every change in the timeline with who made it, consent changes kept with their source."""

from __future__ import annotations

import pytest
from django.utils import translation

from comptoir.customers.models import (
    AddressRole,
    ConsentSource,
    Customer,
    CustomerAddress,
    CustomerEvent,
    CustomerKind,
    EventKind,
    MarketingConsentChange,
)
from comptoir.team.permissions import Permission
from tests.customers.records import order_for
from tests.factories import CustomerFactory, LocationFactory, ShopperFactory

pytestmark = pytest.mark.django_db

NEW = "/dashboard/customers/new/"


def edit_url(customer) -> str:
    return f"/dashboard/customers/{customer.pk}/edit/"


def record_data(**overrides) -> dict[str, str]:
    """What the page posts for a personal customer with a French billing address."""
    data = {
        "first_name": "Hélène",
        "initials": "M.",
        "last_name": "Martin",
        "email": "helene@example.com",
        "phone": "",
        "mobile": "",
        "language": "fr",
        "gender": "female",
        "birth_date": "1985-04-12",
        "kind": "personal",
        "company_name": "",
        "company_id_number": "",
        "chamber_of_commerce_number": "",
        "vat_id": "",
        "shipping_same_as_billing": "on",
        "notes": "Prefers pickup in the morning.",
        "billing-country": "FR",
        "billing-attention": "",
        "billing-line1": "rue des Lilas",
        "billing-house_number": "12",
        "billing-house_number_extension": "bis",
        "billing-line2": "",
        "billing-postal_code": "75011",
        "billing-city": "Paris",
        "billing-region": "",
        "shipping-country": "FR",
    }
    for key, value in overrides.items():
        if value is None:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def field_errors(form, field: str) -> list[str]:
    """The messages in English (the request's own language is no longer active here)."""
    with translation.override("en"):
        return list(form.errors.get(field, []))


@pytest.fixture
def manager(staff_client):
    return staff_client(Permission.MANAGE_CUSTOMERS, user__language="en")


def test_the_page_groups_the_fields_as_the_issue_lists(manager):
    response = manager.get(NEW)

    assert response.status_code == 200
    html = response.content.decode()
    legends = [part.split("</legend>")[0] for part in html.split("<legend>")[1:]]
    assert legends == [
        "Personal",
        "Contact",
        "Customer type",
        "Company",
        "Billing address",
        "Shipping address",
        "Notes",
    ]
    assert 'name="billing-postal_code"' in html
    assert 'name="shipping-postal_code"' in html
    assert "dashboard/customer-record" in html  # the script that hides what does not apply
    # The address forms start in the shop's country.
    assert response.context["billing"]["country"].value() == "FR"


def test_creating_a_personal_customer_saves_the_record_and_redirects_to_its_profile(manager):
    response = manager.post(NEW, record_data())

    customer = Customer.objects.get(email="helene@example.com")
    assert response.status_code == 302
    assert response["Location"] == f"/dashboard/customers/{customer.pk}/"
    assert (customer.first_name, customer.initials, customer.last_name) == (
        "Hélène",
        "M.",
        "Martin",
    )
    assert customer.kind == CustomerKind.PERSONAL
    assert customer.gender == "female"
    assert str(customer.birth_date) == "1985-04-12"
    assert customer.notes == "Prefers pickup in the morning."
    assert customer.shipping_same_as_billing
    assert "helene" in customer.search_text
    billing = customer.record_addresses.get()
    assert billing.role == AddressRole.BILLING
    assert (billing.line1, billing.house_number, billing.house_number_extension) == (
        "rue des Lilas",
        "12",
        "bis",
    )
    assert (billing.postal_code, billing.city, billing.country) == ("75011", "Paris", "FR")
    event = CustomerEvent.objects.get(customer=customer)
    assert event.kind == EventKind.CREATED
    assert event.actor == manager.member
    follow = manager.get(response["Location"])
    assert "“Hélène M. Martin” was added." in follow.content.decode()


def test_creating_a_business_customer_with_another_shipping_address_saves_every_field(manager):
    data = record_data(
        kind="business",
        company_name="Boulangerie Hélène SARL",
        company_id_number="732 829 320 00074",
        chamber_of_commerce_number="RCS Paris 732 829 320",
        vat_id="FR 40 303 265 045",
        shipping_same_as_billing=None,
        **{
            "billing-attention": "Comptabilité",
            "billing-line2": "Bâtiment B",
            "shipping-country": "BE",
            "shipping-attention": "Réception",
            "shipping-line1": "Rue Neuve",
            "shipping-house_number": "7",
            "shipping-house_number_extension": "A",
            "shipping-line2": "2e étage",
            "shipping-postal_code": "1000",
            "shipping-city": "Bruxelles",
            "shipping-region": "",
        },
    )

    response = manager.post(NEW, data)

    assert response.status_code == 302, response.context and response.context["form"].errors
    customer = Customer.objects.get(email="helene@example.com")
    assert customer.kind == CustomerKind.BUSINESS
    assert customer.company_name == "Boulangerie Hélène SARL"
    assert customer.company_id_number == "732 829 320 00074"
    assert customer.chamber_of_commerce_number == "RCS Paris 732 829 320"
    assert customer.vat_id == "FR40303265045"
    assert not customer.shipping_same_as_billing
    addresses = {address.role: address for address in customer.record_addresses.all()}
    assert addresses[AddressRole.BILLING].attention == "Comptabilité"
    assert addresses[AddressRole.BILLING].line2 == "Bâtiment B"
    shipping = addresses[AddressRole.SHIPPING]
    assert {
        field: getattr(shipping, field)
        for field in (
            "country",
            "attention",
            "line1",
            "house_number",
            "house_number_extension",
            "line2",
            "postal_code",
            "city",
            "region",
        )
    } == {
        "country": "BE",
        "attention": "Réception",
        "line1": "Rue Neuve",
        "house_number": "7",
        "house_number_extension": "A",
        "line2": "2e étage",
        "postal_code": "1000",
        "city": "Bruxelles",
        "region": "",
    }


def test_company_fields_are_dropped_for_a_personal_customer(manager):
    data = record_data(
        kind="personal",
        company_name="Ghost SARL",
        company_id_number="123",
        chamber_of_commerce_number="456",
        vat_id="not a vat id",
    )

    response = manager.post(NEW, data)

    assert response.status_code == 302
    customer = Customer.objects.get(email="helene@example.com")
    assert (
        customer.company_name,
        customer.company_id_number,
        customer.chamber_of_commerce_number,
        customer.vat_id,
    ) == ("", "", "", "")


def test_shipping_fields_are_ignored_while_same_as_billing_is_ticked(manager):
    data = record_data(**{"shipping-line1": "Nowhere", "shipping-postal_code": "bad"})

    response = manager.post(NEW, data)

    assert response.status_code == 302
    customer = Customer.objects.get(email="helene@example.com")
    assert [a.role for a in customer.record_addresses.all()] == [AddressRole.BILLING]


def test_a_record_without_any_address_or_email_is_allowed(manager):
    data = record_data(email="", phone="06 12 34 56 78")
    for key in list(data):
        if key.startswith("billing-") and key != "billing-country":
            data[key] = ""

    response = manager.post(NEW, data)

    assert response.status_code == 302
    customer = Customer.objects.get(phone="+33612345678")
    assert customer.email is None
    assert not customer.record_addresses.exists()


def test_phone_numbers_are_stored_in_e164_with_the_shop_country_as_default(manager):
    manager.post(NEW, record_data(phone="06 12 34 56 78", mobile="+32 470 12 34 56"))

    customer = Customer.objects.get(email="helene@example.com")
    assert customer.phone == "+33612345678"
    assert customer.mobile == "+32470123456"


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"email": "helene@@example"}, "email", "Enter a valid email address."),
        ({"phone": "12"}, "phone", "is not a valid phone number"),
        ({"mobile": "06 12"}, "mobile", "is not a valid phone number"),
        ({"billing-postal_code": "7501"}, "billing-postal_code", "not a postal code"),
        ({"billing-city": ""}, "billing-city", "This field is required in this country."),
        (
            {"kind": "business", "company_name": "Bakery", "vat_id": "FR12345"},
            "vat_id",
            "is not a valid EU VAT number",
        ),
    ],
)
def test_invalid_input_gives_a_field_error_and_keeps_what_was_typed(
    manager, overrides, field, message
):
    data = record_data(**overrides)

    response = manager.post(NEW, data)

    assert response.status_code == 400
    assert not Customer.objects.exists()
    forms = {
        "": response.context["form"],
        "billing-": response.context["billing"],
        "shipping-": response.context["shipping"],
    }
    prefix = "billing-" if field.startswith("billing-") else ""
    form = forms[prefix]
    errors = field_errors(form, field.removeprefix(prefix))
    assert any(message in error for error in errors), errors
    html = response.content.decode()
    assert message in html
    # Everything typed is still there.
    assert 'value="Hélène"' in html
    assert 'value="rue des Lilas"' in html
    assert "Prefers pickup in the morning." in html
    assert form[field.removeprefix(prefix)].value() == data[field]


def test_an_email_another_customer_has_is_refused_whatever_its_case(manager):
    CustomerFactory(email="helene@example.com", first_name="Hélène", last_name="Other")

    response = manager.post(NEW, record_data(email="Helene@Example.COM"))

    assert response.status_code == 400
    errors = field_errors(response.context["form"], "email")
    assert "Another customer already has this email address" in errors[0]
    assert Customer.objects.count() == 1
    assert 'value="Helene@Example.COM"' in response.content.decode()


def test_emails_are_stored_in_lower_case(manager):
    manager.post(NEW, record_data(email="  Helene@Example.COM "))

    assert Customer.objects.get().email == "helene@example.com"


def test_a_blank_shipping_address_needs_same_as_billing(manager):
    response = manager.post(NEW, record_data(shipping_same_as_billing=None))

    assert response.status_code == 400
    assert "same as billing address" in field_errors(response.context["shipping"], "__all__")[0]
    assert not Customer.objects.exists()


# --- editing -------------------------------------------------------------------------


def created(manager, **overrides) -> Customer:
    response = manager.post(NEW, record_data(**overrides))
    assert response.status_code == 302
    return Customer.objects.get(email=overrides.get("email", "helene@example.com"))


def test_edit_page_starts_from_the_record_and_its_addresses(manager):
    customer = created(manager)

    response = manager.get(edit_url(customer))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Hélène"' in html
    assert 'value="75011"' in html
    assert "Prefers pickup in the morning." in html


def test_editing_records_an_edited_event_with_the_changed_fields_and_who(manager):
    customer = created(manager)
    data = record_data(last_name="Dupont", phone="01 23 45 67 89", **{"billing-city": "Paris 11"})
    data["billing-postal_code"] = "75011"

    response = manager.post(edit_url(customer), data)

    assert response.status_code == 302
    assert response["Location"] == f"/dashboard/customers/{customer.pk}/"
    customer.refresh_from_db()
    assert customer.last_name == "Dupont"
    assert customer.phone == "+33123456789"
    assert "dupont" in customer.search_text
    assert customer.record_addresses.get().city == "Paris 11"
    edited = CustomerEvent.objects.get(customer=customer, kind=EventKind.EDITED)
    assert edited.detail == {"fields": ["billing_address", "last_name", "phone"]}
    assert edited.actor == manager.member
    assert "The changes were saved." in manager.get(response["Location"]).content.decode()


def test_saving_without_a_change_records_no_event(manager):
    customer = created(manager)

    manager.post(edit_url(customer), record_data())

    assert not CustomerEvent.objects.filter(customer=customer, kind=EventKind.EDITED).exists()


def test_an_edit_keeps_the_email_of_the_record_itself(manager):
    customer = created(manager)

    response = manager.post(edit_url(customer), record_data(email="HELENE@example.com"))

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.email == "helene@example.com"


def test_unticking_same_as_billing_adds_a_shipping_address_and_ticking_removes_it(manager):
    customer = created(manager)
    shipping = {
        "shipping-line1": "Quai de la Loire",
        "shipping-house_number": "3",
        "shipping-postal_code": "75019",
        "shipping-city": "Paris",
    }
    manager.post(edit_url(customer), record_data(shipping_same_as_billing=None, **shipping))
    assert customer.record_addresses.filter(role=AddressRole.SHIPPING).exists()

    manager.post(edit_url(customer), record_data(**shipping))

    assert not customer.record_addresses.filter(role=AddressRole.SHIPPING).exists()
    customer.refresh_from_db()
    assert customer.shipping_same_as_billing
    events = CustomerEvent.objects.filter(customer=customer, kind=EventKind.EDITED)
    assert [sorted(e.detail["fields"]) for e in events.order_by("pk")] == [
        ["shipping_address", "shipping_same_as_billing"],
        ["shipping_address", "shipping_same_as_billing"],
    ]


def test_consent_changes_are_recorded_with_date_source_and_who(manager):
    customer = created(manager, accepts_marketing="on")
    first = MarketingConsentChange.objects.get(customer=customer)
    assert first.accepts
    assert first.source == ConsentSource.BACK_OFFICE
    assert first.changed_by == manager.member
    assert first.changed_at is not None

    manager.post(edit_url(customer), record_data(accepts_marketing="on", notes="Unchanged?"))
    assert MarketingConsentChange.objects.filter(customer=customer).count() == 1

    manager.post(edit_url(customer), record_data(notes="Unchanged?"))

    changes = list(MarketingConsentChange.objects.filter(customer=customer))
    assert [(c.accepts, c.source, c.changed_by) for c in changes] == [
        (True, ConsentSource.BACK_OFFICE, manager.member),
        (False, ConsentSource.BACK_OFFICE, manager.member),
    ]
    assert changes[1].changed_at >= changes[0].changed_at
    customer.refresh_from_db()
    assert not customer.accepts_marketing


def test_no_consent_row_for_a_new_customer_who_does_not_accept(manager):
    created(manager)

    assert not MarketingConsentChange.objects.exists()


def test_the_record_email_of_an_account_holder_is_explained_and_the_login_kept(manager):
    customer = ShopperFactory(email="lea@example.com", first_name="Léa")

    page = manager.get(edit_url(customer)).content.decode()
    assert "signs in to their account as lea@example.com" in page
    assert 'name="password"' not in page

    response = manager.post(
        edit_url(customer), record_data(first_name="Léa", email="lea.pro@example.com")
    )

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.email == "lea.pro@example.com"
    assert customer.user.email == "lea@example.com"  # the sign-in email is the customer's


# --- who may ---------------------------------------------------------------------------


def test_a_member_who_may_only_view_customers_gets_403_and_nothing_changes(staff_client):
    customer = CustomerFactory(first_name="Camille", pending_approval=True)
    viewer = staff_client(Permission.VIEW_CUSTOMERS)

    responses = [
        viewer.get(NEW),
        viewer.post(NEW, record_data()),
        viewer.get(edit_url(customer)),
        viewer.post(edit_url(customer), record_data(first_name="Changed")),
        viewer.get(f"/dashboard/customers/{customer.pk}/approve/"),
        viewer.post(f"/dashboard/customers/{customer.pk}/approve/"),
    ]

    assert [r.status_code for r in responses] == [403] * 6
    assert list(Customer.objects.all()) == [customer]
    customer.refresh_from_db()
    assert customer.first_name == "Camille"
    assert customer.pending_approval
    assert not CustomerEvent.objects.exists()
    assert not CustomerAddress.objects.exists()


def test_the_directory_offers_new_customer_only_to_managers(staff_client, manager):
    assert "/dashboard/customers/new/" in manager.get("/dashboard/customers/").content.decode()
    viewer = staff_client(Permission.VIEW_CUSTOMERS)
    assert "/dashboard/customers/new/" not in viewer.get("/dashboard/customers/").content.decode()


def test_the_profile_offers_edit_only_to_managers(staff_client, manager):
    customer = CustomerFactory()
    profile = f"/dashboard/customers/{customer.pk}/"
    assert edit_url(customer) in manager.get(profile).content.decode()
    viewer = staff_client(Permission.VIEW_CUSTOMERS)
    assert edit_url(customer) not in viewer.get(profile).content.decode()


def test_staff_limited_to_other_locations_cannot_edit_or_approve_the_customer(staff_client):
    paris, lyon = LocationFactory(), LocationFactory()
    customer = CustomerFactory(first_name="Camille")
    order_for(customer, lyon)
    client = staff_client(Permission.MANAGE_CUSTOMERS, locations=[paris])

    approve = f"/dashboard/customers/{customer.pk}/approve/"
    Customer.objects.filter(pk=customer.pk).update(pending_approval=True)

    assert client.get(edit_url(customer)).status_code == 404
    assert client.post(edit_url(customer), record_data(first_name="Changed")).status_code == 404
    assert client.get(approve).status_code == 404
    assert client.post(approve).status_code == 404
    customer.refresh_from_db()
    assert customer.first_name == "Camille"
    assert customer.pending_approval
    assert not CustomerEvent.objects.exists()


def test_staff_at_the_customers_location_can_edit(staff_client):
    paris = LocationFactory()
    customer = CustomerFactory(email="camille@example.com")
    order_for(customer, paris)
    client = staff_client(Permission.MANAGE_CUSTOMERS, locations=[paris])

    response = client.post(edit_url(customer), record_data(email="camille@example.com"))

    assert response.status_code == 302
    customer.refresh_from_db()
    assert customer.first_name == "Hélène"


def test_a_member_limited_to_some_locations_is_told_where_the_new_record_is(staff_client):
    client = staff_client(
        Permission.MANAGE_CUSTOMERS, locations=[LocationFactory()], user__language="en"
    )

    response = client.post(NEW, record_data())

    assert response.status_code == 302
    assert response["Location"] == "/dashboard/customers/"
    assert Customer.objects.filter(email="helene@example.com").exists()
    page = client.get(response["Location"]).content.decode()
    assert "once they have an order at one of your locations" in page


def test_the_duplicate_email_message_names_only_a_record_the_member_may_see(staff_client):
    paris, lyon = LocationFactory(), LocationFactory()
    hidden = CustomerFactory(email="helene@example.com", first_name="Secret", last_name="Name")
    order_for(hidden, lyon)
    limited = staff_client(Permission.MANAGE_CUSTOMERS, locations=[paris])

    response = limited.post(NEW, record_data())

    assert response.status_code == 400
    html = response.content.decode()
    assert "Another customer already has this email address." in html
    assert "Secret" not in html
    assert Customer.objects.count() == 1


def test_a_save_made_meanwhile_by_someone_else_is_reported_not_overwritten(manager, staff_client):
    customer = created(manager)
    page = manager.get(edit_url(customer))
    version = page.context["version"]
    colleague = staff_client(Permission.MANAGE_CUSTOMERS)
    colleague.post(edit_url(customer), record_data(notes="Allergic to nuts."))

    response = manager.post(edit_url(customer), record_data(last_name="Dupont", version=version))

    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this customer while you were editing." in html
    assert 'value="Dupont"' in html  # what was typed is kept
    customer.refresh_from_db()
    assert (customer.last_name, customer.notes) == ("Martin", "Allergic to nuts.")
    assert CustomerEvent.objects.filter(kind=EventKind.EDITED).count() == 1

    # Saving again, now knowing, keeps this version.
    again = manager.post(
        edit_url(customer),
        record_data(last_name="Dupont", version=response.context["version"]),
    )

    assert again.status_code == 302
    customer.refresh_from_db()
    assert (customer.last_name, customer.notes) == ("Dupont", "Prefers pickup in the morning.")


def test_the_edit_page_title_keeps_the_saved_name_while_errors_show(manager):
    customer = created(manager)

    response = manager.post(edit_url(customer), record_data(first_name="Typed", phone="12"))

    assert response.status_code == 400
    assert "<h1>Edit Hélène M. Martin</h1>" in response.content.decode()

"""The owner, in a real browser, creates a business customer whose goods ship elsewhere
than the invoice goes (the company and shipping fields appear as the form is filled),
finds them again by typing the name without accents, and sends them a password link,
which the customer opens to set a password and land in their new account."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from comptoir.customers.models import AddressRole, Customer, CustomerKind
from comptoir.mail.models import OutgoingEmail
from comptoir.team.models import Access
from tests.e2e.axe import assert_no_serious_violations
from tests.factories import PASSWORD, CustomerFactory, TeamMemberFactory

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DESKTOP = {"width": 1280, "height": 900}
LINK = re.compile(r"https?://[^\s\"<]+/account/invitation/[^\s\"<]+/")


@pytest.fixture
def desktop(browser, live_server):
    context = browser.new_context(viewport=DESKTOP, locale="en-GB", base_url=live_server.url)
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


def test_owner_creates_a_business_customer_finds_it_without_accents_and_sends_a_link(
    desktop, browser, live_server
):
    page = desktop
    owner = TeamMemberFactory(access=Access.OWNER, user__email="owner@example.com")
    CustomerFactory(first_name="Helena", last_name="Other", email="other@example.com")
    page.goto("/dashboard/login/")
    page.fill("input[name=username]", owner.user.email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form button[type=submit]")
    page.wait_for_url("**/dashboard/")

    page.goto("/dashboard/customers/")
    page.get_by_role("link", name="New customer").click()
    page.wait_for_url("**/dashboard/customers/new/")
    assert_no_serious_violations(page, where="new customer form")

    # Personal customers have no company: its fields show once "Business" is chosen.
    company = page.locator("#id_company_name")
    assert not company.is_visible()
    page.fill("#id_first_name", "Hélène")
    page.fill("#id_last_name", "Bérenger")
    page.fill("#id_email", "helene@boulangerie-berenger.fr")
    page.fill("#id_phone", "01 42 68 53 00")
    page.check("input[name=kind][value=business]")
    assert company.is_visible()
    page.fill("#id_company_name", "Boulangerie Bérenger")
    page.fill("#id_vat_id", "FR 40 303 265 045")
    page.select_option("#id_billing-country", "FR")
    page.fill("#id_billing-line1", "Rue de Rivoli")
    page.fill("#id_billing-house_number", "12")
    page.fill("#id_billing-postal_code", "75004")
    page.fill("#id_billing-city", "Paris")
    # Shipping follows billing until the box is unticked.
    shipping_line = page.locator("#id_shipping-line1")
    assert not shipping_line.is_visible()
    page.uncheck("#id_shipping_same_as_billing")
    assert shipping_line.is_visible()
    page.select_option("#id_shipping-country", "FR")
    page.fill("#id_shipping-attention", "Atelier")
    page.fill("#id_shipping-line1", "Quai de la Fosse")
    page.fill("#id_shipping-house_number", "3")
    page.fill("#id_shipping-postal_code", "44000")
    page.fill("#id_shipping-city", "Nantes")
    page.fill("#id_notes", "Delivers before 7am.")
    page.get_by_role("button", name="Add the customer").click()

    page.wait_for_url(re.compile(r".*/dashboard/customers/\d+/$"))
    customer = Customer.objects.get(email="helene@boulangerie-berenger.fr")
    assert customer.kind == CustomerKind.BUSINESS
    assert customer.vat_id == "FR40303265045"
    assert customer.phone == "+33142685300"
    addresses = {a.role: a for a in customer.record_addresses.all()}
    assert addresses[AddressRole.BILLING].city == "Paris"
    assert addresses[AddressRole.SHIPPING].city == "Nantes"
    assert not customer.shipping_same_as_billing
    profile = page.content()
    assert "Boulangerie Bérenger" in profile and "Nantes" in profile and "Paris" in profile

    # Found again by typing without accents, and only them.
    page.goto("/dashboard/customers/")
    page.fill("input[name=q]", "helene berenger")
    page.get_by_role("button", name="Search").click()
    page.wait_for_url("**q=helene+berenger**")
    rows = page.locator("tbody tr")
    assert rows.count() == 1
    rows.first.get_by_role("link").first.click()
    page.wait_for_url(f"**/dashboard/customers/{customer.pk}/")

    # Send password link: a confirmation step, then the email.
    page.get_by_role("link", name="Send password link").click()
    page.wait_for_url(f"**/dashboard/customers/{customer.pk}/password-link/")
    assert "helene@boulangerie-berenger.fr" in page.content()
    page.get_by_role("button", name="Send the link").click()
    page.wait_for_url(f"**/dashboard/customers/{customer.pk}/")
    assert "A password link was sent" in page.content()

    email = OutgoingEmail.objects.get(to_address="helene@boulangerie-berenger.fr")
    match = LINK.search(email.text_body)
    assert match, email.text_body
    invited = browser.new_context(viewport=DESKTOP, locale="en-GB", base_url=live_server.url)
    try:
        shopper = invited.new_page()
        shopper.goto(urlsplit(match.group(0)).path)
        shopper.fill("input[name=password]", "croissants-au-beurre-2027")
        shopper.locator("form button[type=submit]").click()
        shopper.wait_for_url("**/account/")
    finally:
        invited.close()
    customer.refresh_from_db()
    assert customer.user is not None

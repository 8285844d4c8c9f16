"""The suggested duplicate records: pairs sharing a phone number, or the same name and
postal code, each with a link to review the merge; found in a constant number of
queries whatever the number of customers."""

from __future__ import annotations

import pytest

from comptoir.accounts.models import SavedAddress
from comptoir.customers.duplicates import MAX_PAIRS, MAX_RECORDS_PER_NUMBER, duplicate_pairs
from comptoir.customers.models import AddressRole, CustomerAddress
from comptoir.team.permissions import Permission
from tests.customers.records import order_for
from tests.factories import CustomerFactory, LocationFactory, ShopperFactory

pytestmark = pytest.mark.django_db

URL = "/dashboard/customers/duplicates/"
MANAGE = Permission.MANAGE_CUSTOMERS


def phone_only(phone="", mobile="") -> object:
    return CustomerFactory(email=None, first_name="", last_name="", phone=phone, mobile=mobile)


def crm_address(customer, postal_code, role=AddressRole.BILLING):
    return CustomerAddress.objects.create(
        customer=customer, role=role, country="FR", postal_code=postal_code
    )


def pair_ids(pairs) -> set[tuple[int, int]]:
    return {(pair.first.pk, pair.second.pk) for pair in pairs}


def pair(a, b) -> tuple[int, int]:
    return (min(a.pk, b.pk), max(a.pk, b.pk))


def test_phone_only_record_and_email_record_with_the_same_phone_are_suggested(staff_client):
    email_record = CustomerFactory(email="lea@example.com", phone="+33612345678")
    counter = phone_only(phone="+33612345678")
    CustomerFactory(phone="+33600000000")  # unrelated
    client = staff_client(MANAGE)

    response = client.get(URL)

    assert response.status_code == 200
    assert pair_ids(response.context["pairs"]) == {pair(email_record, counter)}
    first, second = sorted((email_record, counter), key=lambda c: c.pk)
    html = response.content.decode()
    assert f'href="/dashboard/customers/{first.pk}/merge/?other={second.pk}"' in html
    assert "Review merge" in html
    assert "+33612345678" in html


def test_a_phone_of_one_record_matching_the_mobile_of_another_is_suggested(owner):
    with_phone = CustomerFactory(phone="+33612345678")
    with_mobile = CustomerFactory(mobile="+33612345678", phone="+33100000000")
    mobile_only = phone_only(mobile="+33698765432")
    other_mobile = CustomerFactory(mobile="+33698765432")
    # Phone and mobile equal on one record: that record alone is no pair.
    CustomerFactory(phone="+33655555555", mobile="+33655555555")

    pairs = duplicate_pairs(owner)

    assert pair_ids(pairs) == {pair(with_phone, with_mobile), pair(mobile_only, other_mobile)}
    assert {tuple(p.phones) for p in pairs} == {("+33612345678",), ("+33698765432",)}


def test_same_folded_name_and_postal_code_are_suggested_from_crm_or_saved_addresses(owner):
    helene = CustomerFactory(first_name="Hélène", last_name="Martin")
    helene_again = CustomerFactory(first_name="HELENE", last_name="martin", email=None)
    helene_shopper = ShopperFactory(first_name="Helene", last_name="Martin")
    crm_address(helene, "75011")
    crm_address(helene_again, "75 011", role=AddressRole.SHIPPING)
    SavedAddress.objects.create(
        customer=helene_shopper, address_line1="1 rue", postal_code="75011", city="Paris"
    )
    # Same name elsewhere, and another name at the same postal code: not suggested.
    crm_address(CustomerFactory(first_name="Hélène", last_name="Martin"), "69001")
    crm_address(CustomerFactory(first_name="Paul", last_name="Martin"), "75011")

    pairs = duplicate_pairs(owner)

    first = min(helene, helene_again, helene_shopper, key=lambda c: c.pk)
    expected = {
        pair(first, other) for other in (helene, helene_again, helene_shopper) if other != first
    }
    assert pair_ids(pairs) == expected
    assert all(p.postal_codes == ["75011"] for p in pairs)


def test_unrelated_records_are_not_suggested(owner):
    CustomerFactory(first_name="Hélène", last_name="Martin", phone="+33612345678")
    CustomerFactory(first_name="Hélène", last_name="Martin", phone="+33698765432")
    crm_address(CustomerFactory(first_name="Paul", last_name="Durand"), "75011")
    crm_address(CustomerFactory(first_name="Paula", last_name="Durand"), "75011")
    phone_only(phone="+33600000001")
    phone_only(phone="+33600000002")

    assert duplicate_pairs(owner) == []


def test_a_pair_sharing_a_phone_and_a_name_with_postal_code_is_listed_once(owner):
    first = CustomerFactory(first_name="Léa", last_name="Roux", phone="+33612345678")
    second = CustomerFactory(first_name="Lea", last_name="Roux", mobile="+33612345678")
    crm_address(first, "75011")
    crm_address(second, "75011")

    pairs = duplicate_pairs(owner)

    assert len(pairs) == 1
    assert pairs[0].phones == ["+33612345678"] and pairs[0].postal_codes == ["75011"]


def test_a_location_limited_member_sees_only_pairs_of_records_they_can_see(make_member):
    mine, elsewhere = LocationFactory(), LocationFactory()
    visible = [phone_only(phone="+33612345678") for _ in range(2)]
    hidden = phone_only(phone="+33612345678")
    for customer in visible:
        order_for(customer, mine)
    order_for(hidden, elsewhere)
    member = make_member(permissions=[MANAGE], locations=[mine])

    assert pair_ids(duplicate_pairs(member)) == {pair(*visible)}


def test_a_number_shared_by_many_records_pairs_each_with_the_first(owner):
    records = [phone_only(phone="+33612345678") for _ in range(5)]

    pairs = duplicate_pairs(owner)

    assert pair_ids(pairs) == {pair(records[0], other) for other in records[1:]}


def test_a_number_on_many_records_is_not_one_persons_and_is_not_suggested(owner):
    for _ in range(MAX_RECORDS_PER_NUMBER + 1):
        phone_only(phone="+33140000000")
    counter = phone_only(mobile="+33612345678")
    online = CustomerFactory(mobile="+33612345678")

    assert pair_ids(duplicate_pairs(owner)) == {pair(counter, online)}


def test_suggestions_are_capped(owner):
    for n in range(MAX_PAIRS + 5):
        phone_only(phone=f"+336{n:08d}")
        phone_only(phone=f"+336{n:08d}")

    assert len(duplicate_pairs(owner)) == MAX_PAIRS


def make_duplicates(numbers: range, location) -> None:
    for n in numbers:
        a = CustomerFactory(phone=f"+3361{n:07d}")
        b = phone_only(phone=f"+3361{n:07d}")
        c = CustomerFactory(first_name="Jeanne", last_name=f"Dupont{n}")
        d = CustomerFactory(first_name="Jeanne", last_name=f"Dupont{n}")
        crm_address(c, f"75{n:03d}")
        SavedAddress.objects.create(
            customer=d, address_line1="1 rue", postal_code=f"75{n:03d}", city="Paris"
        )
        for customer in (a, b, c, d):
            order_for(customer, location)
        CustomerFactory()  # no duplicate


@pytest.mark.parametrize("limited", [False, True])
def test_suggestions_page_makes_the_same_queries_for_2_and_for_20_pairs(
    staff_client, count_queries, limited
):
    location = LocationFactory()
    client = staff_client(MANAGE, **({"locations": [location]} if limited else {}))
    make_duplicates(range(1), location)
    client.get(URL)  # warm up (session, shop)
    with count_queries() as few:
        response = client.get(URL)
    assert len(response.context["pairs"]) == 2

    make_duplicates(range(1, 11), location)
    with count_queries() as many:
        response = client.get(URL)
    assert len(response.context["pairs"]) == 22

    assert many.count == few.count


def test_suggestions_need_the_manage_customers_permission(staff_client):
    assert staff_client(Permission.VIEW_CUSTOMERS).get(URL).status_code == 403
    page = staff_client(MANAGE, user__language="en").get("/dashboard/")
    assert 'href="/dashboard/customers/duplicates/"' in page.content.decode()

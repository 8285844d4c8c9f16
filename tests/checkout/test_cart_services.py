"""What may go into a cart, and how two carts become one at sign-in."""

import pytest
from django.utils import translation

from comptoir.checkout.models import Cart, CartLine
from comptoir.checkout.selectors import cart_summary
from comptoir.checkout.services import (
    add_to_cart,
    keep_cart_at_sign_in,
    merge_carts,
    relocate_cart,
    remove_from_cart,
    set_quantity,
    start_cart,
)
from comptoir.errors import Conflict, DomainError, NotFound
from tests.checkout.factories import CartFactory, CartLineFactory, sold_at
from tests.factories import AvailabilityFactory, LocationFactory, ProductFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _messages_in_english():
    with translation.override("en"):
        yield


def quantities(cart):
    return dict(CartLine.objects.filter(cart=cart).values_list("product__slug", "quantity"))


def test_adding_a_product_twice_sums_its_quantity_on_one_line(location):
    croissant = sold_at(location, slug="croissant")
    cart = start_cart(location=location, product=croissant, quantity=2)

    add_to_cart(cart=cart, product=croissant, quantity=3)

    assert quantities(cart) == {"croissant": 5}


def test_a_refused_first_add_leaves_no_empty_cart_behind(location):
    retired = sold_at(location, is_active=False)

    with pytest.raises(DomainError):
        start_cart(location=location, product=retired)

    assert not Cart.objects.exists()


def test_an_inactive_product_is_refused_with_its_name(location):
    retired = sold_at(location, name_en="Old scone", is_active=False)
    cart = CartFactory(location=location)

    with pytest.raises(DomainError) as refused:
        add_to_cart(cart=cart, product=retired)

    assert refused.value.code == "product_not_sold"
    assert str(refused.value.message) == "Old scone is no longer sold."
    assert quantities(cart) == {}


def test_a_product_not_sold_at_the_carts_location_is_refused(location):
    elsewhere = sold_at(LocationFactory(), name_en="Fougasse")
    withdrawn = sold_at(location, name_en="Brioche")
    withdrawn.availabilities.update(is_available=False)
    cart = CartFactory(location=location)

    for product in (elsewhere, withdrawn):
        with pytest.raises(DomainError) as refused:
            add_to_cart(cart=cart, product=product)
        assert refused.value.code == "not_sold_here"
        assert str(refused.value.message) == f"{product.name} is not sold at Martyrs."

    assert quantities(cart) == {}


@pytest.mark.parametrize("quantity", [0, -1, 100])
def test_a_quantity_outside_1_to_99_is_refused(location, quantity):
    croissant = sold_at(location)
    cart = CartFactory(location=location)

    with pytest.raises(DomainError) as refused:
        add_to_cart(cart=cart, product=croissant, quantity=quantity)

    assert str(refused.value.message) == "Choose a quantity from 1 to 99."
    assert quantities(cart) == {}


def test_adding_beyond_99_of_one_product_is_refused(location):
    croissant = sold_at(location, slug="croissant")
    cart = start_cart(location=location, product=croissant, quantity=60)

    with pytest.raises(DomainError) as refused:
        add_to_cart(cart=cart, product=croissant, quantity=40)

    assert refused.value.code == "invalid_quantity"
    assert quantities(cart) == {"croissant": 60}


def test_more_than_the_counted_stock_is_refused_saying_how_many_are_left(location):
    eclair = sold_at(location, stock=3, name_en="Eclair", slug="eclair")
    cart = start_cart(location=location, product=eclair, quantity=2)

    with pytest.raises(Conflict) as refused:
        add_to_cart(cart=cart, product=eclair, quantity=2)
    with pytest.raises(Conflict):
        set_quantity(cart=cart, product=eclair, quantity=4)

    assert refused.value.code == "not_enough_stock"
    assert str(refused.value.message) == "Only 3 left of Eclair."
    assert quantities(cart) == {"eclair": 2}


def test_a_sold_out_product_is_refused(location):
    eclair = sold_at(location, stock=0, name_en="Eclair")

    with pytest.raises(Conflict) as refused:
        start_cart(location=location, product=eclair)

    assert str(refused.value.message) == "Eclair is sold out at Martyrs."


def test_setting_a_quantity_to_zero_removes_the_line(location):
    croissant = sold_at(location, slug="croissant")
    tart = sold_at(location, slug="tart")
    cart = start_cart(location=location, product=croissant)
    add_to_cart(cart=cart, product=tart)

    assert set_quantity(cart=cart, product=croissant, quantity=0) is None
    set_quantity(cart=cart, product=tart, quantity=4)

    assert quantities(cart) == {"tart": 4}


def test_setting_the_quantity_of_a_product_not_in_the_cart_is_not_found(location):
    cart = start_cart(location=location, product=sold_at(location, slug="croissant"))

    with pytest.raises(NotFound):
        set_quantity(cart=cart, product=sold_at(location), quantity=2)

    assert quantities(cart) == {"croissant": 1}


def test_removing_a_product_twice_is_not_an_error(location):
    croissant = sold_at(location)
    cart = start_cart(location=location, product=croissant)

    remove_from_cart(cart=cart, product=croissant)
    remove_from_cart(cart=cart, product=croissant)

    assert quantities(cart) == {}


def test_merging_sums_quantities_capped_by_stock_and_keeps_every_product(location):
    counted = sold_at(location, stock=5, slug="counted")
    plenty = sold_at(location, slug="plenty")
    sold_out = sold_at(location, stock=0, slug="sold-out")
    only_theirs = sold_at(location, slug="only-theirs")
    elsewhere = sold_at(LocationFactory(), slug="elsewhere")
    into = CartFactory(location=location)
    from_ = CartFactory(location=LocationFactory(), owner=UserFactory())
    CartLineFactory(cart=into, product=counted, quantity=3)
    CartLineFactory(cart=into, product=plenty, quantity=60)
    CartLineFactory(cart=from_, product=counted, quantity=4)
    CartLineFactory(cart=from_, product=plenty, quantity=70)
    CartLineFactory(cart=from_, product=sold_out, quantity=2)
    CartLineFactory(cart=from_, product=only_theirs, quantity=2)
    CartLineFactory(cart=from_, product=elsewhere, quantity=1)

    merged = merge_carts(into=into, from_=from_)

    assert merged.pk == into.pk
    assert quantities(into) == {
        "counted": 5,  # 3 + 4, only 5 in stock
        "plenty": 99,  # 60 + 70, at most 99 of one product
        "sold-out": 1,  # kept, shown as sold out
        "only-theirs": 2,
        "elsewhere": 1,  # kept, shown as not sold here
    }
    assert not Cart.objects.filter(pk=from_.pk).exists()
    assert merged.owner_id == from_.owner_id
    problems = {line.product.slug: line.problem for line in cart_summary(merged).lines}
    assert problems["sold-out"] == "sold_out"
    assert problems["elsewhere"] == "not_sold_here"


def test_signing_in_makes_the_visitors_cart_the_accounts(location):
    customer = UserFactory()
    cart = start_cart(location=location, product=sold_at(location, slug="croissant"))

    kept = keep_cart_at_sign_in(cart=cart, owner=customer)

    assert kept.pk == cart.pk
    assert kept.owner == customer


def test_signing_in_merges_the_visitors_cart_with_the_one_the_account_kept(location):
    customer = UserFactory()
    croissant = sold_at(location, slug="croissant")
    tart = sold_at(location, slug="tart")
    account_cart = CartFactory(location=LocationFactory(), owner=customer)
    CartLineFactory(cart=account_cart, product=croissant, quantity=2)
    CartLineFactory(cart=account_cart, product=tart, quantity=1)
    visitor_cart = start_cart(location=location, product=croissant, quantity=1)

    kept = keep_cart_at_sign_in(cart=visitor_cart, owner=customer)

    assert kept.pk == visitor_cart.pk
    assert kept.owner == customer
    assert kept.location == location
    assert quantities(kept) == {"croissant": 3, "tart": 1}
    assert list(Cart.objects.values_list("pk", flat=True)) == [visitor_cart.pk]


def test_signing_in_without_a_visitor_cart_finds_the_accounts_cart(location):
    customer = UserFactory()
    account_cart = CartFactory(location=location, owner=customer)

    assert keep_cart_at_sign_in(cart=None, owner=customer) == account_cart


def test_moving_to_another_location_keeps_lines_but_counts_only_what_is_sold_there(location):
    canal = LocationFactory(name="Canal")
    both = sold_at(location, slug="both", price=200)
    AvailabilityFactory(product=both, location=canal)
    only_martyrs = sold_at(location, slug="only-martyrs", price=500)
    cart = start_cart(location=location, product=both, quantity=2)
    add_to_cart(cart=cart, product=only_martyrs)

    cart = relocate_cart(cart=cart, location=canal)
    summary = cart_summary(cart)

    assert quantities(cart) == {"both": 2, "only-martyrs": 1}
    assert [(line.product.slug, line.available) for line in summary.lines] == [
        ("both", True),
        ("only-martyrs", False),
    ]
    assert summary.lines[1].note == "Not sold at Canal."
    assert summary.subtotal == 400
    assert summary.item_count == 3
    assert not summary.ready_for_checkout

    summary = cart_summary(relocate_cart(cart=cart, location=location))
    assert summary.subtotal == 900
    assert summary.ready_for_checkout


def test_the_summary_prices_lines_at_todays_price(location):
    croissant = sold_at(location, price=130)
    cart = start_cart(location=location, product=croissant, quantity=3)
    ProductFactory._meta.model.objects.filter(pk=croissant.pk).update(price=150)

    line = cart_summary(cart).lines[0]

    assert (line.unit_price, line.line_total) == (150, 450)
    assert cart_summary(cart).subtotal == 450


def test_the_summary_flags_a_line_above_what_is_left_after_stock_fell(location):
    eclair = sold_at(location, stock=5)
    cart = start_cart(location=location, product=eclair, quantity=4)
    eclair.availabilities.update(stock=2)

    line = cart_summary(cart).lines[0]

    assert (line.available, line.problem, line.note) == (False, "not_enough_stock", "Only 2 left.")
    assert cart_summary(cart).subtotal == 0

"""Reorder: a past order's items back in the cart at today's prices, what can no longer
be bought skipped and named, then the cart to change before paying."""

from django.urls import reverse

from comptoir.catalog.models import Availability, Product
from comptoir.checkout.models import Cart, CartLine
from comptoir.checkout.selectors import cart_summary
from tests.orders.factories import PICKUP, checkout, stocked


def named(location, name, price):
    return stocked(location, price=price, stock=None, name_en=name, name_fr=name)


def place(shopper, location, lines):
    return checkout(
        location, lines, email=shopper.email, fulfilment=PICKUP, account_user=shopper.user
    )


def messages_of(response):
    return [str(message) for message in response.context["messages"]]


def test_reorder_puts_the_items_back_in_the_cart_at_todays_prices(
    make_shopper, shopper_client, location
):
    shopper = make_shopper()
    bread = named(location, "Bread", 300)
    tart = named(location, "Tart", 500)
    order = place(shopper, location, [(bread, 2), (tart, 1)])
    Product.objects.filter(pk=bread.pk).update(price=350)
    client = shopper_client(shopper)

    response = client.post(reverse("storefront:account_reorder", args=[order.number]), follow=True)

    assert response.redirect_chain[-1][0] == reverse("storefront:cart")
    cart = Cart.objects.get(owner=shopper.user)
    assert {(line.product_id, line.quantity) for line in CartLine.objects.filter(cart=cart)} == {
        (bread.pk, 2),
        (tart.pk, 1),
    }
    assert cart_summary(cart).subtotal == 2 * 350 + 500
    assert "3 items from order" in " ".join(messages_of(response))


def test_reorder_skips_an_unavailable_product_and_says_so_item_by_item(
    make_shopper, shopper_client, location
):
    shopper = make_shopper()
    bread = named(location, "Bread", 300)
    tart = named(location, "Tart", 500)
    cake = named(location, "Cake", 900)
    order = place(shopper, location, [(bread, 1), (tart, 1), (cake, 1)])
    Availability.objects.filter(product=tart, location=location).update(is_available=False)
    Product.objects.filter(pk=cake.pk).update(is_active=False)

    response = shopper_client(shopper).post(
        reverse("storefront:account_reorder", args=[order.number]), follow=True
    )

    page = response.content.decode()
    notes = messages_of(response)
    assert any("Tart" in note and "not sold at" in note for note in notes)
    assert any("Cake" in note and "no longer sold" in note for note in notes)
    cart = Cart.objects.get(owner=shopper.user)
    assert list(CartLine.objects.filter(cart=cart).values_list("product_id", flat=True)) == [
        bread.pk
    ]
    assert "Bread" in page  # the cart page, ready to change before paying


def test_reorder_adds_to_the_cart_already_there(make_shopper, shopper_client, location):
    shopper = make_shopper()
    bread = named(location, "Bread", 300)
    tart = named(location, "Tart", 500)
    order = place(shopper, location, [(bread, 2)])
    client = shopper_client(shopper)
    client.post(reverse("storefront:cart_add"), {"product": tart.slug, "quantity": 1})

    client.post(reverse("storefront:account_reorder", args=[order.number]))

    lines = CartLine.objects.filter(cart__in=Cart.objects.all())
    assert Cart.objects.count() == 1
    assert {(line.product_id, line.quantity) for line in lines} == {(bread.pk, 2), (tart.pk, 1)}


def test_reorder_needs_a_post(make_shopper, shopper_client, location):
    shopper = make_shopper()
    order = place(shopper, location, [(named(location, "Bread", 300), 1)])

    response = shopper_client(shopper).get(
        reverse("storefront:account_reorder", args=[order.number])
    )

    assert response.status_code == 405
    assert not CartLine.objects.exists()

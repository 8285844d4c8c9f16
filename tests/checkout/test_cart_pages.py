"""The cart as a shopper uses it: the storefront's forms and the cart page."""

import pytest
from django.contrib.messages import get_messages
from django.test import Client

from comptoir.catalog.models import Product
from comptoir.checkout.models import Cart, CartLine
from comptoir.storefront.cart_session import CART_SESSION_KEY
from tests.checkout.factories import sold_at
from tests.factories import AvailabilityFactory, LocationFactory, UserFactory

pytestmark = pytest.mark.django_db


def cart_quantities(client) -> dict[str, int]:
    cart_id = client.session.get(CART_SESSION_KEY)
    lines = CartLine.objects.filter(cart_id=cart_id)
    return dict(lines.values_list("product__slug", "quantity"))


def add(client, product, quantity=1, **extra):
    return client.post("/cart/add/", {"product": product.slug, "quantity": quantity, **extra})


def flashed(response) -> str:
    """The message the response's request left (earlier ones pile up when no page
    showing them is fetched in between)."""
    return [str(message) for message in get_messages(response.wsgi_request)][-1]


def test_a_shopper_adds_updates_and_removes_products_through_the_pages(
    client, location, english_shop
):
    croissant = sold_at(location, slug="croissant", name_en="Croissant", price=130)
    tart = sold_at(location, slug="tart", name_en="Lemon tart", price=450)

    response = add(client, croissant, 2, next="/products/croissant/")
    assert response.status_code == 302
    assert response["Location"] == "/products/croissant/"
    assert flashed(response) == "Croissant (2) added to your cart."
    add(client, tart)
    add(client, croissant)
    assert cart_quantities(client) == {"croissant": 3, "tart": 1}

    response = client.post("/cart/update/", {"product": "tart", "quantity": 4})
    assert response.status_code == 302
    assert response["Location"] == "/cart/"
    assert cart_quantities(client) == {"croissant": 3, "tart": 4}

    response = client.post("/cart/remove/", {"product": "croissant"})
    assert response.status_code == 302
    assert cart_quantities(client) == {"tart": 4}

    page = client.get("/cart/")
    html = page.content.decode()
    cart = html[html.index('<section id="cart"') :]
    assert page.status_code == 200
    assert "Lemon tart" in cart
    assert "Croissant" not in cart
    assert "€18.00" in html  # 4 x 4.50
    assert 'href="/"' in html and "Continue shopping" in html


def test_an_add_without_next_returns_to_the_products_page(client, location):
    sold_at(location, slug="croissant")

    response = client.post("/cart/add/", {"product": "croissant"})

    assert response["Location"] == "/products/croissant/"
    assert cart_quantities(client) == {"croissant": 1}


def test_an_add_does_not_return_to_another_site(client, location):
    croissant = sold_at(location, slug="croissant")

    response = add(client, croissant, next="https://evil.example/")

    assert response["Location"] == "/products/croissant/"


def test_more_than_the_stock_is_refused_with_a_message_and_the_cart_unchanged(
    client, location, english_shop
):
    eclair = sold_at(location, slug="eclair", name_en="Eclair", stock=3)
    add(client, eclair, 2)

    response = add(client, eclair, 2, next="/products/eclair/")
    assert flashed(response) == "Only 3 left of Eclair."
    assert cart_quantities(client) == {"eclair": 2}

    response = client.post("/cart/update/", {"product": "eclair", "quantity": 5})
    assert response.status_code == 409
    assert "Only 3 left of Eclair." in response.content.decode()
    assert cart_quantities(client) == {"eclair": 2}

    page = client.get("/products/eclair/")
    assert "Only 3 left of Eclair." not in page.content.decode()  # shown once, then gone


def test_an_inactive_product_is_refused(client, location, english_shop):
    retired = sold_at(location, slug="scone", name_en="Scone", is_active=False)

    response = add(client, retired, next="/")

    assert response["Location"] == "/"
    assert flashed(response) == "Scone is no longer sold."
    assert not Cart.objects.exists()
    assert CART_SESSION_KEY not in client.session


def test_an_unknown_product_is_refused(client, location, english_shop):
    response = client.post("/cart/add/", {"product": "nothing-here", "next": "/"})

    assert flashed(response) == "This product does not exist (any more)."
    assert not Cart.objects.exists()


@pytest.mark.parametrize(
    ("typed", "message"),
    [("abc", "Enter a whole number."), ("150", "Choose a quantity from 1 to 99."), ("-2", "")],
)
def test_a_bad_quantity_redisplays_the_cart_with_the_message_and_other_lines_kept(
    client, location, english_shop, typed, message
):
    croissant = sold_at(location, slug="croissant", name_en="Croissant", price=130)
    tart = sold_at(location, slug="tart", name_en="Lemon tart", price=450)
    add(client, croissant, 2)
    add(client, tart, 1)

    response = client.post("/cart/update/", {"product": "tart", "quantity": typed})
    html = response.content.decode()

    assert response.status_code == 400
    assert (message or "Choose a quantity from 1 to 99.") in html
    assert f'value="{typed}"' in html  # what the shopper typed, kept in its field
    assert "Croissant" in html and "Lemon tart" in html
    assert "€7.10" in html  # subtotal as before: 2 x 1.30 + 4.50
    assert cart_quantities(client) == {"croissant": 2, "tart": 1}


def test_the_cart_shows_todays_price_after_a_price_change(client, location, english_shop):
    croissant = sold_at(location, slug="croissant", price=130)
    add(client, croissant, 2)
    Product.objects.filter(pk=croissant.pk).update(price=150)

    html = client.get("/cart/").content.decode()

    assert "€1.50" in html
    assert "€3.00" in html
    assert "€1.30" not in html and "€2.60" not in html


def test_the_cart_survives_across_requests_and_is_private_to_its_session(location, english_shop):
    croissant = sold_at(location, slug="croissant", name_en="Croissant")
    tart = sold_at(location, slug="tart", name_en="Lemon tart")
    shopper, other = Client(), Client()
    add(shopper, croissant, 2)
    shopper_cart_id = shopper.session[CART_SESSION_KEY]

    assert "Croissant" in shopper.get("/cart/").content.decode()
    assert "Croissant" in shopper.get("/cart/").content.decode()
    other_page = other.get("/cart/").content.decode()
    assert "Croissant" not in other_page
    assert "Your cart is empty." in other_page

    # A cart id in a form or the query string is ignored: only the session names a cart.
    add(other, tart, 1, cart=shopper_cart_id, cart_id=shopper_cart_id)
    other.post(f"/cart/remove/?cart={shopper_cart_id}", {"product": "croissant"})
    other.post("/cart/update/", {"product": "croissant", "quantity": 9, "cart": shopper_cart_id})

    assert other.session[CART_SESSION_KEY] != shopper_cart_id
    assert cart_quantities(shopper) == {"croissant": 2}
    assert cart_quantities(other) == {"tart": 1}


def test_an_accounts_cart_is_not_shown_to_a_session_that_is_not_signed_in_as_it(
    client, location, english_shop
):
    croissant = sold_at(location, slug="croissant", name_en="Croissant")
    add(client, croissant)
    Cart.objects.update(owner=UserFactory())

    assert "Your cart is empty." in client.get("/cart/").content.decode()
    assert CART_SESSION_KEY not in client.session


def test_the_cart_page_makes_as_many_queries_for_12_lines_as_for_2(client, location, count_queries):
    products = [sold_at(location, stock=50) for _ in range(12)]
    for product in products[:2]:
        add(client, product)
    client.get("/cart/")  # warm the session and shop caches alike for both runs

    with count_queries() as two:
        assert client.get("/cart/").status_code == 200
    for product in products[2:]:
        add(client, product)
    with count_queries() as twelve:
        response = client.get("/cart/")

    assert len(response.context["summary"].lines) == 12
    assert twelve.count == two.count
    assert two.count <= 8


def test_money_is_shown_in_the_shops_language(client, location):
    croissant = sold_at(location, slug="croissant", price=130)
    add(client, croissant)

    html = client.get("/cart/").content.decode()

    assert "1,30\xa0€" in html
    assert '<html lang="fr">' in html


def test_the_header_shows_how_many_items_the_cart_holds(client, location, english_shop):
    croissant = sold_at(location, slug="croissant")
    tart = sold_at(location, slug="tart")

    assert "Cart (0 items)" in client.get("/").content.decode()
    add(client, croissant, 2)
    add(client, tart, 1)

    for path in ("/", "/products/croissant/", "/cart/"):
        assert "Cart (3 items)" in client.get(path).content.decode(), path


def test_switching_location_keeps_the_cart_and_marks_what_is_not_sold_there(
    client, location, english_shop
):
    canal = LocationFactory(name="Canal", slug="canal")
    both = sold_at(location, slug="both", name_en="Baguette", price=120)
    AvailabilityFactory(product=both, location=canal)
    only_martyrs = sold_at(location, slug="only-martyrs", name_en="Paris-Brest", price=600)
    client.get("/?location=martyrs")
    add(client, both, 1)
    add(client, only_martyrs, 1)

    html = client.get("/cart/?location=canal").content.decode()

    assert "Paris-Brest" in html
    assert "Not sold at Canal." in html
    assert "€1.20" in html.split("Subtotal")[1]  # the subtotal counts the baguette only
    assert cart_quantities(client) == {"both": 1, "only-martyrs": 1}

    html = client.get("/cart/?location=martyrs").content.decode()
    assert "€7.20" in html.split("Subtotal")[1]


def test_with_htmx_a_quantity_change_answers_the_cart_partial_and_the_header_count(
    client, location, english_shop
):
    croissant = sold_at(location, slug="croissant", price=130)
    add(client, croissant)

    response = client.post(
        "/cart/update/", {"product": "croissant", "quantity": 3}, headers={"HX-Request": "true"}
    )
    html = response.content.decode()

    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="cart"')
    assert "<html" not in html
    assert 'hx-swap-oob="true"' in html and "Cart (3 items)" in html
    assert "€3.90" in html

    refused = client.post(
        "/cart/update/", {"product": "croissant", "quantity": 500}, headers={"HX-Request": "true"}
    )
    assert refused.status_code == 200  # htmx swaps 2xx answers only
    assert "Choose a quantity from 1 to 99." in refused.content.decode()
    assert cart_quantities(client) == {"croissant": 3}


def test_cart_changes_need_the_csrf_token(location):
    croissant = sold_at(location, slug="croissant")
    client = Client(enforce_csrf_checks=True)

    for url in ("/cart/add/", "/cart/update/", "/cart/remove/"):
        response = client.post(url, {"product": croissant.slug, "quantity": 1})
        assert response.status_code == 403, url

    assert not Cart.objects.exists()


def test_cart_changes_are_not_made_by_a_get(client, location):
    sold_at(location, slug="croissant")

    for url in ("/cart/add/", "/cart/update/", "/cart/remove/"):
        assert client.get(url, {"product": "croissant"}).status_code == 405

    assert not Cart.objects.exists()


def test_product_pages_offer_add_to_cart_except_when_sold_out(client, location, english_shop):
    sold_at(location, slug="croissant", name_en="Croissant")
    sold_at(location, slug="eclair", name_en="Eclair", stock=0)

    home = client.get("/").content.decode()
    assert home.count('action="/cart/add/"') == 1
    assert 'value="croissant"' in home
    assert 'action="/cart/add/"' in client.get("/products/croissant/").content.decode()
    assert 'action="/cart/add/"' not in client.get("/products/eclair/").content.decode()

"""Carts for the checkout tests."""

from __future__ import annotations

import factory

from comptoir.checkout.models import Cart, CartLine
from tests.factories import AvailabilityFactory, LocationFactory, ProductFactory


class CartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cart

    location = factory.SubFactory(LocationFactory)


class CartLineFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CartLine

    cart = factory.SubFactory(CartFactory)
    product = factory.SubFactory(ProductFactory)
    quantity = 1


def sold_at(location, *, stock=None, **product_fields):
    """A product sold at ``location`` (stock not counted unless given)."""
    product = ProductFactory(**product_fields)
    AvailabilityFactory(product=product, location=location, stock=stock)
    return product

"""The test gateway's card endpoint used by static/comptoir/test-gateway.js."""

import json

import pytest
from django.urls import reverse

from comptoir.payments.models import TestCardToken
from comptoir.shop.models import PaymentGateway
from comptoir.shop.selectors import get_shop

pytestmark = pytest.mark.django_db


def post_card(client, **card):
    return client.post(
        reverse("storefront:test_gateway_token"),
        data=json.dumps(card),
        content_type="application/json",
    )


def test_a_test_card_comes_back_as_a_token_and_its_number_is_not_kept(client, english_shop):
    answer = post_card(
        client, number="4242 4242 4242 4242", exp_month="12", exp_year="2040", cvc="123"
    )

    assert answer.status_code == 200
    token = answer.json()["token"]
    row = TestCardToken.objects.get(token=token)
    assert (row.brand, row.last4) == ("visa", "4242")
    assert "4242424242424242" not in json.dumps(list(TestCardToken.objects.values()), default=str)


def test_bad_card_details_are_refused_field_by_field(client, english_shop):
    answer = post_card(client, number="1234", exp_month="13", exp_year="2040", cvc="1")

    assert answer.status_code == 400
    errors = answer.json()["errors"]
    assert set(errors) == {"number", "expiry", "cvc"}
    assert "not valid" in errors["number"]
    assert not TestCardToken.objects.exists()


def test_a_body_that_is_not_json_is_refused(client, english_shop):
    answer = client.post(
        reverse("storefront:test_gateway_token"), data="nope", content_type="text/plain"
    )

    assert answer.status_code == 400
    assert "" in answer.json()["errors"]


def test_the_endpoint_is_gone_when_the_shop_uses_stripe(client, settings):
    settings.STRIPE_SECRET_KEY = "sk_test_x"
    shop = get_shop()
    shop.payment_gateway = PaymentGateway.STRIPE
    shop.save(update_fields=["payment_gateway"])

    answer = post_card(
        client, number="4242424242424242", exp_month="12", exp_year="2040", cvc="123"
    )

    assert answer.status_code == 404

"""Which gateway is active is a shop setting; Stripe can be chosen only once the server
has a Stripe secret key, which comes from the environment alone."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import translation

from comptoir import config
from comptoir.config import ConfigError
from comptoir.errors import InvalidInput
from comptoir.payments.gateways.base import PaymentFailed
from comptoir.payments.gateways.stripe_gateway import StripeGateway
from comptoir.payments.gateways.testing import TestGateway
from comptoir.payments.selectors import active_gateway
from comptoir.shop.models import Shop
from comptoir.shop.selectors import get_shop
from comptoir.shop.services import update_shop_settings
from comptoir.users.models import Language
from tests.payments.stripe_standin import ACCOUNT_ID
from tests.shop.factories import settings_form_data

pytestmark = pytest.mark.django_db


def test_a_new_shop_uses_the_test_gateway():
    gateway = active_gateway()

    assert isinstance(gateway, TestGateway)
    assert (gateway.name, gateway.account, gateway.can_save_cards) == ("test", "test", True)


def test_choosing_stripe_without_a_secret_key_is_refused(owner, settings):
    settings.STRIPE_SECRET_KEY = ""
    get_shop()

    with translation.override("en"), pytest.raises(InvalidInput) as refused:
        update_shop_settings(actor=owner, payment_gateway="stripe", name="Chez Lune")

    with translation.override("en"):
        assert "STRIPE_SECRET_KEY" in str(refused.value.errors["payment_gateway"])
    shop = Shop.objects.get()
    assert (shop.payment_gateway, shop.name) == ("test", "Comptoir")


def test_settings_page_shows_the_refusal_beside_the_gateway(owner, signed_in, settings):
    settings.STRIPE_SECRET_KEY = ""
    owner.user.language = Language.ENGLISH
    owner.user.save()

    response = signed_in(owner).post(
        reverse("dashboard:shop_settings"), settings_form_data(get_shop(), payment_gateway="stripe")
    )

    assert response.status_code == 200
    assert "STRIPE_SECRET_KEY" in response.context["form"].errors["payment_gateway"][0]
    page = response.content.decode()
    assert 'name="payment_gateway"' in page and "STRIPE_SECRET_KEY" in page
    assert Shop.objects.get().payment_gateway == "test"


def test_settings_page_offers_the_gateway_and_saves_the_choice(owner, signed_in, stripe_standin):
    client = signed_in(owner)
    url = reverse("dashboard:shop_settings")

    assert 'name="payment_gateway"' in client.get(url).content.decode()
    response = client.post(url, settings_form_data(get_shop(), payment_gateway="stripe"))

    assert response.status_code == 302
    assert Shop.objects.get().payment_gateway == "stripe"
    assert isinstance(active_gateway(), StripeGateway)


def test_with_a_key_stripe_becomes_the_active_gateway(owner, stripe_standin):
    update_shop_settings(actor=owner, payment_gateway="stripe")

    gateway = active_gateway()

    assert isinstance(gateway, StripeGateway)
    assert gateway.name == "stripe"
    assert gateway.account == ACCOUNT_ID


def test_stripe_chosen_but_key_since_removed_refuses_payments(owner, stripe_standin, settings):
    update_shop_settings(actor=owner, payment_gateway="stripe")
    settings.STRIPE_SECRET_KEY = ""

    with pytest.raises(PaymentFailed) as failed:
        active_gateway()

    assert failed.value.code == "gateway_unreachable"


def test_stripe_settings_come_from_the_environment(tmp_path):
    loaded = config.load(
        {
            "STRIPE_SECRET_KEY": "sk_live_abc123",
            "STRIPE_PUBLISHABLE_KEY": "pk_live_abc123",
            "STRIPE_API_BASE": "http://127.0.0.1:12111/",
        },
        base_dir=tmp_path,
    )

    assert loaded.stripe_secret_key == "sk_live_abc123"
    assert loaded.stripe_publishable_key == "pk_live_abc123"
    assert loaded.stripe_api_base == "http://127.0.0.1:12111"
    assert "sk_live_abc123" not in repr(loaded)
    defaults = config.load({}, base_dir=tmp_path)
    assert (defaults.stripe_secret_key, defaults.stripe_api_base) == ("", "https://api.stripe.com")


@pytest.mark.parametrize(
    ("env", "named"),
    [
        ({"STRIPE_SECRET_KEY": "pk_live_oops"}, "STRIPE_SECRET_KEY"),
        ({"STRIPE_PUBLISHABLE_KEY": "sk_live_oops"}, "STRIPE_PUBLISHABLE_KEY"),
        ({"STRIPE_API_BASE": "api.stripe.com"}, "STRIPE_API_BASE"),
    ],
    ids=lambda v: next(iter(v)) if isinstance(v, dict) else v,
)
def test_bad_stripe_settings_are_one_line_errors_naming_the_variable(tmp_path, env, named):
    with pytest.raises(ConfigError) as raised:
        config.load(env, base_dir=tmp_path)

    assert named in str(raised.value)
    if named == "STRIPE_SECRET_KEY":
        assert "pk_live_oops" not in str(raised.value)  # never echo a secret

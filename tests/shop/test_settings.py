import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from comptoir.errors import InvalidInput, PermissionDenied
from comptoir.shop.models import ButtonShape, FontFamily, Shop
from comptoir.shop.selectors import get_shop
from comptoir.shop.services import update_shop_settings
from comptoir.team.permissions import Permission
from tests.shop.factories import png_upload, settings_form_data

pytestmark = pytest.mark.django_db
URL = reverse("dashboard:shop_settings")


def test_bad_time_zone_currency_and_colour_are_refused_field_by_field(owner):
    before = get_shop()

    with pytest.raises(InvalidInput) as refused:
        update_shop_settings(
            actor=owner,
            name="Renamed",
            time_zone="Mars/Olympus_Mons",
            currency="EUX",
            primary_colour="green",
        )

    assert set(refused.value.errors) == {"time_zone", "currency", "primary_colour"}
    assert "Mars/Olympus_Mons" in refused.value.errors["time_zone"]
    assert "EUX" in refused.value.errors["currency"]
    after = Shop.objects.get()
    assert (after.name, after.time_zone, after.currency, after.primary_colour) == (
        before.name,
        before.time_zone,
        before.currency,
        before.primary_colour,
    )


def test_unknown_country_and_language_are_refused(owner):
    with pytest.raises(InvalidInput) as refused:
        update_shop_settings(actor=owner, country="XQ", published_language="de")

    assert set(refused.value.errors) == {"country", "published_language"}
    assert get_shop().published_language == "fr"


def test_a_good_change_persists(owner):
    update_shop_settings(
        actor=owner,
        name="Boulangerie Lune",
        currency="chf",
        time_zone="Europe/Zurich",
        country="ch",
        published_language="en",
        publishes_both_languages=True,
        contact_email="bonjour@lune.example",
        policies="No refunds on bread.",
        customer_accounts_enabled=False,
    )

    shop = Shop.objects.get()
    assert (shop.name, shop.currency, shop.time_zone, shop.country) == (
        "Boulangerie Lune",
        "CHF",
        "Europe/Zurich",
        "CH",
    )
    assert shop.languages == ["en", "fr"]
    assert shop.policies == "No refunds on bread."
    assert shop.customer_accounts_enabled is False


def test_member_without_manage_settings_cannot_change_settings(make_member):
    member = make_member(permissions=[Permission.MANAGE_CATALOG, Permission.MANAGE_TEAM])

    with pytest.raises(PermissionDenied):
        update_shop_settings(actor=member, name="Hijacked")

    assert get_shop().name == "Comptoir"


def test_logo_must_be_an_image(owner):
    fake = SimpleUploadedFile("logo.png", b"not really a png", content_type="image/png")

    with pytest.raises(InvalidInput) as refused:
        update_shop_settings(actor=owner, logo=fake)

    assert "logo" in refused.value.errors
    assert not get_shop().logo


def test_settings_page_shows_each_error_beside_its_field_and_keeps_what_was_typed(owner, signed_in):
    client = signed_in(owner)
    data = settings_form_data(
        get_shop(),
        name="Typed name",
        time_zone="Mars/Olympus_Mons",
        currency="EUX",
        contact_phone="01 23 45 67 89",
    )

    response = client.post(URL, data)

    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"time_zone", "currency"}
    page = response.content.decode()
    assert 'value="Typed name"' in page
    assert 'value="Mars/Olympus_Mons"' in page
    assert 'value="01 23 45 67 89"' in page
    assert Shop.objects.get().name == "Comptoir"


def test_settings_page_refuses_a_colour_that_is_not_hex(owner, signed_in):
    data = settings_form_data(get_shop(), text_colour="red")

    response = signed_in(owner).post(URL, data)

    assert response.status_code == 200
    assert "text_colour" in response.context["form"].errors
    assert Shop.objects.get().text_colour == "#222222"


def test_settings_page_saves_a_good_change(owner, signed_in):
    data = settings_form_data(
        get_shop(), name="Chez Lune", primary_colour="#112233", publishes_both_languages="on"
    )

    response = signed_in(owner).post(URL, data)

    assert response.status_code == 302
    shop = Shop.objects.get()
    assert (shop.name, shop.primary_colour, shop.publishes_both_languages) == (
        "Chez Lune",
        "#112233",
        True,
    )


def test_settings_page_uses_colour_pickers(owner, signed_in):
    page = signed_in(owner).get(URL).content.decode()

    assert page.count('type="color"') == 3


def test_theme_is_applied_to_the_storefront(owner, client):
    update_shop_settings(
        actor=owner,
        primary_colour="#123456",
        background_colour="#fafafa",
        text_colour="#101010",
        font_family=FontFamily.SERIF,
        button_shape=ButtonShape.PILL,
        logo=png_upload(),
    )

    page = client.get("/").content.decode()

    assert "--primary:#123456" in page
    assert "--background:#fafafa" in page
    assert "--text:#101010" in page
    assert "--font:Georgia" in page
    assert "--button-radius:999px" in page
    logo = Shop.objects.get().logo
    assert logo.name.startswith("shop/")
    assert f'<img src="{logo.url}"' in page


def test_logo_uploaded_on_the_settings_page_shows_on_the_storefront(owner, signed_in, client):
    data = settings_form_data(get_shop(), logo=png_upload("lune.png"))

    response = signed_in(owner).post(URL, data)

    assert response.status_code == 302
    logo = Shop.objects.get().logo
    assert logo and logo.name.endswith(".png")
    assert f'<img src="{logo.url}"' in client.get("/").content.decode()


def test_logo_can_be_removed(owner, signed_in):
    update_shop_settings(actor=owner, logo=png_upload())
    data = settings_form_data(get_shop(), **{"logo-clear": "on"})

    signed_in(owner).post(URL, data)

    assert not Shop.objects.get().logo

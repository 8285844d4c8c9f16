"""Helpers for the shop tests: images to upload and a complete settings form."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from comptoir.shop.models import Location, Shop


def png_upload(name: str = "logo.png", colour: str = "#aa3300") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), colour).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def settings_form_data(shop: Shop, **overrides) -> dict:
    """Everything the settings page posts, as it stands, with ``overrides``."""
    data = {
        "name": shop.name,
        "published_language": shop.published_language,
        "currency": shop.currency,
        "time_zone": shop.time_zone,
        "country": shop.country,
        "contact_email": shop.contact_email,
        "contact_phone": shop.contact_phone,
        "contact_address": shop.contact_address,
        "policies": shop.policies,
        "primary_colour": shop.primary_colour,
        "background_colour": shop.background_colour,
        "text_colour": shop.text_colour,
        "font_family": shop.font_family,
        "button_shape": shop.button_shape,
        "payment_gateway": shop.payment_gateway,
    }
    if shop.publishes_both_languages:
        data["publishes_both_languages"] = "on"
    if shop.customer_accounts_enabled:
        data["customer_accounts_enabled"] = "on"
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def location_form_data(
    location: Location | None = None, hours: dict | None = None, **overrides
) -> dict:
    """What the location page posts; ``hours={weekday: {"opens_at": "08:00", ...}}``."""
    data = {
        "name": location.name if location else "Marché",
        "slug": location.slug if location else "",
        "address_line1": "1 place du Marché",
        "postal_code": "69001",
        "city": "Lyon",
        "country": "FR",
        "phone": "",
        "time_zone": "Europe/Paris",
        "preparation_minutes": "15",
        "fulfilment_types": ["pickup", "delivery"],
        "is_active": "on",
        "hours-TOTAL_FORMS": "7",
        "hours-INITIAL_FORMS": "7",
        "hours-MIN_NUM_FORMS": "7",
        "hours-MAX_NUM_FORMS": "7",
    }
    for day in range(7):
        data[f"hours-{day}-weekday"] = str(day)
        for field, value in (hours or {}).get(day, {}).items():
            data[f"hours-{day}-{field}"] = value
    data.update(overrides)
    return data

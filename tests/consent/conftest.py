from tests.consent.fixtures import (  # noqa: F401
    _english,
    customer,
    messenger,
    shop,
    text_in,
    twilio_settings,
    verified_business,
)

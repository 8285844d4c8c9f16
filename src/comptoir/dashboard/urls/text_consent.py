from django.urls import path

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.views import text_consent

urlpatterns: list = [
    path(
        "customers/<int:customer_id>/text-consent/",
        text_consent.text_consent_attest,
        name="text_consent_attest",
    ),
    path(
        "customers/<int:customer_id>/text-consent/marketing/",
        text_consent.text_consent_request_marketing,
        name="text_consent_request_marketing",
    ),
]
menu: list[Entry] = []

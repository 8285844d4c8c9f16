from django.urls import path

from comptoir.partners.webhook import partner_webhook

urlpatterns = [
    path("partners/<slug:slug>/webhook/", partner_webhook, name="partner_webhook"),
]

"""The inbound email webhook (included from the project's URLs, outside the dashboard)."""

from django.urls import path

from comptoir.messaging.anymail_inbound import mailgun_inbound

urlpatterns = [
    path("webhooks/email/mailgun/inbound/", mailgun_inbound, name="mailgun_inbound_email"),
]

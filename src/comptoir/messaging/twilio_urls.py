"""The provider's webhooks (included from the project's URLs, outside the dashboard)."""

from django.urls import path

from comptoir.messaging.twilio_webhooks import twilio_inbound_sms, twilio_status_callback

urlpatterns = [
    path("webhooks/twilio/sms/", twilio_inbound_sms, name="twilio_inbound_sms"),
    path("webhooks/twilio/status/", twilio_status_callback, name="twilio_status_callback"),
]

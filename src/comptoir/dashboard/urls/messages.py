from django.urls import path
from django.utils.translation import gettext_lazy as _

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.views import messages
from comptoir.team.permissions import Permission

# A conversation is named by its customer (one conversation per customer), so the
# permission sweep's customer maker serves; an attachment by ``?file=<id>``.
urlpatterns = [
    path("messages/", messages.message_inbox, name="message_inbox"),
    path("messages/new/", messages.message_new, name="message_new"),
    path("messages/new/customer/", messages.message_new_customer, name="message_new_customer"),
    path("messages/counter/", messages.message_segments, name="message_segments"),
    path(
        "messages/business-identity/",
        messages.message_verification,
        name="message_verification",
    ),
    path("messages/texts-outbox/", messages.message_sms_outbox, name="message_sms_outbox"),
    path(
        "messages/<int:customer_id>/",
        messages.message_conversation,
        name="message_conversation",
    ),
    path(
        "messages/<int:customer_id>/updates/",
        messages.message_conversation_updates,
        name="message_conversation_updates",
    ),
    path("messages/<int:customer_id>/send/", messages.message_send, name="message_send"),
    path(
        "messages/<int:customer_id>/attachment/",
        messages.message_attachment,
        name="message_attachment",
    ),
]
menu = [
    Entry(_("Messages"), "dashboard:message_inbox", Permission.MESSAGE_CUSTOMERS),
    Entry(_("Business identity"), "dashboard:message_verification", Permission.MANAGE_SETTINGS),
]

from django.urls import path
from django.utils.translation import gettext_lazy as _

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.views import mail
from comptoir.team.permissions import Permission

urlpatterns = [
    path("outbox/", mail.outbox, name="outbox"),
    path("outbox/test/", mail.outbox_test, name="outbox_test"),
    path("outbox/<int:email_id>/", mail.outbox_detail, name="outbox_detail"),
]
menu = [Entry(_("Outbox"), "dashboard:outbox", Permission.MANAGE_SETTINGS)]

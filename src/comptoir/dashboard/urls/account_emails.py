from django.urls import path
from django.utils.translation import gettext_lazy as _

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.views import account_emails
from comptoir.team.permissions import Permission

# Which email and language: in the query string (?email=account_welcome&language=fr).
urlpatterns = [
    path("customers/emails/", account_emails.account_emails, name="account_emails"),
    path("customers/emails/edit/", account_emails.account_email_edit, name="account_email_edit"),
    path(
        "customers/emails/preview/",
        account_emails.account_email_preview,
        name="account_email_preview",
    ),
    path("customers/emails/reset/", account_emails.account_email_reset, name="account_email_reset"),
]
menu = [Entry(_("Account emails"), "dashboard:account_emails", Permission.MANAGE_CUSTOMERS)]

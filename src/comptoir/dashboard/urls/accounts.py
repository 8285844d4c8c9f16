from django.urls import path
from django.utils.translation import gettext_lazy as _

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.views import accounts
from comptoir.team.permissions import Permission

urlpatterns = [
    path("accounts/terms/", accounts.account_terms, name="account_terms"),
]
menu = [Entry(_("Account terms"), "dashboard:account_terms", Permission.MANAGE_SETTINGS)]

"""Every dashboard URL. Each domain keeps its own module with ``urlpatterns`` and
``menu`` (its navigation entries); all share the ``dashboard`` namespace.
Every view here must be wrapped by ``staff_view`` (a test walks them all)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.urls import (
    account_emails,
    accounts,
    appointments,
    catalog,
    counter,
    coupons,
    customer_import,
    customer_merge,
    customer_privacy,
    customer_records,
    customers,
    giftcards,
    jobs,
    mail,
    messages,
    order_refunds,
    orders,
    partners,
    shop,
    stations,
    tables,
    team,
    text_consent,
)
from comptoir.dashboard.views import home

app_name = "dashboard"
urlpatterns = [
    path("", home.home, name="home"),
    path("login/", home.StaffSignInView.as_view(), name="login"),
    path("logout/", home.StaffSignOutView.as_view(), name="logout"),
]
MENU = [Entry(_("Home"), "dashboard:home", None)]
for module in (
    catalog,
    customers,
    customer_records,
    customer_import,
    customer_privacy,
    customer_merge,
    account_emails,
    giftcards,
    shop,
    accounts,
    team,
    mail,
    jobs,
    stations,
    tables,
    orders,
    order_refunds,
    counter,
    partners,
    appointments,
    text_consent,
    coupons,
    messages,
):
    urlpatterns += module.urlpatterns
    MENU += module.menu

# Views that are deliberately open (signing in and out).
PUBLIC_URL_NAMES = {"login", "logout"}

from django.urls import path
from django.utils.translation import gettext_lazy as _

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.views import orders
from comptoir.team.permissions import Permission

urlpatterns = [
    path("orders/", orders.order_list, name="order_list"),
    path("orders/alerts/", orders.order_alert_settings, name="order_alert_settings"),
    path("orders/<int:order_id>/", orders.order_detail, name="order_detail"),
    path("orders/<int:order_id>/action/", orders.order_action, name="order_action"),
]
menu = [Entry(_("Orders"), "dashboard:order_list", Permission.VIEW_ORDERS)]

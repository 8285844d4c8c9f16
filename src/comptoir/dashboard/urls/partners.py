from django.urls import path
from django.utils.translation import gettext_lazy as _

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.views import partners
from comptoir.team.permissions import Permission

urlpatterns = [
    path("partners/", partners.partner_list, name="partner_list"),
    path("partners/new/", partners.partner_create, name="partner_create"),
    path("partners/<int:partner_id>/", partners.partner_edit, name="partner_edit"),
    path(
        "partners/<int:partner_id>/rotate-secret/",
        partners.partner_rotate_secret,
        name="partner_rotate_secret",
    ),
    path("partners/<int:partner_id>/items/", partners.partner_items, name="partner_items"),
    path(
        "partners/<int:partner_id>/items/<int:item_id>/delete/",
        partners.partner_item_delete,
        name="partner_item_delete",
    ),
    path("partners/orders/", partners.partner_orders, name="partner_orders"),
    path(
        "partners/orders/<int:partner_order_id>/accept/",
        partners.partner_order_accept,
        name="partner_order_accept",
    ),
    path(
        "partners/orders/<int:partner_order_id>/decline/",
        partners.partner_order_decline,
        name="partner_order_decline",
    ),
    path(
        "partners/orders/<int:partner_order_id>/delay/",
        partners.partner_order_delay,
        name="partner_order_delay",
    ),
]
menu = [
    Entry(_("Partner orders"), "dashboard:partner_orders", Permission.MANAGE_ORDERS),
    Entry(_("Partners"), "dashboard:partner_list", Permission.MANAGE_SETTINGS),
]

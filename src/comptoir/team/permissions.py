"""The permissions a role can grant (Square's model). The owner and full-access
members hold all of them; a custom role holds a named subset."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Permission(models.TextChoices):
    VIEW_CUSTOMERS = "view_customers", _("View customers")
    MANAGE_CUSTOMERS = "manage_customers", _("Manage customers")
    VIEW_ORDERS = "view_orders", _("View orders")
    MANAGE_ORDERS = "manage_orders", _("Manage orders")
    MANAGE_CATALOG = "manage_catalog", _("Manage catalog")
    MANAGE_GIFT_CARDS = "manage_gift_cards", _("Manage gift cards")
    MESSAGE_CUSTOMERS = "message_customers", _("View and send messages to customers")
    MANAGE_SETTINGS = "manage_settings", _("Manage settings")
    MANAGE_TEAM = "manage_team", _("Manage team")


# Permissions that imply a weaker one: managing customers includes viewing them.
IMPLIED: dict[Permission, set[Permission]] = {
    Permission.MANAGE_CUSTOMERS: {Permission.VIEW_CUSTOMERS},
    Permission.MANAGE_ORDERS: {Permission.VIEW_ORDERS},
}


def expand(codes: set[str]) -> set[Permission]:
    granted = {Permission(code) for code in codes if code in Permission.values}
    for code in list(granted):
        granted |= IMPLIED.get(code, set())
    return granted

from django.urls import path
from django.utils.translation import gettext_lazy as _

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.views import shop
from comptoir.team.permissions import Permission

urlpatterns = [
    path("settings/", shop.shop_settings, name="shop_settings"),
    path("locations/", shop.location_list, name="location_list"),
    path("locations/new/", shop.location_create, name="location_create"),
    path("locations/<int:pk>/", shop.location_edit, name="location_edit"),
]
menu: list[Entry] = [
    Entry(_("Locations"), "dashboard:location_list", Permission.MANAGE_SETTINGS),
    Entry(_("Settings"), "dashboard:shop_settings", Permission.MANAGE_SETTINGS),
]

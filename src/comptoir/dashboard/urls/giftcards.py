from django.urls import path
from django.utils.translation import gettext_lazy as _

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.views import giftcards
from comptoir.team.permissions import Permission

# The card is named by ``?card=<id>`` (GET) or the ``card`` field (POST) rather than a
# URL argument, so the permission sweep needs no gift-card maker.
urlpatterns = [
    path("giftcards/", giftcards.giftcard_list, name="giftcard_list"),
    path("giftcards/activate/", giftcards.giftcard_activate, name="giftcard_activate"),
    path("giftcards/card/", giftcards.giftcard_detail, name="giftcard_detail"),
    path("giftcards/card/load/", giftcards.giftcard_load, name="giftcard_load"),
    path("giftcards/card/adjust/", giftcards.giftcard_adjust, name="giftcard_adjust"),
    path("giftcards/card/clear/", giftcards.giftcard_clear, name="giftcard_clear"),
    path("giftcards/card/deactivate/", giftcards.giftcard_deactivate, name="giftcard_deactivate"),
]
menu = [Entry(_("Gift cards"), "dashboard:giftcard_list", Permission.MANAGE_GIFT_CARDS)]

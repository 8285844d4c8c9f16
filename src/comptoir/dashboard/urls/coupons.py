from django.urls import path
from django.utils.translation import gettext_lazy as _

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.views import coupons
from comptoir.team.permissions import Permission

# The customer is named by ``?customer=<id>``: no URL argument for the permission sweep.
urlpatterns = [
    path("coupons/", coupons.coupon_list, name="coupon_list"),
    path("coupons/new/", coupons.coupon_new, name="coupon_new"),
    path("coupons/of-conversation/", coupons.coupon_lines, name="coupon_lines"),
    path("messages/unread/", coupons.message_unread_badge, name="message_unread_badge"),
    path("messages/product-cards/", coupons.message_product_cards, name="message_product_cards"),
]
menu = [Entry(_("Coupons"), "dashboard:coupon_list", Permission.MESSAGE_CUSTOMERS)]

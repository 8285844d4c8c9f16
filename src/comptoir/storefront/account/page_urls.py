"""The signed-in shopper's own pages under /account/ (``storefront:account_*``)."""

from django.urls import path

from comptoir.storefront import order_views
from comptoir.storefront.account import (
    page_views,
    page_views_cards,
    page_views_data,
    page_views_details,
)

urlpatterns = [
    path("", page_views.account_home, name="account_home"),
    path("orders/", page_views.account_orders, name="account_orders"),
    path("orders/<str:number>/", page_views.account_order, name="account_order"),
    path("orders/<str:number>/reorder/", page_views.account_reorder, name="account_reorder"),
    path(
        "orders/<str:number>/arrived/",
        order_views.account_order_arrived,
        name="account_order_arrived",
    ),
    path("cards/", page_views_cards.account_cards, name="account_cards"),
    path(
        "cards/<int:card_id>/primary/",
        page_views_cards.account_card_primary,
        name="account_card_primary",
    ),
    path(
        "cards/<int:card_id>/delete/",
        page_views_cards.account_card_delete,
        name="account_card_delete",
    ),
    path("addresses/", page_views_details.account_addresses, name="account_addresses"),
    path(
        "addresses/<int:address_id>/",
        page_views_details.account_address_edit,
        name="account_address_edit",
    ),
    path(
        "addresses/<int:address_id>/primary/",
        page_views_details.account_address_primary,
        name="account_address_primary",
    ),
    path(
        "addresses/<int:address_id>/delete/",
        page_views_details.account_address_delete,
        name="account_address_delete",
    ),
    path("contact/", page_views_details.account_contact, name="account_contact"),
    path("contact/phones/", page_views_details.account_phone_add, name="account_phone_add"),
    path(
        "contact/phones/<int:phone_id>/",
        page_views_details.account_phone_update,
        name="account_phone_update",
    ),
    path(
        "contact/phones/<int:phone_id>/primary/",
        page_views_details.account_phone_primary,
        name="account_phone_primary",
    ),
    path(
        "contact/phones/<int:phone_id>/delete/",
        page_views_details.account_phone_delete,
        name="account_phone_delete",
    ),
    path("contact/emails/", page_views_details.account_email_add, name="account_email_add"),
    path(
        "contact/emails/<int:email_id>/",
        page_views_details.account_email_update,
        name="account_email_update",
    ),
    path(
        "contact/emails/<int:email_id>/primary/",
        page_views_details.account_email_primary,
        name="account_email_primary",
    ),
    path(
        "contact/emails/<int:email_id>/delete/",
        page_views_details.account_email_delete,
        name="account_email_delete",
    ),
    path("language/", page_views.account_language, name="account_language"),
    path("delete/", page_views.account_delete, name="account_delete"),
    path("data.json", page_views_data.account_data_export, name="account_data_export"),
]

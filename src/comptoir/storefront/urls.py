from django.urls import include, path

from comptoir.storefront import cart_views, giftcard_views, payment_link_views, views

app_name = "storefront"
urlpatterns = [
    path("", views.home, name="home"),
    path("products/<slug:slug>/", views.product_detail, name="product"),
    path("categories/<slug:slug>/", views.category, name="category"),
    path("cart/", cart_views.cart_page, name="cart"),
    path("cart/add/", cart_views.cart_add, name="cart_add"),
    path("cart/update/", cart_views.cart_update, name="cart_update"),
    path("cart/remove/", cart_views.cart_remove, name="cart_remove"),
    path("gift-cards/balance/", giftcard_views.balance_page, name="gift_card_balance"),
    path("gift-cards/buy/", giftcard_views.buy_page, name="gift_card_buy"),
    path("pay/<str:token>/", payment_link_views.pay_page, name="payment_link"),
    path("account/", include("comptoir.storefront.account.urls")),
    path("", include("comptoir.storefront.checkout_urls")),
    path("", include("comptoir.storefront.table_urls")),
]

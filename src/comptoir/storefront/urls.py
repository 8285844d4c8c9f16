from django.urls import path

from comptoir.storefront import views

app_name = "storefront"
urlpatterns = [
    path("", views.home, name="home"),
    path("products/<slug:slug>/", views.product_detail, name="product"),
]

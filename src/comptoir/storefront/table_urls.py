"""Table ordering: the menu a table's QR code opens (``storefront:table_*``)."""

from django.urls import URLPattern, path

from comptoir.storefront import table_views

urlpatterns: list[URLPattern] = [
    path("t/<str:token>/", table_views.table_menu, name="table_menu"),
    path("t/<str:token>/add/", table_views.table_add, name="table_add"),
    path("t/<str:token>/update/", table_views.table_update, name="table_update"),
    path("t/<str:token>/pay/", table_views.table_pay, name="table_pay"),
    path("t/<str:token>/done/<str:number>/", table_views.table_done, name="table_done"),
]

from django.urls import path
from django.utils.translation import gettext_lazy as _

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.views import catalog
from comptoir.team.permissions import Permission

urlpatterns = [
    path("products/", catalog.product_list, name="product_list"),
    path("products/new/", catalog.product_create, name="product_create"),
    path("products/<int:pk>/", catalog.product_edit, name="product_edit"),
    path(
        "products/<int:pk>/availability/", catalog.product_availability, name="product_availability"
    ),
    path("categories/", catalog.category_list, name="category_list"),
    path("categories/new/", catalog.category_create, name="category_create"),
    path("categories/<int:pk>/", catalog.category_edit, name="category_edit"),
]
menu = [
    Entry(_("Products"), "dashboard:product_list", Permission.MANAGE_CATALOG),
    Entry(_("Categories"), "dashboard:category_list", Permission.MANAGE_CATALOG),
]

from django.urls import path
from django.utils.translation import gettext_lazy as _

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.views import tables
from comptoir.tables.services import TABLE_PERMISSION

urlpatterns = [
    path("tables/", tables.table_list, name="table_list"),
    path("tables/new/", tables.table_create, name="table_create"),
    path("tables/<int:table_id>/", tables.table_edit, name="table_edit"),
    path("tables/<int:table_id>/active/", tables.table_active, name="table_active"),
    path("tables/<int:table_id>/qr.png", tables.table_qr, name="table_qr"),
    path("tables/locations/<int:location_id>/sheet.png", tables.table_sheet, name="table_sheet"),
    path(
        "tables/locations/<int:location_id>/sheet.pdf",
        tables.table_sheet_pdf,
        name="table_sheet_pdf",
    ),
]
menu = [Entry(_("Tables"), "dashboard:table_list", TABLE_PERMISSION)]

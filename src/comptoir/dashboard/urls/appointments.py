from django.urls import path
from django.utils.translation import gettext_lazy as _

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.views import appointments
from comptoir.team.permissions import Permission

# The appointment is named by ``?appointment=<id>`` (GET) or the ``appointment`` field
# (POST) rather than a URL argument, so the permission sweep needs no appointment maker.
urlpatterns = [
    path("appointments/", appointments.appointment_list, name="appointment_list"),
    path("appointments/new/", appointments.appointment_create, name="appointment_create"),
    path("appointments/edit/", appointments.appointment_edit, name="appointment_edit"),
    path("appointments/status/", appointments.appointment_status, name="appointment_status"),
    path(
        "appointments/settings/",
        appointments.appointment_settings,
        name="appointment_settings",
    ),
]
menu = [Entry(_("Appointments"), "dashboard:appointment_list", Permission.VIEW_ORDERS)]

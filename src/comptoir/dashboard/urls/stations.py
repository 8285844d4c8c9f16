from django.urls import path
from django.utils.translation import gettext_lazy as _

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.views import stations
from comptoir.stations.services import STATION_PERMISSION

urlpatterns = [
    path("stations/", stations.station_list, name="station_list"),
    path("stations/new/", stations.station_create, name="station_create"),
    path("stations/<int:pk>/", stations.station_edit, name="station_edit"),
    path("stations/<int:pk>/screen/", stations.station_screen, name="station_screen"),
    path(
        "stations/locations/<int:location_id>/routes/",
        stations.station_routes,
        name="station_routes",
    ),
    path("stations/tickets/<int:pk>/done/", stations.ticket_done, name="ticket_done"),
    path("stations/tickets/<int:pk>/reprint/", stations.ticket_reprint, name="ticket_reprint"),
]
menu = [Entry(_("Stations"), "dashboard:station_list", STATION_PERMISSION)]

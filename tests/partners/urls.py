"""The site's URLs with the partner dashboard pages added to the dashboard namespace,
until the lead registers ``comptoir.dashboard.urls.partners`` in
``comptoir/dashboard/urls/__init__.py`` (then this file can go)."""

from django.urls import include, path

from comptoir import urls as site
from comptoir.dashboard import urls as dashboard
from comptoir.dashboard.urls import partners

urlpatterns = [
    path(
        "dashboard/",
        include((partners.urlpatterns + dashboard.urlpatterns, "dashboard"), namespace="dashboard"),
    ),
    *[entry for entry in site.urlpatterns if str(entry.pattern) != "dashboard/"],
]

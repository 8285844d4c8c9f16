from django.conf import settings
from django.urls import include, path, re_path
from django.views.i18n import set_language
from django.views.static import serve as serve_media

from comptoir.jobs.views import healthz

urlpatterns = [
    path("", include("comptoir.storefront.urls")),
    path("dashboard/", include("comptoir.dashboard.urls")),
    path("", include("comptoir.partners.urls")),
    path("", include("comptoir.messaging.twilio_urls")),
    path("", include("comptoir.messaging.email_urls")),
    path("healthz", healthz, name="healthz"),
    path("i18n/setlang/", set_language, name="set_language"),
    # Uploaded images (logo, products). A single-box install serves them itself.
    re_path(r"^media/(?P<path>.*)$", serve_media, {"document_root": settings.MEDIA_ROOT}),
]

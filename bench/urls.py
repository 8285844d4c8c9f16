"""The product's URLs plus the bench-only bare placing view (see ``bench.bare``)."""

from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from bench import bare

urlpatterns = [
    path("bench/bare-place/", csrf_exempt(bare.bare_place), name="bench_bare_place"),
    path("", include("comptoir.urls")),
]

"""The product's URLs plus the bench-only bare views: the placing, and each step of the
checkout (see ``bench.bare``)."""

from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from bench import bare

urlpatterns = [
    path("bench/bare-place/", csrf_exempt(bare.bare_place), name="bench_bare_place"),
    path(
        "bench/bare-flow/<slug:step>/",
        csrf_exempt(bare.bare_flow_step),
        name="bench_bare_flow_step",
    ),
    path("", include("comptoir.urls")),
]

"""Pick the language of each request (the shop's language model).

- Dashboard pages follow the signed-in staff member's language, else the browser's.
- Storefront pages use the shop's published language; when the shop publishes both,
  a visitor's switch (Django's ``set_language`` cookie) is kept and honoured.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from comptoir.shop.models import Shop
from comptoir.shop.selectors import shop_read_once

DASHBOARD_PREFIX = "/dashboard/"
SUPPORTED = {code for code, _ in settings.LANGUAGES}


class ShopLanguageMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path.startswith(settings.STATIC_URL) or request.path == "/healthz":
            return self.get_response(request)
        with shop_read_once() as shop:
            return self.respond(request, shop)

    def respond(self, request: HttpRequest, shop: Shop) -> HttpResponse:
        # Declared for the dashboard by its StaffRequest; this app may not import the web layer.
        request.shop = shop  # type: ignore[attr-defined]
        # str(): a shop row created just now holds the Language member, and WSGI
        # servers refuse anything but a plain str in a header.
        language = str(self.choose(request, shop))
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language"))
        # The dashboard's staff_view may have switched to the member's own language.
        response.headers.setdefault(
            "Content-Language", str(getattr(request, "LANGUAGE_CODE", language))
        )
        translation.deactivate()
        return response

    def choose(self, request: HttpRequest, shop: Shop) -> str:
        if request.path.startswith(DASHBOARD_PREFIX):
            # request.user is not resolved yet (auth middleware runs later), so the
            # dashboard's staff language is applied by the dashboard view decorator.
            browser = translation.get_language_from_request(request, check_path=False)
            return browser if browser in SUPPORTED else shop.published_language
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen is not None and chosen in shop.languages:
            return chosen
        return shop.published_language

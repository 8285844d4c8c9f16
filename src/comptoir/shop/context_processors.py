from django.http import HttpRequest

from comptoir.shop.selectors import get_shop


def shop(request: HttpRequest) -> dict:
    current = getattr(request, "shop", None) or get_shop()
    return {"shop": current}

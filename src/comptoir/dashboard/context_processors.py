from django.http import HttpRequest

from comptoir.dashboard.navigation import menu_for


def dashboard(request: HttpRequest) -> dict:
    member = getattr(request, "member", None)
    if member is None:
        return {}
    return {"member": member, "menu": menu_for(member, request.path)}

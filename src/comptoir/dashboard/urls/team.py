from django.urls import path
from django.utils.translation import gettext_lazy as _

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.views import team
from comptoir.team.permissions import Permission

urlpatterns = [
    path("team/", team.team_list, name="team_list"),
    path("team/new/", team.member_create, name="member_create"),
    path("team/<int:pk>/", team.member_edit, name="member_edit"),
    path("team/<int:pk>/deactivate/", team.member_deactivate, name="member_deactivate"),
    path("team/roles/", team.role_list, name="role_list"),
    path("team/roles/new/", team.role_create, name="role_create"),
    path("team/roles/<int:pk>/", team.role_edit, name="role_edit"),
    path("team/roles/<int:pk>/delete/", team.role_delete, name="role_delete"),
    path("profile/", team.my_profile, name="my_profile"),
]
menu: list[Entry] = [
    Entry(_("Team"), "dashboard:team_list", Permission.MANAGE_TEAM),
    # Every member sets their own dashboard language here.
    Entry(_("My profile"), "dashboard:my_profile", None),
]

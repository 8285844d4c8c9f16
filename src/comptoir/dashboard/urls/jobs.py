from django.urls import path
from django.utils.translation import gettext_lazy as _

from comptoir.dashboard.menu import Entry
from comptoir.dashboard.views import jobs
from comptoir.team.permissions import Permission

urlpatterns = [
    path("tasks/", jobs.task_list, name="task_list"),
    path("tasks/<uuid:result_id>/retry/", jobs.task_retry, name="task_retry"),
]
menu = [Entry(_("Background tasks"), "dashboard:task_list", Permission.MANAGE_SETTINGS)]

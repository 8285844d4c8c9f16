from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "comptoir.team"
    verbose_name = "Team"

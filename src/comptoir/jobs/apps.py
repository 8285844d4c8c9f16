from django.apps import AppConfig


class JobsConfig(AppConfig):
    name = "comptoir.jobs"
    verbose_name = "Jobs"

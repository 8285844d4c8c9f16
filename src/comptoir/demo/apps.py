from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "comptoir.demo"
    verbose_name = "Demo shop"

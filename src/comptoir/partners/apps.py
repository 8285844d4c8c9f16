from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "comptoir.partners"
    verbose_name = "Partners"

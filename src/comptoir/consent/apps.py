from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "comptoir.consent"
    verbose_name = "Text consent"

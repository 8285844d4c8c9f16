from django.apps import AppConfig


class MailConfig(AppConfig):
    name = "comptoir.mail"
    verbose_name = "Mail"

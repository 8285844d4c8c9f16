from django.apps import AppConfig


class ServerConfig(AppConfig):
    name = "comptoir.server"
    verbose_name = "Web server"

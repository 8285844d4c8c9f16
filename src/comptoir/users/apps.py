from django.apps import AppConfig


class UsersConfig(AppConfig):
    name = "comptoir.users"
    verbose_name = "Users"

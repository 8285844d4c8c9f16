from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "comptoir.accounts"
    verbose_name = "Customer accounts"

from django.apps import AppConfig


class ShopConfig(AppConfig):
    name = "comptoir.shop"
    verbose_name = "Shop"

from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "comptoir.orders"
    verbose_name = "Orders"

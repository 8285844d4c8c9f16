from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "comptoir.payments"
    verbose_name = "Payments"

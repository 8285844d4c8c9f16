from django.apps import AppConfig


class CheckoutConfig(AppConfig):
    name = "comptoir.checkout"
    verbose_name = "Checkout"

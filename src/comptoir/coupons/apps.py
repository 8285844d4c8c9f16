from django.apps import AppConfig


class CouponsConfig(AppConfig):
    name = "comptoir.coupons"
    verbose_name = "Coupons"

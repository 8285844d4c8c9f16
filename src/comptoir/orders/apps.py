from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "comptoir.orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        # Imported here, once models are loaded (Django's documented place for it).
        from comptoir.mail.rendering import register_context
        from comptoir.orders.receipts import RECEIPT_TEMPLATE, receipt_context

        register_context(RECEIPT_TEMPLATE, receipt_context)

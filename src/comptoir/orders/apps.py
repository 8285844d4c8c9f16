from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "comptoir.orders"
    verbose_name = "Orders"

    def ready(self) -> None:
        # Imported here, once models are loaded (Django's documented place for it).
        from comptoir.mail.rendering import register_context
        from comptoir.mail.reply_to import register_reply_to
        from comptoir.messaging.order_texts import RECEIPT_KIND, receipt_reply_to
        from comptoir.orders.receipts import RECEIPT_TEMPLATE, receipt_context

        register_context(RECEIPT_TEMPLATE, receipt_context)
        # A reply to the receipt lands in the customer's conversation, linked to the order.
        register_reply_to(RECEIPT_KIND, receipt_reply_to)

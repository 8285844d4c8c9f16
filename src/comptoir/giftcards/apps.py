from django.apps import AppConfig


class GiftCardsConfig(AppConfig):
    name = "comptoir.giftcards"
    verbose_name = "Gift cards"

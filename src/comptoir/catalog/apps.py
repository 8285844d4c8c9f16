from django.apps import AppConfig


class CatalogConfig(AppConfig):
    name = "comptoir.catalog"
    verbose_name = "Catalog"

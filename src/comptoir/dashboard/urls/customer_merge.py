from django.urls import path  # noqa: F401

from comptoir.dashboard.menu import Entry

urlpatterns: list = []
menu: list[Entry] = []

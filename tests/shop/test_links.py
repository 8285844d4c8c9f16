"""Absolute addresses: the shop's public address first, else the request's, else the path."""

from __future__ import annotations

from django.test import RequestFactory

from comptoir.shop.links import absolute_url, public_base


def test_the_public_address_comes_first_even_with_a_request(settings):
    settings.COMPTOIR_PUBLIC_URL = "https://cafe.example.com/"
    request = RequestFactory().get("/dashboard/", HTTP_HOST="10.0.0.5:8000")

    assert public_base() == "https://cafe.example.com"
    assert absolute_url("/pay/abc/", request) == "https://cafe.example.com/pay/abc/"
    assert absolute_url("/pay/abc/") == "https://cafe.example.com/pay/abc/"


def test_without_a_public_address_the_request_gives_the_host(settings):
    settings.COMPTOIR_PUBLIC_URL = ""
    request = RequestFactory().get("/dashboard/")  # Host: testserver, an allowed host

    assert absolute_url("/pay/abc/", request) == "http://testserver/pay/abc/"


def test_with_neither_the_path_stays_relative(settings):
    settings.COMPTOIR_PUBLIC_URL = ""

    assert public_base() == ""
    assert absolute_url("/pay/abc/") == "/pay/abc/"

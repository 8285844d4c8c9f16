"""Comptoir: a self-hostable commerce back end for independent shops and restaurants."""

__version__ = "0.1.0"

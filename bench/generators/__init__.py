"""One module per app; importing it registers its generator with ``bench.generate``.
A later issue adds its module here (e.g. ``customers``, ``orders``)."""

from bench.generators import catalog, customers, messages, orders, partners, shop, staff

__all__ = ["catalog", "customers", "messages", "orders", "partners", "shop", "staff"]

"""What the load runner measures. A scenario is a name, a function returning the
request paths to cycle through (it may query the generated data through Django), and
whether it needs a signed-in staff session (the bench owner's).

A later issue adds its own with the decorator::

    @scenario("account_orders", customer=True)  # (once customer sessions exist)
    def account_orders(using: str) -> list[str]: ...
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

Paths = Callable[[str], list[str]]


@dataclass(frozen=True)
class Scenario:
    name: str
    paths: Paths
    staff: bool = False
    description: str = ""


SCENARIOS: dict[str, Scenario] = {}


def scenario(name: str, *, staff: bool = False, description: str = "") -> Callable[[Paths], Paths]:
    def decorate(paths: Paths) -> Paths:
        if name in SCENARIOS:
            raise ValueError(f"a bench scenario named {name!r} is already registered")
        SCENARIOS[name] = Scenario(name, paths, staff, description or (paths.__doc__ or "").strip())
        return paths

    return decorate


def select(names: str | None) -> list[Scenario]:
    if not names:
        return list(SCENARIOS.values())
    wanted = [name.strip() for name in names.split(",") if name.strip()]
    unknown = [name for name in wanted if name not in SCENARIOS]
    if unknown:
        raise ValueError(
            f"unknown scenario(s) {', '.join(unknown)}: known are {', '.join(SCENARIOS)}"
        )
    return [SCENARIOS[name] for name in wanted]


@scenario("home")
def home(using: str) -> list[str]:
    """Storefront home: every category with the products of the first location."""
    return ["/"]


@scenario("product")
def product(using: str) -> list[str]:
    """Storefront product pages, cycling through up to 200 products sold at the first location."""
    from comptoir.catalog.models import Product
    from comptoir.shop.models import Location

    locations = Location.objects.using(using).filter(is_active=True)
    first = locations.order_by("position", "name").first()
    slugs = (
        Product.objects.using(using)
        .filter(is_active=True, availabilities__location=first, availabilities__is_available=True)
        .order_by("id")
        .values_list("slug", flat=True)
    )
    chosen = list(slugs)
    # An even spread over the catalog rather than its first rows.
    step = max(1, len(chosen) // 200)
    return [f"/products/{slug}/" for slug in chosen[::step][:200]]


@scenario("dashboard_products", staff=True)
def dashboard_products(using: str) -> list[str]:
    """Dashboard product list (first page), signed in as the owner."""
    return ["/dashboard/products/"]

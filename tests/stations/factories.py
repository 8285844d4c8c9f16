"""A location set up like a café: a kitchen (the fallback) and a bar; pastries go to the
kitchen, drinks to the bar, sandwiches route nowhere (so to the fallback)."""

from __future__ import annotations

from dataclasses import dataclass

from comptoir.catalog.models import Category, Product
from comptoir.shop.models import Location
from comptoir.stations.models import Station
from comptoir.stations.services import create_station, set_category_routes
from comptoir.team.models import Access
from tests.factories import CategoryFactory, LocationFactory, TeamMemberFactory
from tests.orders.factories import stocked


@dataclass
class Cafe:
    location: Location
    kitchen: Station
    bar: Station
    croissant: Product
    espresso: Product
    sandwich: Product
    pastries: Category
    drinks: Category


def cafe(*, kitchen_port: int = 9100, bar_port: int = 9100, location=None) -> Cafe:
    owner = TeamMemberFactory(access=Access.FULL)
    location = location or LocationFactory(
        fulfilment_types=["pickup", "curbside", "table"], time_zone="Europe/Paris"
    )
    pastries = CategoryFactory(name_en="Pastries", name_fr="Viennoiseries")
    drinks = CategoryFactory(name_en="Drinks", name_fr="Boissons")
    sandwiches = CategoryFactory(name_en="Sandwiches", name_fr="Sandwichs")
    kitchen = create_station(
        actor=owner,
        location=location,
        name="Kitchen",
        printer_host="127.0.0.1",
        printer_port=kitchen_port,
    )
    bar = create_station(
        actor=owner, location=location, name="Bar", printer_host="127.0.0.1", printer_port=bar_port
    )
    set_category_routes(
        actor=owner, location=location, routes={pastries.pk: kitchen.pk, drinks.pk: bar.pk}
    )

    def product(name: str, category: Category) -> Product:
        return stocked(
            location, price=250, stock=None, name_fr=name, name_en=name, category=category
        )

    return Cafe(
        location=location,
        kitchen=kitchen,
        bar=bar,
        croissant=product("Croissant", pastries),
        espresso=product("Espresso", drinks),
        sandwich=product("Jambon-beurre", sandwiches),
        pastries=pastries,
        drinks=drinks,
    )

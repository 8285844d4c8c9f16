"""Seed the demo shop through the same services the dashboard uses (and, for its
shoppers, those a shopper's visit uses: see ``shoppers``). Running it again changes
nothing: each thing is looked up by its natural key (email, slug, order key) first."""

from __future__ import annotations

from collections.abc import Callable

from django.db import transaction
from tqdm import tqdm

from comptoir.appointments.demo import seed_demo_appointments
from comptoir.catalog import services as catalog_services
from comptoir.catalog.models import Category, Product
from comptoir.consent.demo import seed_demo_text_consent
from comptoir.coupons.demo import seed_demo_coupons
from comptoir.demo import content
from comptoir.demo.counter import seed_demo_counter
from comptoir.demo.customers import seed_customers
from comptoir.demo.operations import seed_operations
from comptoir.demo.shoppers import seed_shoppers
from comptoir.messaging.demo import seed_demo_messages
from comptoir.messaging.demo_email import seed_demo_email_replies
from comptoir.shop import services as shop_services
from comptoir.shop.models import Location
from comptoir.team import services as team_services
from comptoir.team.models import Access, Role, TeamMember
from comptoir.users.models import User

Report = Callable[[str], None]


def seed_demo(*, report: Report = print, progress: bool = True) -> dict[str, int]:
    """Create what is missing of the demo shop; return how many things were created."""
    created = dict.fromkeys(
        (
            "staff",
            "locations",
            "categories",
            "products",
            "shopper accounts",
            "addresses",
            "saved cards",
            "orders",
            "customers",
        ),
        0,
    )
    with transaction.atomic():
        owner = _owner(created)
        shop_services.update_shop_settings(actor=owner, **content.SHOP)
        locations = _locations(owner, created)
        _delivery(owner, locations)
        roles = _roles(owner)
        _staff(owner, roles, locations, created)
        _catalog(owner, locations, created, progress=progress)
    # Each order is its own transaction, as at checkout: an interrupted seed keeps the
    # orders placed so far and the next run places the rest.
    seed_shoppers(created=created, report=report)
    seed_customers(owner=owner, created=created, report=report)
    seed_operations(owner=owner, created=created, report=report)
    seed_demo_counter(owner=owner, created=created, report=report)
    # Messages: verifying the business comes first (sending needs it), then the texts'
    # consent, the appointments answered by text, the email replies and a coupon.
    seed_demo_messages(owner=owner, created=created, report=report)
    seed_demo_text_consent(owner=owner, created=created, report=report)
    seed_demo_appointments(owner=owner, created=created, report=report)
    seed_demo_email_replies(created=created, report=report)
    seed_demo_coupons(owner=owner, created=created, report=report)
    report(
        "Demo shop ready: "
        + ", ".join(f"{count} {what} created" for what, count in created.items())
    )
    return created


def _owner(created: dict[str, int]) -> TeamMember:
    existing = TeamMember.objects.filter(access=Access.OWNER).select_related("user").first()
    if existing:
        return existing
    email, name, *_ = content.STAFF[0]
    created["staff"] += 1
    return team_services.create_owner(email=email, password=content.DEMO_PASSWORD, full_name=name)


def _locations(owner: TeamMember, created: dict[str, int]) -> dict[str, Location]:
    found = {}
    for spec in content.LOCATIONS:
        location = Location.objects.filter(slug=spec["slug"]).first()
        if location is None:
            location = shop_services.create_location(actor=owner, **spec)
            created["locations"] += 1
        found[location.slug] = location
    return found


def _delivery(owner: TeamMember, locations: dict[str, Location]) -> None:
    """Delivery zones and shipping rates, set where the location has none (so a demo
    shop seeded before delivery zones existed gets them, and an owner's are kept)."""
    for slug, location in locations.items():
        changes: dict[str, object] = {}
        if slug in content.DELIVERY_ZONES and not location.delivery_zones:
            changes["delivery_zones"] = content.DELIVERY_ZONES[slug]
        if slug in content.SHIPPING_RATES and not location.shipping_rate:
            changes["shipping_rate"] = content.SHIPPING_RATES[slug]
        if changes:
            locations[slug] = shop_services.update_location(
                actor=owner, location=location, **changes
            )


def _roles(owner: TeamMember) -> dict[str, Role]:
    roles = {}
    for spec in content.ROLES:
        role = Role.objects.filter(name=spec["name"]).first()
        roles[spec["name"]] = role or team_services.create_role(
            actor=owner, name=spec["name"], permissions=[str(p) for p in spec["permissions"]]
        )
    return roles


def _staff(
    owner: TeamMember,
    roles: dict[str, Role],
    locations: dict[str, Location],
    created: dict[str, int],
) -> None:
    for email, name, access, role_name, location_slugs in content.STAFF[1:]:
        if User.objects.filter(email__iexact=email, team_member__isnull=False).exists():
            continue
        team_services.add_member(
            actor=owner,
            email=email,
            full_name=name,
            password=content.DEMO_PASSWORD,
            access=access,
            role=roles.get(role_name) if role_name else None,
            locations=[locations[slug] for slug in location_slugs] if location_slugs else None,
        )
        created["staff"] += 1


def _catalog(
    owner: TeamMember,
    locations: dict[str, Location],
    created: dict[str, int],
    *,
    progress: bool,
) -> None:
    total = sum(len(products) for _, products in content.CATALOG)
    bar = tqdm(total=total, desc="Catalog", unit="product", disable=not progress)
    for position, ((slug, name_fr, name_en), products) in enumerate(content.CATALOG):
        category = Category.objects.filter(slug=slug).first()
        if category is None:
            category = catalog_services.create_category(
                actor=owner, name_fr=name_fr, name_en=name_en, slug=slug, position=position
            )
            created["categories"] += 1
        for p_slug, p_fr, p_en, price, d_fr, d_en, stock in products:
            bar.update(1)
            if Product.objects.filter(slug=p_slug).exists():
                continue
            only = content.ONLY_AT.get(p_slug)
            sold_at = [locations[only]] if only else list(locations.values())
            product = catalog_services.create_product(
                actor=owner,
                category=category,
                name_fr=p_fr,
                name_en=p_en,
                price=price,
                description_fr=d_fr,
                description_en=d_en,
                slug=p_slug,
                sku=f"BC-{p_slug[:20].upper()}",
                available_at=sold_at,
            )
            created["products"] += 1
            if stock is not None:
                for location in sold_at:
                    catalog_services.set_availability(
                        actor=owner,
                        product=product,
                        location=location,
                        is_available=True,
                        stock=stock,
                    )
    bar.close()

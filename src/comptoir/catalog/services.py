"""Changes to the catalog: categories, products, and what each location sells and
has in stock. Staff changes check "manage catalog" (and the location, for
availability); stock moves made by the system (orders) take no actor."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files import File
from django.db import IntegrityError, connection, models, transaction
from django.db.models import F
from django.utils.text import slugify
from django.utils.translation import gettext as _

from comptoir.catalog.models import Availability, Category, Product
from comptoir.catalog.prices import to_minor_units
from comptoir.errors import Conflict, DomainError
from comptoir.shop.models import Location, Shop
from comptoir.shop.selectors import get_shop
from comptoir.team.access import require, require_location, visible_location_ids
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission
from comptoir.users.models import Language

CATEGORY_FIELDS = frozenset({"name_fr", "name_en", "slug", "position"})
PRODUCT_FIELDS = frozenset(
    {
        "category",
        "name_fr",
        "name_en",
        "description_fr",
        "description_en",
        "price",
        "sku",
        "slug",
        "image",
        "is_active",
        "position",
    }
)
TEXT_FIELDS = frozenset({"name_fr", "name_en", "description_fr", "description_en"})


# --- categories ----------------------------------------------------------------------


def create_category(
    *, actor: TeamMember, name_fr: str, name_en: str, slug: str | None = None, position: int = 0
) -> Category:
    require(actor, Permission.MANAGE_CATALOG)
    shop = get_shop()
    with transaction.atomic():
        category = Category(name_fr=name_fr.strip(), name_en=name_en.strip(), position=position)
        _require_published_name(category, shop)
        category.slug = _slug_for(category, shop, slug)
        _validate(category)
        _save(category)
    return category


def update_category(*, actor: TeamMember, category: Category, **changes: Any) -> Category:
    _refuse_unknown(changes, CATEGORY_FIELDS)
    require(actor, Permission.MANAGE_CATALOG)
    shop = get_shop()
    with transaction.atomic():
        changed = _apply_text_and_plain(category, changes)
        _require_published_name(category, shop)
        if "slug" in changes and changes["slug"] != category.slug:
            category.slug = _slug_for(category, shop, changes["slug"])
            changed.add("slug")
        _validate(category)
        if changed:
            _save(category, update_fields=sorted(changed))
    return category


# --- products ------------------------------------------------------------------------


def create_product(
    *,
    actor: TeamMember,
    category: Category,
    name_fr: str,
    name_en: str,
    price: Decimal | str | int,
    description_fr: str = "",
    description_en: str = "",
    sku: str | None = None,
    slug: str | None = None,
    image: File | None = None,
    is_active: bool = True,
    available_at: Iterable[Location] | None = None,
) -> Product:
    """A new product, sold at ``available_at`` (default: every location ``actor`` may
    work at) with stock not counted. ``price`` is an amount in the shop's currency
    (``Decimal("2.50")`` or ``"2,50"``) or an ``int`` of minor units (250)."""
    require(actor, Permission.MANAGE_CATALOG)
    shop = get_shop()
    locations = _selling_locations(actor, available_at)
    with transaction.atomic():
        product = Product(
            category=category,
            name_fr=name_fr.strip(),
            name_en=name_en.strip(),
            description_fr=description_fr.strip(),
            description_en=description_en.strip(),
            price=to_minor_units(price, shop.currency),
            sku=_clean_sku(sku),
            is_active=is_active,
        )
        if image:
            product.image = image
        _require_published_name(product, shop)
        _refuse_taken_sku(product)
        product.slug = _slug_for(product, shop, slug)
        _validate(product)
        _save(product)
        Availability.objects.bulk_create(
            Availability(product=product, location=location, is_available=True, stock=None)
            for location in locations
        )
    return product


def update_product(*, actor: TeamMember, product: Product, **changes: Any) -> Product:
    """Change some of a product's fields. ``image=None`` (or False) removes the image;
    the old file is deleted once the change is committed."""
    _refuse_unknown(changes, PRODUCT_FIELDS)
    require(actor, Permission.MANAGE_CATALOG)
    shop = get_shop()
    with transaction.atomic():
        old_image = product.image.name if product.image else ""
        changed = _apply_text_and_plain(
            product,
            {k: v for k, v in changes.items() if k not in {"price", "sku", "slug", "image"}},
        )
        if "price" in changes:
            price = to_minor_units(changes["price"], shop.currency)
            if price != product.price:
                product.price = price
                changed.add("price")
        if "sku" in changes:
            sku = _clean_sku(changes["sku"])
            if sku != product.sku:
                product.sku = sku
                _refuse_taken_sku(product)
                changed.add("sku")
        if "slug" in changes and changes["slug"] != product.slug:
            product.slug = _slug_for(product, shop, changes["slug"])
            changed.add("slug")
        if "image" in changes:
            product.image = changes["image"] or ""
            changed.add("image")
        _require_published_name(product, shop)
        _validate(product)
        if changed:
            _save(product, update_fields=[*sorted(changed), "updated_at"])
        if old_image and old_image != product.image.name:
            storage = product.image.storage
            transaction.on_commit(lambda: storage.delete(old_image))
    return product


# --- availability and stock ----------------------------------------------------------


def set_availability(
    *,
    actor: TeamMember,
    product: Product,
    location: Location,
    is_available: bool,
    stock: int | None,
) -> Availability:
    """Whether ``location`` sells ``product``, and its stock there (None: not counted)."""
    require(actor, Permission.MANAGE_CATALOG)
    require_location(actor, location)
    if stock is not None and (isinstance(stock, bool) or not isinstance(stock, int) or stock < 0):
        raise DomainError(_("Stock must be a whole number, zero or more."), code="invalid_stock")
    with transaction.atomic():
        availability, _created = Availability.objects.update_or_create(
            product=product,
            location=location,
            defaults={"is_available": bool(is_available), "stock": stock},
        )
    return availability


def decrement_stock(
    *,
    product: Product,
    location: Location,
    quantity: int,
    availability: Availability | None = None,
) -> Availability:
    """Take ``quantity`` out of the stock at ``location`` for an order. Counted stock
    never goes below zero, whoever orders at the same time: one conditional UPDATE
    decides. Stock that is not counted is left alone. An order taking several products
    in one transaction should call this in product id order, so that two orders never
    wait on each other's rows in a cycle (deadlock).

    ``availability`` is the row as the caller read it in the same transaction: when
    it is sold here without counting its stock, there is nothing to write (no statement
    at all). Counted stock costs one statement when there is enough of it."""
    _require_quantity(quantity)
    if not product.is_active:
        raise _not_sold(product, location)
    if (
        availability is not None
        and availability.product_id == product.pk
        and availability.location_id == location.pk
        and availability.is_available
        and availability.stock is None
    ):
        return availability
    # No atomic block (so no savepoint in the caller's transaction): each statement
    # below stands on its own, and a refusal must leave the caller's transaction usable.
    # Stock returned between our UPDATE and our read would make the refusal below
    # wrong ("only 3 left" when 3 were asked), so try again in that case.
    left = 0
    for _attempt in range(3):
        taken = _take_stock(product, location, quantity)
        if taken is not None:
            pk, stock = taken
            return Availability(
                pk=pk, product=product, location=location, is_available=True, stock=stock
            )
        current = Availability.objects.filter(product=product, location=location).first()
        if current is None or not current.is_available:
            raise _not_sold(product, location)
        if current.stock is None:
            return current
        left = current.stock
        if left < quantity:
            break
    if left == 0:
        raise Conflict(
            _("%(product)s is sold out at %(location)s.")
            % {"product": product.name, "location": location.name},
            code="out_of_stock",
        )
    raise Conflict(
        _("Only %(count)s left of %(product)s at %(location)s.")
        % {"count": left, "product": product.name, "location": location.name},
        code="out_of_stock",
    )


def _take_stock(product: Product, location: Location, quantity: int) -> tuple[int, int] | None:
    """One ``UPDATE ... RETURNING`` (PostgreSQL and SQLite 3.35+; Django's update() does
    not return rows): the row's id and new stock when counted stock had ``quantity``,
    None otherwise. The WHERE stays on the availability row only (no join): PostgreSQL
    re-checks it against the newest row version after waiting for a concurrent order,
    so ``stock >= quantity`` holds when the row is written."""
    meta = Availability._meta
    quote = connection.ops.quote_name
    column = {field.name: quote(field.column or field.name) for field in meta.concrete_fields}
    # Only identifiers from the model, quoted; the values go as parameters.
    sql = (
        f"UPDATE {quote(meta.db_table)} SET {column['stock']} = {column['stock']} - %s "  # noqa: S608
        f"WHERE {column['product']} = %s AND {column['location']} = %s "
        f"AND {column['is_available']} = %s AND {column['stock']} >= %s "
        f"RETURNING {column['id']}, {column['stock']}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [quantity, product.pk, location.pk, True, quantity])
        row = cursor.fetchone()
    return (row[0], row[1]) if row else None


def return_stock(*, product: Product, location: Location, quantity: int) -> Availability:
    """Put ``quantity`` back in the stock at ``location`` (a cancelled or refunded order).
    Stock that is not counted is left alone."""
    _require_quantity(quantity)
    with transaction.atomic():
        Availability.objects.filter(product=product, location=location, stock__isnull=False).update(
            stock=F("stock") + quantity
        )
        availability = Availability.objects.filter(product=product, location=location).first()
        if availability is None:
            raise _not_sold(product, location)
    return availability


# --- helpers shared by the services above ------------------------------------------


def _refuse_unknown(changes: dict[str, Any], allowed: frozenset[str]) -> None:
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"cannot change {', '.join(sorted(unknown))}")


def _apply_text_and_plain(obj: models.Model, changes: dict[str, Any]) -> set[str]:
    changed = set()
    for field, value in changes.items():
        if field in TEXT_FIELDS:
            value = (value or "").strip()
        if getattr(obj, field) != value:
            setattr(obj, field, value)
            changed.add(field)
    return changed


def _require_published_name(obj: Category | Product, shop: Shop) -> None:
    language = shop.published_language
    if not getattr(obj, f"name_{language}"):
        raise DomainError(
            _("Give a name in %(language)s: the shop publishes in that language.")
            % {"language": Language(language).label},
            code="missing_name",
        )


def _slug_for(obj: Category | Product, shop: Shop, wanted: str | None) -> str:
    """The slug asked for (refused when taken), else one made from the name and
    numbered until free."""
    model = type(obj)
    max_length = model._meta.get_field("slug").max_length or 50
    others = model.objects.exclude(pk=obj.pk) if obj.pk else model.objects.all()
    if wanted is not None and wanted.strip():
        slug = slugify(wanted)[:max_length]
        if not slug:
            raise DomainError(
                _("Use letters, digits and hyphens in the short name."), code="invalid_slug"
            )
        if others.filter(slug=slug).exists():
            raise DomainError(
                _("The short name “%(slug)s” is already used.") % {"slug": slug},
                code="duplicate_slug",
            )
        return slug
    base = slugify(getattr(obj, f"name_{shop.published_language}") or obj.name_fr or obj.name_en)
    base = base[:max_length].strip("-") or str(model._meta.model_name)
    taken = set(
        others.filter(slug__startswith=base[: max_length - 6]).values_list("slug", flat=True)
    )
    slug, number = base, 1
    while slug in taken:
        number += 1
        suffix = f"-{number}"
        slug = f"{base[: max_length - len(suffix)]}{suffix}"
    return slug


def _clean_sku(sku: str | None) -> str | None:
    sku = (sku or "").strip()
    return sku or None


def _refuse_taken_sku(product: Product) -> None:
    if product.sku is None:
        return
    others = Product.objects.exclude(pk=product.pk) if product.pk else Product.objects.all()
    holder = others.filter(sku__iexact=product.sku).first()
    if holder is not None:
        raise DomainError(
            _("The SKU “%(sku)s” is already used by “%(product)s”.")
            % {"sku": product.sku, "product": holder.name},
            code="duplicate_sku",
        )


def _validate(obj: models.Model) -> None:
    """Field-level checks (lengths, ranges); uniqueness is checked above with clearer
    messages and, against races, by the database."""
    try:
        obj.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        messages = []
        for field, errors in error.message_dict.items():
            label = (
                ""
                if field == NON_FIELD_ERRORS
                else getattr(obj._meta.get_field(field), "verbose_name", field)
            )
            messages += [f"{label}: {text}" if label else text for text in errors]
        raise DomainError(" ".join(messages), code="invalid") from error


def _save(obj: models.Model, update_fields: list[str] | None = None) -> None:
    """Save; a unique field taken by a concurrent change becomes a Conflict rather
    than a server error."""
    try:
        with transaction.atomic():
            obj.save(update_fields=update_fields)
    except IntegrityError as error:
        raise Conflict(
            _(
                "Someone saved a %(thing)s with the same SKU or short name at the same time. "
                "Check and try again."
            )
            % {"thing": obj._meta.verbose_name},
            code="concurrent_duplicate",
        ) from error


def _selling_locations(
    actor: TeamMember, available_at: Iterable[Location] | None
) -> list[Location]:
    if available_at is None:
        allowed = visible_location_ids(actor)
        everywhere = Location.objects.all()
        return list(everywhere if allowed is None else everywhere.filter(pk__in=allowed))
    locations = list(available_at)
    for location in locations:
        require_location(actor, location)
    return locations


def _require_quantity(quantity: int) -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
        raise DomainError(
            _("The quantity must be a whole number, 1 or more."), code="invalid_quantity"
        )


def _not_sold(product: Product, location: Location) -> Conflict:
    return Conflict(
        _("%(product)s is not sold at %(location)s.")
        % {"product": product.name, "location": location.name},
        code="not_sold_here",
    )

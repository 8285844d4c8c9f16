from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from comptoir.catalog import selectors as catalog
from comptoir.catalog.models import Availability
from comptoir.compiled_read import CompiledValues
from comptoir.shop.models import Location
from comptoir.shop.selectors import active_locations

LOCATION_SESSION_KEY = "storefront_location"


# Every storefront request reads the active locations: the statement is compiled once per
# process (Django wrote it again each time, about 0.7 ms), the rows read each time and
# made into Location objects as the ORM does. Without their opening hours: only the
# checkout's pickup times need them (one query there).
_LOCATION_FIELDS = [field.attname for field in Location._meta.concrete_fields]
_active_location_rows = CompiledValues(
    lambda _key: active_locations().prefetch_related(None).values_list(*_LOCATION_FIELDS),
    placeholders=(),
)


def _active_locations() -> list[Location]:
    return [
        Location.from_db("default", _LOCATION_FIELDS, row)
        for row in _active_location_rows.rows(None)
    ]


def current_location(request: HttpRequest) -> Location | None:
    """The location the visitor shops at: ?location=slug, else the one kept in the
    session, else the first open location."""
    locations = _active_locations()
    if not locations:
        return None
    wanted = request.GET.get("location") or request.session.get(LOCATION_SESSION_KEY)
    chosen = next((loc for loc in locations if loc.slug == wanted), locations[0])
    stored = request.session.get(LOCATION_SESSION_KEY)
    # A visitor on the default location needs no session yet: browsing the catalog
    # creates none (one INSERT and a signed cookie less); the first choice or cart does.
    if stored != chosen.slug and (stored is not None or chosen != locations[0]):
        request.session[LOCATION_SESSION_KEY] = chosen.slug
    request.storefront_locations = locations  # type: ignore[attr-defined]
    return chosen


def home(request: HttpRequest) -> HttpResponse:
    """Each category with its first products at the location, a page of categories at
    a time; a category with more links to its own page."""
    location = current_location(request)
    page = catalog.storefront_home_shelves(location, request.GET.get("page")) if location else None
    return render(
        request,
        "storefront/home.html",
        {
            "location": location,
            "locations": getattr(request, "storefront_locations", []),
            "page": page,
            "shelves": page.object_list if page else [],
        },
    )


def category(request: HttpRequest, slug: str) -> HttpResponse:
    """All of a category's products sold at the location, a page at a time."""
    location = current_location(request)
    found = catalog.storefront_category(slug) if location else None
    if location is None or found is None:
        raise Http404
    products = catalog.storefront_category_products(found, location)
    page = Paginator(products, catalog.CATEGORY_PRODUCTS_PER_PAGE).get_page(request.GET.get("page"))
    if not page.object_list:  # nothing of this category is sold here
        raise Http404
    return render(
        request,
        "storefront/category.html",
        {
            "location": location,
            "locations": getattr(request, "storefront_locations", []),
            "category": found,
            "page": page,
        },
    )


def product_detail(request: HttpRequest, slug: str) -> HttpResponse:
    location = current_location(request)
    product = catalog.storefront_product(slug, location) if location else None
    if product is None:
        raise Http404
    # The selector prefetches this location's availability into ``here`` (to_attr).
    here: list[Availability] = getattr(product, "here", [])
    return render(
        request,
        "storefront/product.html",
        {
            "location": location,
            "locations": getattr(request, "storefront_locations", []),
            "product": product,
            "availability": here[0] if here else None,
        },
    )

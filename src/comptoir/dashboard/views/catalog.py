"""Catalog pages: products, categories, and what each location sells and has in stock.
Thin: a form checks the input, a selector fetches, a catalog service changes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from comptoir.catalog import selectors, services
from comptoir.catalog.models import Availability, Category, Product
from comptoir.dashboard.access import StaffRequest, staff_view
from comptoir.dashboard.forms.catalog import (
    AvailabilityForm,
    CategoryForm,
    NewProductForm,
    ProductForm,
)
from comptoir.errors import DomainError, PermissionDenied
from comptoir.shop.models import Location, Shop
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

PRODUCTS_PER_PAGE = 50


def _add_domain_error(form: forms.BaseForm, error: DomainError, shop: Shop) -> None:
    """Show a service's refusal next to the field it is about."""
    field = {
        "duplicate_sku": "sku",
        "invalid_price": "price",
        "missing_name": f"name_{shop.published_language}",
    }.get(error.code)
    form.add_error(field if field in form.fields else None, str(error.message))


def _posted(request: HttpRequest) -> tuple:
    """(data, files) for a form: bound on POST, even an empty one, unbound otherwise."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None


# --- products ------------------------------------------------------------------------


@dataclass(frozen=True)
class ProductRow:
    product: Product
    availabilities: list[Availability | None]  # one per column (location), None: not sold


@staff_view(Permission.MANAGE_CATALOG)
def product_list(request: StaffRequest) -> HttpResponse:
    search = request.GET.get("q", "")
    category_param = request.GET.get("category", "")
    category_id = int(category_param) if category_param.isdigit() else None
    products = selectors.search_products_for_staff(
        request.member, search=search, category_id=category_id
    )
    page = Paginator(products, PRODUCTS_PER_PAGE).get_page(request.GET.get("page"))
    locations = selectors.locations_for_staff(request.member)
    rows = []
    for product in page.object_list:
        here = {a.location_id: a for a in getattr(product, "visible_availabilities", [])}
        rows.append(ProductRow(product, [here.get(location.pk) for location in locations]))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "dashboard/catalog/product_list.html",
        {
            "page": page,
            "rows": rows,
            "locations": locations,
            "category_options": _category_options(selectors.categories(), category_id),
            "search": search,
            "category_id": category_id,
            "query": query.urlencode(),
        },
    )


def _category_options(categories: Iterable[Category], chosen: int | None) -> SafeString:
    """The category filter's ``<option>``s, written here rather than by the template's
    loop: a shop may have over a thousand categories (1,200 in the bench: about a third
    of the page's time through the template)."""
    return format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (category.pk, " selected" if category.pk == chosen else "", category.name)
            for category in categories
        ),
    )


@staff_view(Permission.MANAGE_CATALOG)
def product_create(request: StaffRequest) -> HttpResponse:
    shop = request.shop
    locations = selectors.locations_for_staff(request.member)
    form = NewProductForm(*_posted(request), shop=shop, locations=locations)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            product = services.create_product(
                actor=request.member,
                category=data["category"],
                name_fr=data["name_fr"],
                name_en=data["name_en"],
                description_fr=data["description_fr"],
                description_en=data["description_en"],
                price=data["price"],
                sku=data["sku"],
                image=data["image"],
                is_active=data["is_active"],
                available_at=list(data["available_at"]),
            )
        except PermissionDenied:
            raise
        except DomainError as error:
            _add_domain_error(form, error, shop)
        else:
            messages.success(request, _("“%(name)s” was added.") % {"name": product.name})
            return redirect("dashboard:product_edit", pk=product.pk)
    status = 400 if form.is_bound else 200
    return render(request, "dashboard/catalog/product_form.html", {"form": form}, status=status)


@staff_view(Permission.MANAGE_CATALOG)
def product_edit(request: StaffRequest, pk: int) -> HttpResponse:
    shop = request.shop
    product = selectors.product_for_staff(pk)
    form = ProductForm(*_posted(request), shop=shop, initial=ProductForm.initial_for(product, shop))
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name != "image"}
        if "image" in form.changed_data:
            changes["image"] = form.cleaned_data["image"] or None
        try:
            services.update_product(actor=request.member, product=product, **changes)
        except PermissionDenied:
            raise
        except DomainError as error:
            _add_domain_error(form, error, shop)
        else:
            messages.success(request, _("“%(name)s” was saved.") % {"name": product.name})
            return redirect("dashboard:product_edit", pk=product.pk)
    status = 400 if form.is_bound else 200
    return render(
        request,
        "dashboard/catalog/product_form.html",
        {"form": form, "product": product},
        status=status,
    )


# --- availability per location -------------------------------------------------------


@dataclass(frozen=True)
class AvailabilityRow:
    location: Location
    availability: Availability | None
    form: AvailabilityForm
    saved: bool = False


def _row(
    location: Location, availability: Availability | None, data=None, saved: bool = False
) -> AvailabilityRow:
    initial = {
        "is_available": bool(availability and availability.is_available),
        "stock": availability.stock if availability else None,
    }
    form = AvailabilityForm(data, initial=initial, auto_id=f"id_%s_{location.pk}")
    return AvailabilityRow(location, availability, form, saved)


@staff_view(Permission.MANAGE_CATALOG)
def product_availability(request: StaffRequest, pk: int) -> HttpResponse:
    """One small form per location the member works at; with htmx each saves alone
    and only its row is redrawn."""
    product = selectors.product_for_staff(pk)
    template = "dashboard/catalog/product_availability.html"
    if request.method == "POST":
        # Refuses (403) a location the member does not work at before reading anything else.
        location = selectors.location_for_staff(request.member, request.POST.get("location"))
        row = _row(location, None, request.POST)
        if row.form.is_valid():
            availability = services.set_availability(
                actor=request.member,
                product=product,
                location=location,
                is_available=row.form.cleaned_data["is_available"],
                stock=row.form.cleaned_data["stock"],
            )
            if not request.htmx:
                messages.success(
                    request,
                    _("Availability at %(location)s was saved.") % {"location": location.name},
                )
                return redirect("dashboard:product_availability", pk=product.pk)
            row = _row(location, availability, saved=True)
        if request.htmx:
            # 200 even with errors: htmx does not swap 4xx responses by default, and the
            # row must be redrawn to show them.
            return render(request, f"{template}#availability_row", {"row": row, "product": product})
        rows = _rows(request.member, product, replacing=row)
        return render(request, template, {"product": product, "rows": rows}, status=400)
    return render(request, template, {"product": product, "rows": _rows(request.member, product)})


def _rows(
    member: TeamMember, product: Product, replacing: AvailabilityRow | None = None
) -> list[AvailabilityRow]:
    locations = selectors.locations_for_staff(member)
    existing = selectors.availabilities_by_location(product, locations)
    rows = []
    for location in locations:
        if replacing is not None and replacing.location.pk == location.pk:
            rows.append(replacing)
        else:
            rows.append(_row(location, existing.get(location.pk)))
    return rows


# --- categories ----------------------------------------------------------------------


@staff_view(Permission.MANAGE_CATALOG)
def category_list(request: StaffRequest) -> HttpResponse:
    return render(
        request,
        "dashboard/catalog/category_list.html",
        {"categories": selectors.categories_with_counts()},
    )


@staff_view(Permission.MANAGE_CATALOG)
def category_create(request: StaffRequest) -> HttpResponse:
    form = CategoryForm(*_posted(request)[:1], shop=request.shop)
    if request.method == "POST" and form.is_valid():
        try:
            category = services.create_category(actor=request.member, **form.cleaned_data)
        except PermissionDenied:
            raise
        except DomainError as error:
            _add_domain_error(form, error, request.shop)
        else:
            messages.success(request, _("“%(name)s” was added.") % {"name": category.name})
            return redirect("dashboard:category_list")
    status = 400 if form.is_bound else 200
    return render(request, "dashboard/catalog/category_form.html", {"form": form}, status=status)


@staff_view(Permission.MANAGE_CATALOG)
def category_edit(request: StaffRequest, pk: int) -> HttpResponse:
    category = selectors.category_for_staff(pk)
    form = CategoryForm(
        *_posted(request)[:1],
        shop=request.shop,
        initial={
            "name_fr": category.name_fr,
            "name_en": category.name_en,
            "position": category.position,
        },
    )
    if request.method == "POST" and form.is_valid():
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            services.update_category(actor=request.member, category=category, **changes)
        except PermissionDenied:
            raise
        except DomainError as error:
            _add_domain_error(form, error, request.shop)
        else:
            messages.success(request, _("“%(name)s” was saved.") % {"name": category.name})
            return redirect("dashboard:category_list")
    status = 400 if form.is_bound else 200
    return render(
        request,
        "dashboard/catalog/category_form.html",
        {"form": form, "category": category},
        status=status,
    )

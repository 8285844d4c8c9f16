"""The Orders page: every order of the member's locations, filtered and searched,
refreshed by htmx polling (a cheap partial every few seconds); the order's own page with
its timeline and the buttons for the transitions allowed now, each posting the version
shown (a stale one shows the conflict and the fresh order)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.db.models import QuerySet
from django.forms.utils import flatatt
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from comptoir.alerts.models import StaffAlertSettings
from comptoir.alerts.services import alert_settings_of, email_location_ids, set_alert_settings
from comptoir.compiled_read import CompiledValues
from comptoir.dashboard.access import StaffRequest, staff_view
from comptoir.dashboard.forms.alerts import AlertSettingsForm
from comptoir.dashboard.paging import CappedPaginator
from comptoir.dashboard.views.order_rows import (
    RowCells,
    awaiting_html,
    awaiting_row,
    listed_rows,
    order_row,
)
from comptoir.errors import DomainError, InvalidInput
from comptoir.orders import dashboard_selectors as pages
from comptoir.orders.events import order_timeline
from comptoir.orders.fulfilment import (
    accept_order,
    cancel_order,
    complete_order,
    fail_order,
    mark_order_ready,
)
from comptoir.orders.models import (
    FulfilmentState,
    OrderEventKind,
    OrderSource,
)
from comptoir.orders.states import can_transition
from comptoir.partners.selectors import partners
from comptoir.shop.models import Location
from comptoir.team.access import visible_location_ids
from comptoir.team.models import TeamMember
from comptoir.team.permissions import Permission

PAGE_SIZE = 50
# How often the open Orders page asks for its rows again.
REFRESH_SECONDS = 5

S = FulfilmentState
_EVENT_LABELS = {
    "arrived": gettext_lazy("Customer arrived"),
    "placed": gettext_lazy("Placed"),
}


class _QuickSelect(forms.Select):
    """A select whose options are written here, not by a template each: the filters
    have some thirty options, and rendering them cost the page more than its rows."""

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        chosen = set(self.format_value(value))
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option, " selected" if str(option) in chosen else "", label)
                for option, label in self.choices
            ),
        )
        final_attrs = {**self.build_attrs(self.attrs, attrs), "name": name}
        return format_html("<select{}>{}</select>", flatatt(final_attrs), options)


class OrderFilterForm(forms.Form):
    location = forms.TypedChoiceField(
        label=gettext_lazy("Location"), required=False, coerce=int, widget=_QuickSelect
    )
    kind = forms.ChoiceField(label=gettext_lazy("Fulfilment"), required=False, widget=_QuickSelect)
    state = forms.ChoiceField(label=gettext_lazy("State"), required=False, widget=_QuickSelect)
    source = forms.ChoiceField(label=gettext_lazy("Source"), required=False, widget=_QuickSelect)
    day = forms.DateField(
        label=gettext_lazy("Date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    q = forms.CharField(
        label=gettext_lazy("Search"),
        required=False,
        max_length=100,
        help_text=gettext_lazy("Order number, customer name, email or phone"),
    )

    def __init__(
        self, data: Any, *, locations: list[tuple[int, str]], partners: list[tuple[str, str]]
    ) -> None:
        super().__init__(data)
        everything: list[tuple[Any, Any]] = [("", _("All"))]
        choices: dict[str, list[tuple[Any, Any]]] = {
            "location": everything + list(locations),
            "kind": everything + list(pages.KINDS.items()),
            "state": [
                *everything,
                (pages.ACTIVE, _("To do (not ended)")),
                *FulfilmentState.choices,
            ],
            "source": everything
            + [(s.value, s.label) for s in OrderSource if s != OrderSource.PARTNER]
            + partners,
        }
        for name, options in choices.items():
            cast(forms.ChoiceField, self.fields[name]).choices = options

    def filters(self) -> pages.OrderFilters:
        # What is valid is used; a stale value (e.g. a location no longer theirs) is dropped.
        self.is_valid()
        data = self.cleaned_data
        return pages.OrderFilters(
            location_id=data.get("location") or None,
            kind=data.get("kind") or "",
            state=data.get("state") or "",
            source=data.get("source") or "",
            day=data.get("day"),
            search=(data.get("q") or "").strip(),
        )


# The filters' fields as the page writes them, and what they ask for, by what they
# depend on: the language, the query string's values of the fields, the member's
# locations and partners (ids and names, read by each request). The same few come
# back on every request and every live refresh of an open page.
_FilterKey = tuple[
    tuple[tuple[str, tuple[str, ...]], ...],
    tuple[tuple[int, str], ...],
    tuple[tuple[str, str], ...],
]


def _filter_form(key: _FilterKey) -> tuple[pages.OrderFilters, SafeString]:
    data, locations, partner_sources = key
    form = OrderFilterForm(
        MultiValueDict({name: list(values) for name, values in data}),
        locations=list(locations),
        partners=list(partner_sources),
    )
    filters = form.filters()
    return filters, render_to_string("dashboard/orders/order_list.html#filters", {"form": form})


@lru_cache(maxsize=512)
def _filter_form_in(language: str, key: _FilterKey) -> tuple[pages.OrderFilters, SafeString]:
    with translation.override(language):
        return _filter_form(key)


def _filters(
    request: StaffRequest, locations: list[Location]
) -> tuple[pages.OrderFilters, SafeString]:
    """What the query string asks for (what is valid of it: a stale value, e.g. a
    location no longer theirs, is dropped) and the filters' fields, written."""
    names = OrderFilterForm.base_fields
    key: _FilterKey = (
        tuple((name, tuple(values)) for name, values in request.GET.lists() if name in names),
        tuple((location.pk, location.name) for location in locations),
        tuple(_partner_sources(request)),
    )
    language = translation.get_language()
    if language is None:
        return _filter_form(key)
    return _filter_form_in(language, key)


_partner_rows = CompiledValues(
    lambda allowed: (
        partners() if allowed is None else partners().filter(location_id__in=allowed)
    ).values_list("pk", "name"),
    placeholders=(),
)


def _partner_sources(request: StaffRequest) -> list[tuple[str, str]]:
    """The source filter's partner entries: partners of the member's locations (the
    statement compiled once per process for each set of locations)."""
    allowed = visible_location_ids(request.member)
    if allowed is not None and not allowed:
        return []
    key = None if allowed is None else tuple(sorted(allowed))
    return [(f"partner:{pk}", name) for pk, name in _partner_rows.rows(key)]


@staff_view(Permission.VIEW_ORDERS)
@require_GET
def order_list(request: StaffRequest) -> HttpResponse:
    member = request.member
    # Names, time zones and ids: not their opening hours.
    locations = pages.staff_locations(member)
    filters, filters_html = _filters(request, locations)
    if pages.is_plain(filters):
        # The page as staff leave it open, refreshed every few seconds: its count and
        # rows through statements compiled once per process; the page asked for comes
        # with the count (one query), which then checks its number as Django's does.
        paginator = CappedPaginator(cast("QuerySet[Any]", range(0)), PAGE_SIZE)
        asked = _page_number(request.GET.get("page"))
        listed: list[pages.ListedOrder] = []
        counted = None
        if asked is not None and (asked - 1) * PAGE_SIZE < paginator.cap:  # may be a page
            low = (asked - 1) * PAGE_SIZE
            listed, counted = pages.plain_page_counted(
                member, filters, low, low + PAGE_SIZE, limit=paginator.cap + 1
            )
            if counted is None and asked == 1:
                counted = 0  # no order at all
        if counted is None:  # a page past the end: counted apart
            counted = pages.plain_count(member, filters, limit=paginator.cap + 1)
        paginator.object_list = cast("QuerySet[Any]", range(counted))
        paginator.counted = counted
        page = paginator.get_page(request.GET.get("page"))
        span = cast(range, page.object_list)
        if page.number != asked:
            listed = pages.plain_page(member, filters, span.start, span.stop)
        else:
            listed = listed[: len(span)]  # the cap may end within the page
    else:
        orders = pages.orders_for_page(member, filters)
        # Counted by id only: PostgreSQL then drops the joins to the partner's columns.
        paginator = CappedPaginator(
            pages.listed_values(orders), PAGE_SIZE, counted_rows=orders.values("pk")
        )
        page = paginator.get_page(request.GET.get("page"))
        page_rows = cast("QuerySet[Any, tuple]", page.object_list)  # a slice of listed_values
        listed = pages.listed_page(member, filters, page_rows)
    now = timezone.now()
    cells = RowCells(locations)
    rows, rows_html = listed_rows(cells.attach_locations(listed), now, cells)
    alerts = alert_settings_of(member)
    shown_locations = [loc.pk for loc in locations if filters.location_id in (None, loc.pk)]
    awaiting = [
        awaiting_row(order, now, cells)
        for order in cells.attach_locations(
            pages.awaiting_acceptance(member, shown_locations, now=now)
        )
    ]
    context = {
        "filters_html": filters_html,
        "page": page,
        "rows": rows,
        "rows_html": rows_html,
        "awaiting": awaiting,
        "awaiting_html": awaiting_html(awaiting),
        "refresh_seconds": REFRESH_SECONDS,
        "alerts": alerts,
        "reminder_ms": int(cells.reminder_after.total_seconds() * 1000),
        "query": request.GET.urlencode(),
    }
    template = "dashboard/orders/order_list.html"
    if request.htmx:
        return render(request, f"{template}#live", context)
    context["alert_form_head"], context["alert_form_tail"] = _alert_form_parts(
        member, alerts, locations
    )
    return render(request, template, context)


def _page_number(text: str | None) -> int | None:
    """The page number asked for, as ``Paginator.get_page`` reads it when it is within
    the pages (not an integer: the first); None when below 1 (the last page)."""
    try:
        number = int(text) if text is not None else 1
    except ValueError:
        return 1
    return number if number >= 1 else None


def _detail_context(request: StaffRequest, order_id: int) -> dict[str, Any]:
    order = pages.order_for_page(request.member, order_id)
    now = timezone.now()
    row = order_row(order, now)
    fulfilment = row["fulfilment"]
    state = fulfilment.state if fulfilment else None
    can = {
        name: state is not None and can_transition(state, target)
        for name, target in (
            ("accept", S.RESERVED),
            ("ready", S.PREPARED),
            ("complete", S.COMPLETED),
            ("cancel", S.CANCELLED),
            ("fail", S.FAILED),
        )
    }
    # Partner orders are cancelled on the partner's platform, never here.
    can["cancel"] = can["cancel"] and order.source != OrderSource.PARTNER
    timeline: list[dict[str, Any]] = [
        {"at": order.placed_at, "label": _EVENT_LABELS["placed"], "actor": None}
    ]
    for event in order_timeline(order):
        label = _EVENT_LABELS.get(event.kind) or event.kind_label
        if (
            event.kind == OrderEventKind.ACCEPTED
            and event.detail.get("automatic")
            and event.actor_id is None
        ):
            # A table order goes to the stations as it is placed, accepted by no one.
            label = _("Accepted automatically")
        if event.kind == OrderEventKind.ACCEPTED and "preparation_minutes" in event.detail:
            label = _("%(label)s (preparation %(minutes)s min)") % {
                "label": label,
                "minutes": event.detail["preparation_minutes"],
            }
        timeline.append({"at": event.at, "label": label, "actor": event.actor})
    return {
        "order": order,
        "row": row,
        "fulfilment": fulfilment,
        "lines": list(order.lines.all()),
        "payments": list(order.payments.all()),
        "timeline": timeline,
        "can": can,
        "any_action": any(can.values()),
        "manage": request.member.has_permission(Permission.MANAGE_ORDERS),
    }


@staff_view(Permission.VIEW_ORDERS)
@require_GET
def order_detail(request: StaffRequest, order_id: int) -> HttpResponse:
    return render(request, "dashboard/orders/order_detail.html", _detail_context(request, order_id))


@staff_view(Permission.MANAGE_ORDERS)
@require_POST
def order_action(request: StaffRequest, order_id: int) -> HttpResponse:
    """One transition, with the version the member saw. The services check the
    permission and the location (403, nothing changed) before anything else."""
    action = request.POST.get("action", "")
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    common: dict[str, Any] = {
        "actor": request.member,
        "order_id": order_id,
        "expected_version": version,
    }
    try:
        if action == "accept":
            minutes_text = request.POST.get("preparation_minutes", "").strip()
            try:
                minutes = int(minutes_text) if minutes_text else None
            except ValueError:
                minutes = 0  # refused by the service with its message
            accept_order(**common, preparation_minutes=minutes)
            done = _("Order accepted: the stations have their tickets.")
        elif action == "ready":
            mark_order_ready(**common)
            done = _("Order marked ready.")
        elif action == "complete":
            complete_order(**common)
            done = _("Order completed.")
        elif action == "cancel":
            cancel_order(**common, reason=request.POST.get("reason", ""))
            done = _("Order cancelled.")
        elif action == "fail":
            fail_order(**common)
            done = _("Order marked as failed.")
        else:
            raise InvalidInput({"action": _("Unknown action.")})
    except DomainError as error:
        if error.status in (401, 403, 404):
            raise
        context = _detail_context(request, order_id)
        context["error"] = _message(error)
        return render(request, "dashboard/orders/order_detail.html", context, status=error.status)
    messages.success(request, done)
    return redirect("dashboard:order_detail", order_id)


def _message(error: DomainError) -> str:
    return str(error.message)


@staff_view(Permission.VIEW_ORDERS)
@require_http_methods(["GET", "POST"])
def order_alert_settings(request: StaffRequest) -> HttpResponse:
    """The member's own alerts: on the Orders page (sound and browser notification,
    curbside arrivals) and by email (each new order at the locations they choose)."""
    current = alert_settings_of(request.member)
    if request.method == "POST":
        form = AlertSettingsForm(request.POST, member=request.member, current=current)
        if form.is_valid():
            try:
                set_alert_settings(actor=request.member, **form.cleaned_data)
            except InvalidInput as error:
                for field, message in error.errors.items():
                    form.add_error(field if field in form.fields else None, str(message))
            else:
                messages.success(request, _("Your alert settings are saved."))
                return redirect("dashboard:order_list")
        return render(
            request, "dashboard/orders/alert_settings.html", _alert_form_context(form), status=400
        )
    form = AlertSettingsForm(member=request.member, current=current)
    return render(request, "dashboard/orders/alert_settings.html", _alert_form_context(form))


# Stands for the CSRF input in the member's alert form as kept (the page writes its own).
_CSRF_STAND_IN = "csrf-stand-in-7913572468144"


def _alert_form_parts(
    member: TeamMember, alerts: StaffAlertSettings, locations: list[Location]
) -> tuple[SafeString, SafeString]:
    """The member's alert form (``_alert_settings_form.html``) around its CSRF input:
    written once per language and what it shows (the two alerts, the locations chosen
    for emails, the member's locations), read by each request."""
    key = (
        alerts.new_orders,
        alerts.curbside_arrivals,
        tuple(sorted(email_location_ids(member))) if alerts.pk else (),
        tuple((location.pk, location.name) for location in locations),
    )
    language = translation.get_language()
    if language is None:
        return _alert_form_written(key)
    return _alert_form_written_in(language, key)


_AlertKey = tuple[bool, bool, tuple[int, ...], tuple[tuple[int, str], ...]]


def _alert_form_written(key: _AlertKey) -> tuple[SafeString, SafeString]:
    new_orders, curbside_arrivals, email_ids, locations = key
    current = StaffAlertSettings(new_orders=new_orders, curbside_arrivals=curbside_arrivals)
    form = AlertSettingsForm(
        member=cast(Any, None),  # read only for its email locations, given here
        current=current,
        locations=[Location(pk=pk, name=name) for pk, name in locations],
        email_ids=email_ids,
    )
    written = render_to_string(
        "dashboard/orders/_alert_settings_form.html",
        {**_alert_form_context(form), "csrf_token": _CSRF_STAND_IN},
    )
    stand_in = f'<input type="hidden" name="csrfmiddlewaretoken" value="{_CSRF_STAND_IN}">'
    head, tail = written.split(stand_in)
    return mark_safe(head), mark_safe(tail)  # noqa: S308 -- written by the template


@lru_cache(maxsize=256)
def _alert_form_written_in(language: str, key: _AlertKey) -> tuple[SafeString, SafeString]:
    with translation.override(language):
        return _alert_form_written(key)


def _alert_form_context(form: AlertSettingsForm) -> dict[str, Any]:
    """The form, and its location checkboxes as (value, label, checked): written by the
    template in one loop (Django's widget templates cost the Orders page 2-3 ms)."""
    field = form["email_locations"]
    chosen = {str(value) for value in field.value() or ()}
    choices: list[tuple[Any, Any]] = list(cast(Any, field.field).choices)
    return {
        "alert_form": form,
        "email_choices": [(value, label, str(value) in chosen) for value, label in choices],
    }

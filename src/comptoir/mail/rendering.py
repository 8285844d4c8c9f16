"""Render an email from its template trio in the recipient's language and the shop's zone.

``mail/<name>.subject.txt``, ``mail/<name>.txt`` and ``mail/<name>.html`` (the HTML one
extends ``mail/base.html``, which carries the shop's logo and primary colour). Subject and
text are rendered without HTML escaping: they are plain text."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, cast

from django.template import Context
from django.template.backends.django import Template as DjangoTemplate
from django.template.loader import get_template, render_to_string
from django.utils import timezone, translation

from comptoir.shop.links import public_base
from comptoir.shop.selectors import get_shop


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


def render_email(
    name: str,
    context: dict[str, Any] | None = None,
    *,
    language: str,
    base_url: str | None = None,
) -> RenderedEmail:
    """Render ``mail/<name>.*`` in ``language``. ``base_url`` (default: the setting
    COMPTOIR_PUBLIC_URL) makes the logo's address absolute; without it the shop's name
    stands in for the logo, since a relative image address means nothing in a mailbox."""
    values = _values(context, language=language, base_url=base_url)
    # Dates in an email read in the shop's time zone, not the server's UTC.
    with translation.override(language), timezone.override(values["shop"].time_zone):
        subject = _render_plain(f"mail/{name}.subject.txt", values)
        text = _render_plain(f"mail/{name}.txt", values)
        html = render_to_string(f"mail/{name}.html", values)
    # A subject is one header line: newlines in it would be refused by Django anyway.
    return RenderedEmail(subject=" ".join(subject.split()), text=text.strip() + "\n", html=html)


def render_subject(name: str, context: dict[str, Any] | None = None, *, language: str) -> str:
    """Only the subject of ``mail/<name>.*``: what an email rendered later by the worker
    shows in the outbox meanwhile (one line, cheap to render in the request)."""
    values = _values(context, language=language, base_url=None)
    with translation.override(language), timezone.override(values["shop"].time_zone):
        subject = _render_plain(f"mail/{name}.subject.txt", values)
    return " ".join(subject.split())


# --- emails rendered by the worker ----------------------------------------------------

ContextBuilder = Callable[[int], dict[str, Any]]
_context_builders: dict[str, ContextBuilder] = {}


def register_context(template: str, builder: ContextBuilder) -> None:
    """Let the worker render ``mail/<template>.*`` for emails queued with an ``about_id``
    (``mail.services.queue_rendered_later``): ``builder(about_id)`` reads what the
    template needs. Called by the app owning the template, from its AppConfig.ready()."""
    _context_builders[template] = builder


def render_later_supported(template: str) -> bool:
    return template in _context_builders


def render_queued(template: str, about_id: int, *, language: str) -> RenderedEmail:
    """Render an email queued to be rendered by the worker, from what its row keeps."""
    return render_email(template, _context_builders[template](about_id), language=language)


def _values(
    context: dict[str, Any] | None, *, language: str, base_url: str | None
) -> dict[str, Any]:
    shop = get_shop()
    base_url = public_base() if base_url is None else base_url.rstrip("/")
    logo_url = f"{base_url}{shop.logo.url}" if shop.logo and base_url else ""
    return {
        "shop": shop,
        "brand_colour": shop.primary_colour,
        "logo_url": logo_url,
        "base_url": base_url,
        "language": language,
        **(context or {}),
    }


def _render_plain(template_name: str, values: dict[str, Any]) -> str:
    # The engine's own Template, to pass a Context: settings configure only DjangoTemplates,
    # whose wrapper the generic get_template() is not typed to return.
    template = cast(DjangoTemplate, get_template(template_name)).template
    return template.render(Context(values, autoescape=False))

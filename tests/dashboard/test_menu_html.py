"""The dashboard menu, written once in Python (``dashboard.context_processors``) for the
page's two copies: the current entry marked, every label and address escaped."""

from __future__ import annotations

import pytest
from django.urls import reverse

from comptoir.dashboard.context_processors import menu_html
from comptoir.team.permissions import Permission


@pytest.mark.django_db
def test_the_menu_shows_twice_with_the_current_entry_marked(staff_client):
    client = staff_client(Permission.VIEW_ORDERS)
    orders, home = reverse("dashboard:order_list"), reverse("dashboard:home")

    content = client.get(orders).content.decode()

    assert content.count(f'<li><a href="{orders}" aria-current="page">') == 2
    assert content.count(f'<li><a href="{home}">') == 2


def test_labels_and_addresses_are_escaped():
    written = menu_html(
        [
            {"label": "<script>alert('x')</script> & co", "url": '/a?b=1&c="2"', "active": True},
            {"label": "Plain", "url": "/plain/", "active": False},
        ]
    )

    assert written == (
        '<ul><li><a href="/a?b=1&amp;c=&quot;2&quot;" aria-current="page">'
        "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; co</a></li>"
        '<li><a href="/plain/">Plain</a></li></ul>'
    )

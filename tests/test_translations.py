"""The French catalogue: complete, compiled, faithful to its placeholders, and used by
the storefront (shop's published language) and the dashboard (staff member's language).

The .po is parsed with the standard library and the committed .mo read with
gettext.GNUTranslations: CI machines have no GNU gettext, so nothing here may run msgfmt.
"""

from __future__ import annotations

import gettext
import html
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.urls import reverse

import comptoir
from comptoir.shop.models import Shop
from comptoir.shop.selectors import get_shop
from comptoir.team.models import Access

MESSAGES = Path(comptoir.__file__).parent / "locale" / "fr" / "LC_MESSAGES"
PLACEHOLDER = re.compile(r"%\(\w+\)[-#0 +]*\d*(?:\.\d+)?[sdifr]|%[sdifr]|\{[\w.]*\}")


@dataclass
class Entry:
    flags: set[str] = field(default_factory=set)
    fields: dict[str, str] = field(default_factory=dict)

    @property
    def msgid(self) -> str:
        return self.fields["msgid"]

    @property
    def translations(self) -> list[str]:
        return [value for key, value in self.fields.items() if key.startswith("msgstr")]


def _unquote(text: str) -> str:
    escapes = {"n": "\n", "t": "\t", '"': '"', "\\": "\\"}
    return re.sub(r"\\(.)", lambda m: escapes[m.group(1)], text.strip()[1:-1])


def read_po(path: Path) -> list[Entry]:
    """Every entry but the header and obsolete (#~) ones."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry, key = Entry(), None
        for line in block.strip().splitlines():
            if line.startswith("#,"):
                entry.flags |= {flag.strip() for flag in line[2:].split(",")}
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry.fields[key] += _unquote(line)
            else:
                key, _, rest = line.partition(" ")
                entry.fields[key] = _unquote(rest)
        if entry.fields.get("msgid"):
            entries.append(entry)
    return entries


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text.replace("%%", "")))


@pytest.fixture(scope="module")
def entries() -> list[Entry]:
    return read_po(MESSAGES / "django.po")


@pytest.fixture(scope="module")
def compiled() -> gettext.GNUTranslations:
    with (MESSAGES / "django.mo").open("rb") as mo:
        return gettext.GNUTranslations(mo)


def test_po_declares_french_and_its_plural_rule():
    header = (MESSAGES / "django.po").read_text(encoding="utf-8").split("\n\n")[0]

    assert '"Language: fr\\n"' in header
    assert '"Plural-Forms: nplurals=2; plural=(n > 1);\\n"' in header


def test_every_entry_has_a_french_translation_and_none_is_fuzzy(entries):
    assert len(entries) > 100  # the catalogue was really read
    untranslated = [e.msgid for e in entries if not all(t.strip() for t in e.translations)]
    fuzzy = [e.msgid for e in entries if "fuzzy" in e.flags]

    assert untranslated == []
    assert fuzzy == []


def test_plural_entries_give_both_french_forms(entries):
    plural = [e for e in entries if "msgid_plural" in e.fields]

    assert plural
    for entry in plural:
        assert set(entry.fields) >= {"msgstr[0]", "msgstr[1]"}, entry.msgid


def test_translations_keep_the_placeholders_of_the_english(entries):
    mismatched = []
    for entry in entries:
        expected = placeholders(entry.msgid) | placeholders(entry.fields.get("msgid_plural", ""))
        mismatched += [
            (entry.msgid, text) for text in entry.translations if placeholders(text) != expected
        ]

    assert mismatched == []


def test_committed_mo_is_compiled_from_the_current_po(entries, compiled):
    assert compiled.info()["language"] == "fr"
    assert (compiled.plural(0), compiled.plural(1), compiled.plural(2)) == (0, 0, 1)
    stale = []
    for entry in entries:
        context = entry.fields.get("msgctxt")
        if "msgid_plural" in entry.fields:
            plural = entry.fields["msgid_plural"]
            got = [
                compiled.npgettext(context, entry.msgid, plural, n)
                if context is not None
                else compiled.ngettext(entry.msgid, plural, n)
                for n in (1, 2)
            ]
            want = [entry.fields["msgstr[0]"], entry.fields["msgstr[1]"]]
        else:
            got = [
                compiled.pgettext(context, entry.msgid)
                if context is not None
                else compiled.gettext(entry.msgid)
            ]
            want = [entry.fields["msgstr"]]
        if got != want:
            stale.append(entry.msgid)

    assert stale == [], "django.mo is out of date: run `comptoir compilemessages -l fr`"


def _text(response) -> str:
    return html.unescape(response.content.decode())


@pytest.mark.django_db
def test_storefront_of_a_french_shop_reads_in_french(client):
    assert get_shop().published_language == "fr"  # the default

    page = _text(client.get("/", HTTP_ACCEPT_LANGUAGE="en"))

    assert "Rien n'est encore en vente ici." in page
    assert "Nothing is on sale here yet." not in page


@pytest.mark.django_db
def test_storefront_of_an_english_shop_reads_in_english(client):
    get_shop()
    Shop.objects.filter(pk=1).update(published_language="en")

    page = _text(client.get("/", HTTP_ACCEPT_LANGUAGE="fr"))

    assert "Nothing is on sale here yet." in page
    assert "Rien n'est encore en vente ici." not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "products", "sign_out"),
    [("fr", "Produits", "Se déconnecter"), ("en", "Products", "Sign out")],
)
def test_dashboard_reads_in_the_staff_members_language(
    make_member, signed_in, language, products, sign_out
):
    member = make_member(access=Access.FULL, user__language=language)
    other = "en" if language == "fr" else "fr"

    response = signed_in(member).get(reverse("dashboard:home"), HTTP_ACCEPT_LANGUAGE=other)

    page = _text(response)
    assert f">{products}</a>" in page  # the menu entry
    assert sign_out in page

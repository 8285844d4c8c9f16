"""The normalised text the back-office directory searches: names, email, phones and
company name,
lower-cased and without accents, so that "helene" finds "Hélène" on SQLite and
PostgreSQL alike (no database extension needed for correctness)."""

from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    """Lower-cased, accents removed ("Hélène" -> "helene"), spaces collapsed."""
    decomposed = unicodedata.normalize("NFKD", text or "")
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(stripped.casefold().split())


def search_text_for(
    *,
    first_name: str,
    last_name: str,
    email: str | None,
    phone: str,
    mobile: str = "",
    company_name: str = "",
) -> str:
    parts = (first_name, last_name, email or "", phone, mobile, company_name)
    return fold(" ".join(part for part in parts if part))

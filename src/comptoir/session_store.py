"""The session store (``SESSION_ENGINE``): a visitor who is not signed in keeps their
session in a signed cookie; a signed-in session lives in the database (decision 0033).

- **Not signed in** (a shopper's cart, chosen location and the order numbers that browser
  placed; a member's sign-in page): the data is the cookie, signed with ``SECRET_KEY``
  like Django's ``signed_cookies`` engine (same serializer, same age limit), under the
  prefix ``c:``. Nothing is written to or read from the database for it, so a guest
  checkout sends no session statement and guests leave no rows to purge.
- **Signed in**: Django's database store, as before. A session that gets a signed-in
  user (``login()`` cycles the key) becomes a database row under a new random key, so
  signing out, a password change, account deletion or erasure can end it on the server.
  Its row is read on every request with the statement compiled once per process (decision
  0030): a session ended elsewhere (signed out in another worker, deleted) is refused at
  once.

A cookie session cannot be ended by the server, which is why no signed-in state ever
lives in one; what it holds (a cart id, a location, order numbers) is signed, so it cannot
be forged to reach another visitor's cart or order."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends import db
from django.contrib.sessions.models import Session
from django.core import signing
from django.utils import timezone

from comptoir.compiled_read import CompiledRead

COOKIE_PREFIX = "c:"
COOKIE_SALT = "comptoir.session_store.cookie"

_session_row = CompiledRead(
    lambda key: Session.objects.filter(session_key=key), placeholder="compiled-read-placeholder"
)


def _in_cookie(key: str | None) -> bool:
    return key is not None and key.startswith(COOKIE_PREFIX)


class SessionStore(db.SessionStore):
    def load(self) -> dict[str, Any]:
        key = self.session_key
        if key is not None and _in_cookie(key):
            try:
                data: dict[str, Any] = signing.loads(
                    key.removeprefix(COOKIE_PREFIX),
                    salt=COOKIE_SALT,
                    serializer=self.serializer,
                    max_age=self.get_session_cookie_age(),
                )
            except (signing.BadSignature, ValueError):
                # Tampered, expired or unreadable: a new, empty session.
                self._session_key = None
                return {}
            if SESSION_KEY in data:  # never written so; refused if it ever comes back
                self._session_key = None
                return {}
            return data
        return super().load()

    def _get_session_from_db(self) -> Any:
        # Django's: the row of this key unless expired (the expiry is checked here rather
        # than in the query, so the statement takes the key alone).
        session = _session_row.first(self.session_key) if self.session_key else None
        if session is None or session.expire_date <= timezone.now():
            self._session_key = None
            return None
        return session

    def exists(self, session_key: str) -> bool:
        return not _in_cookie(session_key) and super().exists(session_key)

    def save(self, must_create: bool = False) -> None:
        if must_create or (self.session_key is not None and not _in_cookie(self.session_key)):
            # A database session stays one (``create()`` inserts with ``must_create``).
            super().save(must_create=must_create)
            return
        data = dict(self.items())
        if SESSION_KEY in data:
            # Signed in: from now on a database row, under a new key.
            self._session_key = None
            self.create()
            return
        self._session_key = COOKIE_PREFIX + signing.dumps(
            data, salt=COOKIE_SALT, serializer=self.serializer, compress=True
        )
        self.modified = True

    def delete(self, session_key: str | None = None) -> None:
        key = self.session_key if session_key is None else session_key
        if _in_cookie(key):
            # Nothing kept on the server: the cookie is replaced or removed by the response.
            if session_key is None:
                self._session_key = None
            return
        super().delete(session_key)

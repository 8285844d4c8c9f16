"""Read Comptoir's configuration from environment variables.

Every variable is checked here, once, and a bad value raises ``ConfigError`` whose
message names the variable: the CLI prints it as one line instead of a traceback.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import dj_database_url


class ConfigError(Exception):
    """A configuration value is missing or malformed; the message names the variable."""


TRUE_WORDS = {"1", "true", "yes", "on"}
FALSE_WORDS = {"0", "false", "no", "off", ""}


@dataclass(frozen=True)
class Config:
    data_dir: Path
    secret_key: str
    debug: bool
    allowed_hosts: list[str]
    database: dict
    email_backend: str
    email_host: str
    email_port: int
    email_host_user: str
    email_host_password: str
    email_use_tls: bool
    email_use_ssl: bool
    default_from_email: str
    csrf_trusted_origins: list[str] = field(default_factory=list)
    public_url: str = ""
    stripe_secret_key: str = field(default="", repr=False)
    stripe_publishable_key: str = ""
    stripe_api_base: str = "https://api.stripe.com"
    # FORWARDED_ALLOW_IPS: the proxies gunicorn trusts; the shopper sign-in limits read the
    # client's address from X-Forwarded-For only when the request comes from one of them.
    trusted_proxies: list[str] = field(default_factory=lambda: ["127.0.0.1"])
    # MAILGUN_WEBHOOK_SIGNING_KEY: checks the signature of Mailgun's inbound email webhook
    # (messaging.anymail_inbound); without it that webhook is off.
    mailgun_webhook_signing_key: str = field(default="", repr=False)
    # Texts: COMPTOIR_SMS_BACKEND "development" (the dashboard's text outbox) or "twilio".
    sms_backend: str = "development"
    twilio_account_sid: str = ""
    twilio_auth_token: str = field(default="", repr=False)
    twilio_from_number: str = ""
    twilio_api_base: str = ""
    # The domain of the conversations' reply-to addresses (default: the shop's email's).
    reply_domain: str = ""


def parse_bool(env: Mapping[str, str], name: str, default: bool) -> bool:
    raw = env.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in TRUE_WORDS:
        return True
    if value in FALSE_WORDS:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean: use true/false, 1/0, yes/no or on/off")


def parse_int(env: Mapping[str, str], name: str, default: int, *, low: int, high: int) -> int:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{name}={raw!r} is not a whole number") from None
    if not low <= value <= high:
        raise ConfigError(f"{name}={raw!r} is out of range ({low} to {high})")
    return value


def parse_list(env: Mapping[str, str], name: str, default: list[str]) -> list[str]:
    raw = env.get(name)
    if raw is None:
        return default
    items = [item.strip() for item in raw.split(",") if item.strip()]
    if not items:
        raise ConfigError(f"{name} is set but empty: give a comma-separated list")
    return items


def parse_database(env: Mapping[str, str], data_dir: Path) -> dict:
    raw = env.get("DATABASE_URL", "").strip()
    if not raw:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(data_dir / "comptoir.sqlite3"),
            "OPTIONS": {
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            },
        }
    scheme = urlparse(raw).scheme
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ConfigError(
            f"DATABASE_URL has an unsupported scheme {scheme!r}: use sqlite:///path or postgres://..."
        )
    try:
        # dj_database_url's TypedDict, opened up: OPTIONS and CONN_MAX_AGE are rewritten below.
        parsed: dict[str, Any] = dict(
            dj_database_url.parse(raw, conn_max_age=60, conn_health_checks=True)
        )
    except Exception as exc:  # dj_database_url raises assorted errors on junk
        raise ConfigError(f"DATABASE_URL could not be read: {exc}") from None
    if parsed["ENGINE"].endswith("sqlite3"):
        parsed["OPTIONS"] = {"transaction_mode": "IMMEDIATE", "timeout": 20}
        parsed["CONN_MAX_AGE"] = 0
    elif not parsed.get("NAME"):
        raise ConfigError("DATABASE_URL names no database (postgres://user:pass@host:5432/NAME)")
    return parsed


def parse_public_url(env: Mapping[str, str]) -> str:
    raw = env.get("PUBLIC_URL", "").strip()
    if not raw:
        return ""
    parsed = urlparse(raw)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise ConfigError(f"PUBLIC_URL={raw!r} is not an address like https://shop.example.com")
    return raw.rstrip("/") + "/"


def parse_sms_backend(env: Mapping[str, str]) -> str:
    backend = env.get("COMPTOIR_SMS_BACKEND", "").strip().lower() or "development"
    if backend not in ("development", "twilio"):
        raise ConfigError(f"COMPTOIR_SMS_BACKEND={backend!r} is not one of: development, twilio")
    if backend == "twilio":
        missing = [
            name
            for name in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER")
            if not env.get(name, "").strip()
        ]
        if missing:
            raise ConfigError(f"COMPTOIR_SMS_BACKEND=twilio needs {', '.join(missing)}")
    return backend


def parse_stripe(env: Mapping[str, str]) -> tuple[str, str, str]:
    """The Stripe keys and API address; the secret key only ever comes from here."""
    secret = env.get("STRIPE_SECRET_KEY", "").strip()
    if secret and not secret.startswith("sk_"):
        # Not echoed: a mistyped secret is still a secret.
        raise ConfigError("STRIPE_SECRET_KEY is not a Stripe secret key (it starts with sk_)")
    publishable = env.get("STRIPE_PUBLISHABLE_KEY", "").strip()
    if publishable and not publishable.startswith("pk_"):
        raise ConfigError(
            f"STRIPE_PUBLISHABLE_KEY={publishable!r} is not a Stripe publishable key (pk_...)"
        )
    api_base = env.get("STRIPE_API_BASE", "").strip() or "https://api.stripe.com"
    parsed = urlparse(api_base)
    if parsed.scheme not in {"http", "https"} or not parsed.netloc:
        raise ConfigError(
            f"STRIPE_API_BASE={api_base!r} is not an address like https://api.stripe.com"
        )
    return secret, publishable, api_base.rstrip("/")


def load_secret_key(env: Mapping[str, str], data_dir: Path) -> str:
    raw = env.get("SECRET_KEY")
    if raw is not None:
        if len(raw) < 32:
            raise ConfigError("SECRET_KEY is too short: use at least 32 random characters")
        return raw
    key_file = data_dir / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    # Several processes may start at once (gunicorn workers, a worker): write the key to
    # a private temporary file and link it into place; whoever loses the race reads the winner's.
    key_file.parent.mkdir(parents=True, exist_ok=True)
    temporary = key_file.with_name(f".secret_key.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secrets.token_urlsafe(50))
    try:
        os.link(temporary, key_file)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()
    return key_file.read_text().strip()


def load(env: Mapping[str, str] | None = None, *, base_dir: Path) -> Config:
    env = os.environ if env is None else env
    data_dir = Path(env.get("COMPTOIR_DATA_DIR") or base_dir / "data").expanduser()
    if data_dir.exists() and not data_dir.is_dir():
        raise ConfigError(f"COMPTOIR_DATA_DIR={str(data_dir)!r} exists and is not a folder")
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"COMPTOIR_DATA_DIR={str(data_dir)!r} cannot be created: {exc.strerror}"
        ) from None

    debug = parse_bool(env, "DEBUG", False)
    email_host = env.get("EMAIL_HOST", "").strip()
    default_backend = (
        "django.core.mail.backends.smtp.EmailBackend"
        if email_host
        else "comptoir.mail.backends.OutboxOnlyBackend"
    )
    email_backend = env.get("EMAIL_BACKEND", default_backend).strip()
    use_tls = parse_bool(env, "EMAIL_USE_TLS", False)
    use_ssl = parse_bool(env, "EMAIL_USE_SSL", False)
    if use_tls and use_ssl:
        raise ConfigError("EMAIL_USE_TLS and EMAIL_USE_SSL cannot both be true")
    stripe_secret_key, stripe_publishable_key, stripe_api_base = parse_stripe(env)
    from_email = env.get("DEFAULT_FROM_EMAIL", "shop@localhost").strip()
    if "@" not in from_email:
        raise ConfigError(f"DEFAULT_FROM_EMAIL={from_email!r} is not an email address")

    return Config(
        data_dir=data_dir,
        secret_key=load_secret_key(env, data_dir),
        debug=debug,
        allowed_hosts=parse_list(env, "ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"]),
        database=parse_database(env, data_dir),
        email_backend=email_backend,
        email_host=email_host or "localhost",
        email_port=parse_int(env, "EMAIL_PORT", 25, low=1, high=65535),
        email_host_user=env.get("EMAIL_HOST_USER", ""),
        email_host_password=env.get("EMAIL_HOST_PASSWORD", ""),
        email_use_tls=use_tls,
        email_use_ssl=use_ssl,
        default_from_email=from_email,
        csrf_trusted_origins=parse_list(env, "CSRF_TRUSTED_ORIGINS", []),
        public_url=parse_public_url(env),
        stripe_secret_key=stripe_secret_key,
        stripe_publishable_key=stripe_publishable_key,
        stripe_api_base=stripe_api_base,
        trusted_proxies=parse_list(env, "FORWARDED_ALLOW_IPS", ["127.0.0.1"]),
        mailgun_webhook_signing_key=env.get("MAILGUN_WEBHOOK_SIGNING_KEY", "").strip(),
        sms_backend=parse_sms_backend(env),
        twilio_account_sid=env.get("TWILIO_ACCOUNT_SID", "").strip(),
        twilio_auth_token=env.get("TWILIO_AUTH_TOKEN", "").strip(),
        twilio_from_number=env.get("TWILIO_FROM_NUMBER", "").strip(),
        twilio_api_base=env.get("TWILIO_API_BASE", "").strip(),
        reply_domain=env.get("COMPTOIR_REPLY_DOMAIN", "").strip().lstrip("@").lower(),
    )

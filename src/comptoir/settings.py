"""Django settings for Comptoir. Every deploy-time value comes from the environment
through ``comptoir.config``; nothing secret is written here."""

from pathlib import Path

from django.utils.translation import gettext_lazy as _

from comptoir import config

PACKAGE_DIR = Path(__file__).resolve().parent
CONFIG = config.load(base_dir=Path.cwd())
DATA_DIR = CONFIG.data_dir

SECRET_KEY = CONFIG.secret_key
DEBUG = CONFIG.debug
ALLOWED_HOSTS = CONFIG.allowed_hosts
CSRF_TRUSTED_ORIGINS = CONFIG.csrf_trusted_origins

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "comptoir.users",
    "comptoir.shop",
    "comptoir.team",
    "comptoir.catalog",
    "comptoir.jobs",
    "comptoir.mail",
    "comptoir.payments",
    "comptoir.customers",
    "comptoir.accounts",
    "comptoir.orders",
    "comptoir.checkout",
    "comptoir.giftcards",
    "comptoir.stations",
    "comptoir.tables",
    "comptoir.storefront",
    "comptoir.partners",
    "comptoir.alerts",
    "comptoir.messaging",
    "comptoir.coupons",
    "comptoir.consent",
    "comptoir.appointments",
    "comptoir.dashboard",
    "comptoir.server",
    "comptoir.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "comptoir.shop.middleware.ShopLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "comptoir.urls"
WSGI_APPLICATION = "comptoir.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "comptoir.shop.context_processors.shop",
                "comptoir.dashboard.context_processors.dashboard",
            ],
        },
    }
]

DATABASES = {"default": CONFIG.database}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "users.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
LOGIN_URL = "/dashboard/login/"

# Sign-in lockout (django-axes): 5 failures per account+address, 15 minutes.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.25
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Sign-in forms post the email as "username" (axes would look for "email", the
# USERNAME_FIELD, and record every failure under no name); the callable also folds
# case so LEA@ and lea@ count against one account.
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "comptoir.team.lockout.lockout_username"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "dashboard/locked_out.html"
AXES_VERBOSE = False

# Shopper sign-in (storefront, not axes: see docs/decisions/0008-shopper-sign-in.md):
# failed sign-ins and forgot-password requests, per email and per IP address, within
# a sliding window; counted in the database so every server process shares them.
COMPTOIR_SHOPPER_ATTEMPTS_PER_ACCOUNT = 5
COMPTOIR_SHOPPER_ATTEMPTS_PER_ADDRESS = 20
COMPTOIR_SHOPPER_ATTEMPTS_WINDOW_MINUTES = 15
# The proxies gunicorn trusts (README: FORWARDED_ALLOW_IPS); behind one, the shopper's
# address for those limits is read from X-Forwarded-For, else every shopper would share
# the proxy's address and its 20 failures.
COMPTOIR_TRUSTED_PROXIES = CONFIG.trusted_proxies
# Password reset links expire after 24 hours (and work once: see accounts.services.passwords).
PASSWORD_RESET_TIMEOUT = 60 * 60 * 24

# Django's database sessions, their read compiled once per process (comptoir/session_store.py).
SESSION_ENGINE = "comptoir.session_store"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "UTC"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# The shared CSS and vendored htmx live in the package, which is not an app itself.
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve from the finders too, so a fresh checkout works before collectstatic.
WHITENOISE_USE_FINDERS = True
WHITENOISE_MAX_AGE = 3600

EMAIL_BACKEND = CONFIG.email_backend
EMAIL_HOST = CONFIG.email_host
EMAIL_PORT = CONFIG.email_port
EMAIL_HOST_USER = CONFIG.email_host_user
EMAIL_HOST_PASSWORD = CONFIG.email_host_password
EMAIL_USE_TLS = CONFIG.email_use_tls
EMAIL_USE_SSL = CONFIG.email_use_ssl
EMAIL_TIMEOUT = 30
DEFAULT_FROM_EMAIL = CONFIG.default_from_email
SERVER_EMAIL = CONFIG.default_from_email

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default", "email"],
    }
}
# The shop's public address, for links and images in emails ("" when unknown).
COMPTOIR_PUBLIC_URL = CONFIG.public_url

# Stripe, when the owner picks it as the payment gateway (the secret key only from the
# environment; the API address is changed only to point tests at a stand-in).
STRIPE_SECRET_KEY = CONFIG.stripe_secret_key
STRIPE_PUBLISHABLE_KEY = CONFIG.stripe_publishable_key
STRIPE_API_BASE = CONFIG.stripe_api_base

# Inbound email by Mailgun's webhook, through django-anymail (messaging.anymail_inbound).
ANYMAIL = {"MAILGUN_WEBHOOK_SIGNING_KEY": CONFIG.mailgun_webhook_signing_key}

# Texts (messaging.sms): the development backend or Twilio (its API address is changed
# only to point tests at a stand-in); the domain of the conversations' reply-to addresses.
COMPTOIR_SMS_BACKEND = CONFIG.sms_backend
TWILIO_ACCOUNT_SID = CONFIG.twilio_account_sid
TWILIO_AUTH_TOKEN = CONFIG.twilio_auth_token
TWILIO_FROM_NUMBER = CONFIG.twilio_from_number
TWILIO_API_BASE = CONFIG.twilio_api_base
COMPTOIR_REPLY_DOMAIN = CONFIG.reply_domain

# How long /healthz accepts since the last worker heartbeat.
COMPTOIR_WORKER_STALE_AFTER_SECONDS = 60

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"comptoir": {"level": "INFO"}},
}

"""Tandem settings: one module, read from the environment.

Secrets (``TANDEM_SECRET_KEY``, ``TANDEM_FIELD_KEYS``) are required in production; the
demo and the test suite generate their own and say so through ``TANDEM_ENV``.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from cryptography.fernet import Fernet
from csp.constants import NONE, SELF
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent


def env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool) -> bool:
    value = env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = env(name)
    if value is None:
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {value!r}.") from None


# production | demo | test. Production is the default so that a forgotten variable fails closed.
TANDEM_ENV = env("TANDEM_ENV", "production")
if TANDEM_ENV not in {"production", "demo", "test"}:
    raise ImproperlyConfigured("TANDEM_ENV must be production, demo or test.")
PRODUCTION = TANDEM_ENV == "production"

DATA_DIR = Path(env("TANDEM_DATA_DIR", str(Path.cwd() / "tandem-data")) or "").resolve()

SECRET_KEY = env("TANDEM_SECRET_KEY") or ""
if not SECRET_KEY:
    raise ImproperlyConfigured("TANDEM_SECRET_KEY is not set: Tandem refuses to start without it.")

# Comma-separated Fernet keys, newest first. Survivor contact fields are encrypted with them.
TANDEM_FIELD_KEYS = [k.strip() for k in (env("TANDEM_FIELD_KEYS") or "").split(",") if k.strip()]
if not TANDEM_FIELD_KEYS:
    raise ImproperlyConfigured("TANDEM_FIELD_KEYS is not set: Tandem refuses to start without it.")
for _position, _key in enumerate(TANDEM_FIELD_KEYS, start=1):
    try:
        Fernet(_key.encode())
    except ValueError:
        raise ImproperlyConfigured(
            f"TANDEM_FIELD_KEYS: key number {_position} is not a Fernet key; make one with 'tandem keys generate'."
        ) from None

DEBUG = env_bool("TANDEM_DEBUG", False)
if DEBUG and PRODUCTION:
    raise ImproperlyConfigured("TANDEM_DEBUG may not be switched on in production.")

ALLOWED_HOSTS = [
    h.strip()
    for h in (env("TANDEM_ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]") or "").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [o.strip() for o in (env("TANDEM_CSRF_TRUSTED_ORIGINS") or "").split(",") if o.strip()]

INSTALLED_APPS = [
    "tandem.core",
    "tandem.geo",
    "tandem.mapping",
    "tandem.cases",
    "tandem.risk",
    "tandem.survivors",
    "tandem.outcomes",
    "tandem.groups",
    "tandem.reports",
    "tandem.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    # No longer used: authenticators are tandem.core's AuthenticatorDevice, whose secret is
    # encrypted. Kept for the migration that moved its rows (core 0010), which needs its table
    # on every database, and for going back to an earlier release.
    "django_otp.plugins.otp_totp",
    "axes",
    "csp",
    "django_tasks",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tandem.core.middleware.RequireTwoFactorMiddleware",
    "tandem.core.middleware.NoStoreMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "tandem.urls"
WSGI_APPLICATION = "tandem.wsgi.application"
AUTH_USER_MODEL = "core.User"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tandem.core.context_processors.tandem",
            ],
            "string_if_invalid": "",
        },
    }
]


def _database() -> dict[str, Any]:
    url = env("TANDEM_DATABASE_URL")
    if url:
        try:
            config: dict[str, Any] = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
        except ValueError as error:
            raise ImproperlyConfigured(f"TANDEM_DATABASE_URL cannot be understood: {error}") from None
    else:
        config = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(DATA_DIR / "tandem.sqlite3")}
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers work while one writer writes; IMMEDIATE takes the write lock at
        # BEGIN so two writers queue instead of failing halfway with "database is locked".
        config.setdefault("OPTIONS", {}).update(
            {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
                "transaction_mode": "IMMEDIATE",
                "timeout": 20,
            }
        )
    return config


DATABASES = {"default": _database()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "core:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:login"

# Sessions: an idle timeout, renewed on every request, and cookies that scripts cannot read.
TANDEM_IDLE_TIMEOUT_MINUTES = env_int("TANDEM_IDLE_TIMEOUT_MINUTES", 30)
SESSION_COOKIE_AGE = TANDEM_IDLE_TIMEOUT_MINUTES * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True

# Lockout after repeated failed sign-ins, per user name, for a cool-off period.
AXES_FAILURE_LIMIT = env_int("TANDEM_LOCKOUT_FAILURES", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("TANDEM_LOCKOUT_MINUTES", 15))
# Per user name only: behind a reverse proxy every request comes from the proxy's address,
# and locking by address would let one person lock everybody out.
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_CLIENT_IP_CALLABLE = "tandem.core.http.client_ip"
# How many reverse proxies in front of Tandem append to X-Forwarded-For (0: none, trust no header).
TANDEM_PROXY_COUNT = env_int("TANDEM_PROXY_COUNT", 0)
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "tandem.core.views.auth.lockout_response"
AXES_VERBOSE = False

OTP_TOTP_ISSUER = "Tandem"

# Strict content security policy: nothing inline, nothing from another origin.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [NONE],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [NONE],
        "object-src": [NONE],
    }
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("TANDEM_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("TANDEM_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True

# Languages of the region. Montenegrin (cnr) has no entry in Django, so it is registered here.
LANGUAGE_CODE = env("TANDEM_LANGUAGE", "en") or "en"
LANGUAGES = [
    ("en", _("English")),
    ("sq", _("Albanian")),
    ("sr-latn", _("Serbian (Latin)")),
    ("sr", _("Serbian (Cyrillic)")),
    ("bs", _("Bosnian")),
    ("mk", _("Macedonian")),
    ("hr", _("Croatian")),
    ("tr", _("Turkish")),
    ("cnr", _("Montenegrin")),
]
LANG_INFO.setdefault("cnr", {"bidi": False, "code": "cnr", "name": "Montenegrin", "name_local": "Crnogorski"})
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_borrowed"]
USE_I18N = True
# Django's English and some of the region's locale modules show American dates and a
# 12-hour clock; these override them setting by setting.
FORMAT_MODULE_PATH = ["tandem.formats"]
# Grouping is left to the places that group on purpose (the report's counts force it):
# turned on here, it would also group years, versions and identifiers in every template.
USE_THOUSAND_SEPARATOR = False
USE_TZ = True
TIME_ZONE = env("TANDEM_TIME_ZONE", "Europe/Belgrade") or "Europe/Belgrade"

STATIC_URL = "/static/"
# Production serves the collected files; the demo and the tests serve them from the apps.
STATIC_ROOT = DATA_DIR / "static" if PRODUCTION else None
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = not PRODUCTION

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# Documents of a case: encrypted, under a directory that no web server serves, and no larger
# than this many bytes each.
TANDEM_DOCUMENT_DIR = Path(env("TANDEM_DOCUMENT_DIR", str(DATA_DIR / "documents")) or "").resolve()
TANDEM_DOCUMENT_MAX_BYTES = env_int("TANDEM_DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
if TANDEM_DOCUMENT_MAX_BYTES < 1:
    raise ImproperlyConfigured("TANDEM_DOCUMENT_MAX_BYTES must be a whole number from 1.")

# Figures that leave an organisation never show a share of fewer than this many programmes
# or people (see tandem.core.suppression); an organisation may raise it for its own figures.
TANDEM_SMALL_NUMBER = env_int("TANDEM_SMALL_NUMBER", 5)
if TANDEM_SMALL_NUMBER < 1:
    raise ImproperlyConfigured("TANDEM_SMALL_NUMBER must be a whole number from 1.")

# Her questionnaire link works for this many days (never past the end of its time point's window),
# and the quick exit on her page leaves for this neutral site.
TANDEM_OUTCOME_LINK_DAYS = env_int("TANDEM_OUTCOME_LINK_DAYS", 7)
if TANDEM_OUTCOME_LINK_DAYS < 1:
    raise ImproperlyConfigured("TANDEM_OUTCOME_LINK_DAYS must be a whole number from 1.")
TANDEM_QUICK_EXIT_URL = env("TANDEM_QUICK_EXIT_URL", "https://www.wikipedia.org/")

# The pooled outcome dataset: the folder of the providers' Parquet contributions, and the key of
# the case pseudonyms in them (derived from SECRET_KEY when unset; set it before the first
# contribution, since a new key breaks the link between a case's records in two contributions).
TANDEM_POOL_DIR = Path(env("TANDEM_POOL_DIR", str(DATA_DIR / "pool")) or "").resolve()
TANDEM_POOL_KEY = env("TANDEM_POOL_KEY")

# The demo accepts one printed code in place of a TOTP code; production never does.
TANDEM_DEMO_OTP_TOKEN = env("TANDEM_DEMO_OTP_TOKEN") if TANDEM_ENV == "demo" else None

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"hide_link_tokens": {"()": "tandem.core.log_filters.HideLinkTokens"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["hide_link_tokens"]}},
    "root": {"handlers": ["console"], "level": env("TANDEM_LOG_LEVEL", "WARNING")},
    # The loggers that write request paths hide her link's token before any handler sees it.
    "loggers": {
        "django.request": {"filters": ["hide_link_tokens"]},
        "django.server": {"filters": ["hide_link_tokens"]},
        "gunicorn.access": {"filters": ["hide_link_tokens"]},
    },
}

CSRF_FAILURE_VIEW = "tandem.core.views.auth.csrf_failure"

"""Django settings. Everything that differs between machines comes from the environment.

AVSTEM_DATA_DIR    where the SQLite database, the secret key and uploads live (default ./var)
DATABASE_URL       e.g. postgres://postgres@127.0.0.1:5432/avstem (default: SQLite in the data dir)
AVSTEM_SECRET_KEY  Django's secret key (default: generated once into the data dir)
AVSTEM_DEBUG       "1" for Django's debug pages (never in production)
AVSTEM_ALLOWED_HOSTS  comma-separated host names (default: localhost only)
AVSTEM_ENCRYPTION_KEY  Fernet key(s) for secrets at rest, comma-separated, newest first
                   (default: generated once into the data dir)
AVSTEM_BANK_API_URL    the bank API (default: the sandbox bank, http://127.0.0.1:8700)
AVSTEM_BANK_MAILBOX_DIR  file-exchange mailboxes (default: the sandbox bank's, DATA_DIR/sandbox-bank/mailbox)
AVSTEM_SANDBOX_ADMIN_KEY  lets the program order file-exchange agreements at the sandbox bank
AVSTEM_BANK_SYNC_TIME  when the daily bank sync runs, Europe/Oslo (default 06:00)
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("AVSTEM_DATA_DIR", "var")).resolve()


def _secret_key() -> str:
    if key := os.environ.get("AVSTEM_SECRET_KEY"):
        return key
    path = DATA_DIR / "secret_key"
    if not path.exists():
        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()


def _encryption_keys() -> list[str]:
    """Fernet keys for secrets at rest (bank tokens). The first encrypts; all decrypt (rotation)."""
    if keys := os.environ.get("AVSTEM_ENCRYPTION_KEY"):
        return [k.strip() for k in keys.split(",") if k.strip()]
    path = DATA_DIR / "encryption_key"
    if not path.exists():
        from cryptography.fernet import Fernet

        DATA_DIR.mkdir(parents=True, exist_ok=True)
        path.write_bytes(Fernet.generate_key())
        path.chmod(0o600)
    return [path.read_text().strip()]


ENCRYPTION_KEYS = _encryption_keys()
DEBUG = os.environ.get("AVSTEM_DEBUG") == "1"
ALLOWED_HOSTS = os.environ.get("AVSTEM_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]").split(",")
ALLOWED_HOSTS.append("testserver")

INSTALLED_APPS = [
    "avstem.web",
    "avstem.users",
    "avstem.companies",
    "avstem.audit",
    "avstem.banking",
    "avstem.ledger",
    "avstem.reconciliation",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves Swagger UI from its own static files, not a CDN
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
    "avstem.users.middleware.SecondFactorLoginMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "avstem.urls"
WSGI_APPLICATION = "avstem.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "avstem.companies.context_processors.companies",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DATA_DIR / 'avstem.sqlite3'}", conn_max_age=60
    )
}
SQLITE_MMAP_BYTES = 0x7FFF0000  # SQLite's default SQLITE_MAX_MMAP_SIZE: a larger value is cut to it
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web app and the task worker read while the other writes. SQLite's own page
    # cache is 2 MB by default: a ledger with hundreds of thousands of postings has indexes far
    # larger, and every page missed is a read() from the file. 64 MB of cache and the file mapped
    # into memory (pages read straight from the OS cache) keep big runs from paying that per row.
    # The map reaches 2 GB, SQLite's own limit: it is address space, its pages are the OS's
    # shared cache. 256 MB left a million-line reconciliation 6 % slower (377 s against 353 s
    # of apply) once the file outgrew it.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536; "
                        f"PRAGMA mmap_size={SQLITE_MMAP_BYTES};",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "users.User"
LOGIN_URL = "users:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "users:login"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nb"
LANGUAGES = [("nb", _("Norwegian Bokmål")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "Europe/Oslo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
# WhiteNoise serves app static files straight from the finders: no collectstatic step,
# and the same in production (DEBUG off) as in development.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_ROOT = DATA_DIR / "media"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True

OTP_TOTP_ISSUER = "Avstem"

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
    "loggers": {"avstem": {"level": "INFO"}},
}

# Bank connection (avstem.banking). The sandbox bank stands in for every bank's API and mailbox.
BANK_API_URL = (os.environ.get("AVSTEM_BANK_API_URL") or os.environ.get("AVSTEM_SANDBOX_BANK_URL")
                or "http://127.0.0.1:8700").rstrip("/")
BANK_CLIENT_ID = os.environ.get("AVSTEM_BANK_CLIENT_ID", "avstem-dev")
BANK_MAILBOX_DIR = Path(os.environ.get("AVSTEM_BANK_MAILBOX_DIR", DATA_DIR / "sandbox-bank" / "mailbox"))
SANDBOX_ADMIN_KEY = os.environ.get("AVSTEM_SANDBOX_ADMIN_KEY", "")
BANK_SYNC_TIME = os.environ.get("AVSTEM_BANK_SYNC_TIME", "06:00")
BANK_FILE_AGREEMENT_CONFIRM_DAYS = int(os.environ.get("AVSTEM_FILE_AGREEMENT_CONFIRM_DAYS", "2"))
BANK_SYNC_LEASE_SECONDS = float(os.environ.get("AVSTEM_BANK_SYNC_LEASE_SECONDS", "300"))  # a dead worker's claim lapses
BANK_SYNC_RETRY_SECONDS = float(os.environ.get("AVSTEM_BANK_SYNC_RETRY_SECONDS", "60"))  # first retry of a failed run
BANK_RETRY_MAX_WAIT = float(os.environ.get("AVSTEM_BANK_RETRY_MAX_WAIT", "60"))  # longest wait between HTTP retries
BANK_IMPORT_INLINE_BYTES = 256 * 1024  # larger uploads are imported by a worker, with progress

"""Settings for shuzhi, read from environment variables.

DEBUG, SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL, HTTPS and the SESSION_* values are the ones a
deployment sets. Without DATABASE_URL the embedded SQLite database in var/ is used (WAL mode,
IMMEDIATE transactions); PostgreSQL is the production database.
"""

import json
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.conf.locale import LANG_INFO
from django.core.exceptions import ImproperlyConfigured

from shuzhi.env import envbool, envint, envlist, envsecret, envstr

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = envbool("DEBUG", False)
# The built-in key serves DEBUG runs only. With DEBUG off — production, but also a plain-http intranet
# server or `make demo` — the key is the deployment's own (SECRET_KEY, or the file SECRET_KEY_FILE names)
# and the application refuses to start without one: sessions, CSRF tokens and the ballot codes' hashes
# all rest on it, and the built-in one is public.
_DEV_SECRET = "insecure-dev-key-only-for-local-runs-never-in-production-0123456789"  # noqa: S105 - public, refused below
SECRET_KEY = envsecret("SECRET_KEY", "SECRET_KEY_FILE") or (_DEV_SECRET if DEBUG else "")
if not DEBUG and SECRET_KEY in ("", _DEV_SECRET):
    raise ImproperlyConfigured(
        "No SECRET_KEY: with DEBUG off the application needs a secret key of its own. Set SECRET_KEY to a long "
        "random value, e.g. the output of: python3 -c 'import secrets; print(secrets.token_urlsafe(50))' — or set "
        "SECRET_KEY_FILE to the path of a file holding it (readable only by the server's user). Keep the same "
        "key across restarts: a new key ends every session. `make demo` makes one for itself in var/secret_key."
    )
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "shuzhi.core",
    "shuzhi.accounts",
    "shuzhi.orgs",
    "shuzhi.audit",
    "shuzhi.cycles",
    "shuzhi.reports",
    "shuzhi.meetings",
    "shuzhi.voting",
    "shuzhi.attachments",
    "shuzhi.assessment",
    "shuzhi.evaluation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",  # removed unless EXTRA_LANGUAGES (see Language)
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "shuzhi.accounts.middleware.ForcePasswordChangeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "shuzhi.api.middleware.ApiErrorsMiddleware",  # JSON for /api/ addresses and methods that do not exist
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "shuzhi.urls"
WSGI_APPLICATION = "shuzhi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "shuzhi" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "shuzhi.core.context_processors.navigation",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
_SQLITE_PATH = BASE_DIR / "var" / "shuzhi.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{_SQLITE_PATH}"), conn_max_age=envint("CONN_MAX_AGE", 60)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections are kept like PostgreSQL's (CONN_MAX_AGE): opening one costs more CPU than a ballot's
    # queries (Django registers its SQL functions and the PRAGMAs below run on every new connection).
    DATABASES["default"]["OPTIONS"] = {
        # IMMEDIATE: a writing transaction takes the write lock at BEGIN, so two writers queue
        # on busy_timeout instead of one failing with "database is locked" half-way through.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        # secure_delete: deleted rows and freed pages are overwritten with zeros at once, so an erased
        # ballot code or a ballot's old place does not linger in the files (docs/vote-anonymity.md).
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; PRAGMA secure_delete=ON;"
        ),
    }
    DATABASES["default"]["TEST"] = {"NAME": None}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts -------------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Failed logins (shuzhi.accounts.services): LOGIN_MAX_FAILURES wrong passwords for one staff number from
# one client address within LOGIN_LOCKOUT_MINUTES lock that staff number at that address (only there) for
# as long; LOGIN_NETWORK_MAX_FAILURES from one address, whatever the staff numbers, within
# LOGIN_NETWORK_LOCKOUT_MINUTES lock every login from it (but a loopback one) for as long. No lock is
# account-wide.
LOGIN_MAX_FAILURES = envint("LOGIN_MAX_FAILURES", 5)
LOGIN_LOCKOUT_MINUTES = envint("LOGIN_LOCKOUT_MINUTES", 15)
LOGIN_NETWORK_MAX_FAILURES = envint("LOGIN_NETWORK_MAX_FAILURES", 30)
LOGIN_NETWORK_LOCKOUT_MINUTES = envint("LOGIN_NETWORK_LOCKOUT_MINUTES", 60)
# The public ballot: wrong codes one client address may try per minute before it must wait a minute.
BALLOT_GUESS_LIMIT = envint("BALLOT_GUESS_LIMIT", 60)

# Sessions end after SESSION_IDLE_MINUTES without a request, and when the browser closes.
SESSION_COOKIE_AGE = envint("SESSION_IDLE_MINUTES", 120) * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# --- HTTPS and security headers ---------------------------------------------------------------
# HTTPS defaults to on whenever DEBUG is off; `make demo` turns it off for plain http on loopback.
HTTPS = envbool("HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
# A form sent from a page that has expired: a page in Chinese saying to reload (not Django's English one).
CSRF_FAILURE_VIEW = "shuzhi.core.errors.csrf_failure"
SECURE_SSL_REDIRECT = HTTPS and envbool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Behind the production reverse proxy: trust its X-Forwarded-Proto, and take the client's address from the
# last entry of X-Forwarded-For (the one the proxy appended), for the audit log and the guess throttle.
BEHIND_PROXY = envbool("BEHIND_PROXY", False)
# The address voters' phones reach the ballot at, e.g. https://shuzhi.example.edu.cn, printed in the QR
# codes of the ballot cards. Empty: the address the organiser used when printing.
PUBLIC_BASE_URL = envstr("PUBLIC_BASE_URL", "").rstrip("/")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if BEHIND_PROXY else None
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Uploads --------------------------------------------------------------------------------
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000
# Uploaded files (evidence attachments): under MEDIA_ROOT, outside the static tree, never served by a URL
# of their own — only through the attachments app's download view, which asks the access layer. The
# backup archives MEDIA_ROOT with the database. MEDIA_URL is not used.
MEDIA_ROOT = Path(envstr("MEDIA_ROOT", "") or BASE_DIR / "var" / "media")
# Per evidence file (MB), and files per upload request.
ATTACHMENT_MAX_MB = envint("ATTACHMENT_MAX_MB", 20)
ATTACHMENT_MAX_FILES = envint("ATTACHMENT_MAX_FILES", 10)

# --- Language -------------------------------------------------------------------------------
# The interface is Chinese whatever language the browser asks for: the users and the documents are
# Chinese, and an English browser would otherwise get English labels around Chinese data.
# EXTRA_LANGUAGES (comma-separated codes, e.g. "en") turns others on; only then does LocaleMiddleware
# pick among them by the browser's Accept-Language.
LANGUAGE_CODE = "zh-hans"
EXTRA_LANGUAGES = envlist("EXTRA_LANGUAGES", [])
for _code in EXTRA_LANGUAGES:
    if _code not in LANG_INFO or _code == LANGUAGE_CODE or "fallback" in LANG_INFO[_code]:
        raise ImproperlyConfigured(
            f"EXTRA_LANGUAGES: {_code!r} is not one of Django's language codes (such as en or zh-hant)"
        )
LANGUAGES = [("zh-hans", "简体中文"), *((code, LANG_INFO[code]["name_local"]) for code in EXTRA_LANGUAGES)]
if not EXTRA_LANGUAGES:
    MIDDLEWARE.remove("django.middleware.locale.LocaleMiddleware")
LOCALE_PATHS = [BASE_DIR / "shuzhi" / "locale"]
TIME_ZONE = envstr("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "shuzhi" / "static"]
# "attachments": evidence files, under random names attachments/<yyyy>/<random> (shuzhi.attachments).
# FileSystemStorage under MEDIA_ROOT, readable by the server's user only; a deployment may put them
# elsewhere (object storage) by naming another Django storage backend in ATTACHMENT_STORAGE_BACKEND with
# its options as JSON in ATTACHMENT_STORAGE_OPTIONS: the code opens them only through this storage.
_ATTACHMENT_STORAGE_OPTIONS = json.loads(envstr("ATTACHMENT_STORAGE_OPTIONS", "") or "null") or {
    "file_permissions_mode": 0o600,
    "directory_permissions_mode": 0o700,
}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "attachments": {
        "BACKEND": envstr("ATTACHMENT_STORAGE_BACKEND", "") or "django.core.files.storage.FileSystemStorage",
        "OPTIONS": _ATTACHMENT_STORAGE_OPTIONS,
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
}

"""Settings for the test suite: the production settings with faster password hashing and
static files served from the source tree (no collectstatic step before tests)."""

import os

# Tests talk plain http to the test client and the live server.
os.environ.setdefault("HTTPS", "0")

from shuzhi.settings import *  # noqa: E402, F403
from shuzhi.settings import PASSWORD_HASHERS  # noqa: E402

HTTPS = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# Argon2 stays available (and is tested); MD5 first only to keep the suite fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

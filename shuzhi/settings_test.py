"""Settings for the test suite: the production settings with faster password hashing and
static files served from the source tree (no collectstatic step before tests)."""

import atexit
import os
import shutil
import tempfile

# Tests talk plain http to the test client and the live server.
os.environ.setdefault("HTTPS", "0")
# A fixed key of the suite's own, whatever the shell has: DEBUG stays off in tests (as in production),
# where the settings refuse to start without a key; the same key on every run keeps hashes reproducible.
TEST_SECRET_KEY = "shuzhi-test-suite-key-not-secret-0123456789-abcdefghijklmnop"  # noqa: S105 - the suite's
os.environ["SECRET_KEY"] = TEST_SECRET_KEY

from shuzhi.settings import *  # noqa: E402, F403
from shuzhi.settings import PASSWORD_HASHERS  # noqa: E402

HTTPS = False
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
# Argon2 stays available (and is tested); MD5 first only to keep the suite fast.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
# No MEDIA_ROOT of the checkout's own (the backup and restore tests set theirs); attachments go to a
# temporary folder of this test process (tests that look at the files give each test its own).
MEDIA_ROOT = ""
TEST_ATTACHMENTS_ROOT = tempfile.mkdtemp(prefix="shuzhi-test-attachments-")
atexit.register(shutil.rmtree, TEST_ATTACHMENTS_ROOT, True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": TEST_ATTACHMENTS_ROOT,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# A file, not SQLite's shared in-memory database: WAL mode and IMMEDIATE transactions then behave as
# in production, and concurrent-request tests see real locking (busy timeout) instead of shared-cache
# "table is locked" errors. pytest-django suffixes the name per xdist worker.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    (BASE_DIR / "var").mkdir(exist_ok=True)  # noqa: F405
    # The pid keeps two test runs on one machine apart.
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test-shuzhi-{os.getpid()}.sqlite3")}  # noqa: F405

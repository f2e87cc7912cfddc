"""Settings for the test suite: the real settings module, with test-only secrets and the
database chosen by ``TANDEM_TEST_DATABASE_URL`` (SQLite in memory when unset)."""

import os
import tempfile

os.environ.setdefault("TANDEM_ENV", "test")
os.environ.setdefault("TANDEM_SECRET_KEY", "test-only-secret-key-not-for-any-deployment-0123456789")
# Two fixed keys: the first encrypts, both decrypt (rotation tests swap them).
os.environ.setdefault(
    "TANDEM_FIELD_KEYS",
    "dGVzdC1rZXktbmV3ZXN0LTAwMDAwMDAwMDAwMDAwMDA=,dGVzdC1rZXktb2xkZXItMDAwMDAwMDAwMDAwMDAwMDA=",
)
os.environ.setdefault("TANDEM_DATA_DIR", tempfile.mkdtemp(prefix="tandem-test-"))
if os.environ.get("TANDEM_TEST_DATABASE_URL"):
    os.environ["TANDEM_DATABASE_URL"] = os.environ["TANDEM_TEST_DATABASE_URL"]

from tandem.settings import *  # noqa: F403
from tandem.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.testapp"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]

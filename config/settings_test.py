"""Settings for the test suite: fast hashing, mail kept in memory."""

from .settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
DEBUG = False
STORAGES = {  # noqa: F405
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
# The live server's thread must not keep its PostgreSQL connection between requests, or the
# test database cannot be dropped at the end of the run ("being accessed by other users").
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405

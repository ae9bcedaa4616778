"""Settings for the benchmark: kyodo's own, plus a bare view to compare against.

DEBUG stays off (as in production) so Django keeps no query log and templates are cached.
"""

from config.settings import *  # noqa: F403

DEBUG = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
ROOT_URLCONF = "bench.urls"
LOGGING = {"version": 1, "disable_existing_loggers": False}

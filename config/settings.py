"""Settings for kyodo, read from environment variables (see docs/configuration.md)."""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from whitenoise.compress import Compressor

BASE_DIR = Path(__file__).resolve().parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """Turn DATABASE_URL (postgres://user:pass@host:port/name or sqlite:///path) into a dict."""
    parts = urlsplit(url)
    if parts.scheme == "sqlite":
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": unquote(parts.path[1:] or ":memory:"),
        }
    if parts.scheme not in {"postgres", "postgresql"}:
        raise ValueError(f"DATABASE_URL: unsupported scheme {parts.scheme!r}")
    options = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": parts.hostname or "",
        "PORT": str(parts.port or ""),
        # Reusing connections matters: opening one per request made pages ~6x slower here.
        "CONN_MAX_AGE": env_int("DATABASE_CONN_MAX_AGE", 60),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": options,
    }


DJANGO_ENV = env_str("DJANGO_ENV", "development")
PRODUCTION = DJANGO_ENV == "production"

DEBUG = env_bool("DJANGO_DEBUG", not PRODUCTION)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("DJANGO_SECRET_KEY must be set in production")
    SECRET_KEY = "dev-only-insecure-key-kyodo-never-use-in-production-0123456789abcdef"
ALLOWED_HOSTS = env_list(
    "DJANGO_ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver"
)
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_htmx",
    "rules",
    "simple_history",
    # The layers, lowest first (docs/architecture.md): each app imports only those above it here.
    "kyodo",
    "partners",
    "projects",
    "selection",
    "evaluations",
    "stats",
    "public",
    "dashboard",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "kyodo.middleware.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

ROOT_URLCONF = "config.urls"
# Form widgets render through the project's templates, so templates/django/forms/ can
# replace Django's own (a faster <select>).
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "kyodo.context_processors.navigation",
            ],
        },
    },
]

VAR_DIR = Path(env_str("KYODO_VAR_DIR", str(BASE_DIR / "var")))
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": database_from_url(DATABASE_URL)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "kyodo.sqlite3",
            # WAL lets readers go on while one request writes.
            "OPTIONS": {
                "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
                "transaction_mode": "IMMEDIATE",
            },
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "kyodo.User"
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "dashboard"
LOGOUT_REDIRECT_URL = "login"
SESSION_COOKIE_AGE = env_int("KYODO_SESSION_AGE_SECONDS", 8 * 60 * 60)
SESSION_SAVE_EVERY_REQUEST = True  # expiry counts from the last request, not from log-in

LANGUAGE_CODE = "ja"
TIME_ZONE = "Asia/Tokyo"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = VAR_DIR / "staticfiles"
MEDIA_ROOT = VAR_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

# Outside production, serve straight from static/ without collectstatic.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
# The PDF font (static/fonts/, 7.8 MB) is read from disk by WeasyPrint, never sent to a
# browser: compressing it with brotli cost collectstatic over a minute for nothing.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "ttf"]

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

X_FRAME_OPTIONS = "DENY"
KYODO_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("DJANGO_HSTS_SECONDS", 60 * 60 * 24 * 365)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("DJANGO_HSTS_PRELOAD", False)
    if not SECURE_HSTS_PRELOAD:
        # Preloading binds every subdomain of the city's domain to HTTPS for good: a choice
        # for the city's network team (DJANGO_HSTS_PRELOAD=true), not a default to warn about.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]

EMAIL_BACKEND = env_str("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DJANGO_DEFAULT_FROM_EMAIL", "kyodo@localhost")
EMAIL_HOST = env_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("DJANGO_EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("DJANGO_EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("DJANGO_EMAIL_USE_TLS", False)
# Links in e-mails point here.
KYODO_BASE_URL = env_str("KYODO_BASE_URL", "http://127.0.0.1:8000")

# Lists show this many rows per page.
KYODO_PAGE_SIZE = env_int("KYODO_PAGE_SIZE", 25)
# The organisation shown in the header and in printed documents.
KYODO_CITY_NAME = env_str("KYODO_CITY_NAME", "茅ヶ崎市")
# Behind a reverse proxy (nginx), the client's address is read from X-Forwarded-For.
KYODO_BEHIND_PROXY = env_bool("KYODO_BEHIND_PROXY", PRODUCTION)
# The public questionnaire takes at most this many answers per address in the window.
KYODO_SURVEY_MAX_ANSWERS = env_int("KYODO_SURVEY_MAX_ANSWERS", 20)
KYODO_SURVEY_WINDOW_SECONDS = env_int("KYODO_SURVEY_WINDOW_SECONDS", 60 * 60)
# Largest file a user may attach (proposals and the like), in bytes.
KYODO_UPLOAD_MAX_BYTES = env_int("KYODO_UPLOAD_MAX_BYTES", 10 * 1024 * 1024)
# A score sheet posts a points box and a comment box per candidate and criterion: 30 criteria
# (the most a selection may have) by 40 candidates is 2,400 fields. Django's default (1,000)
# answered a large sheet with a bare 400 page, losing everything the reviewer typed.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
# Where `manage.py backup` writes when no --to is given (default: KYODO_VAR_DIR/backups).
KYODO_BACKUP_DIR = env_str("KYODO_BACKUP_DIR")
# A cache shared by every application server (redis://host:6379/1), for the questionnaire's
# flood limit; without it each gunicorn worker counts on its own (docs/deploy.md).
KYODO_CACHE_URL = env_str("KYODO_CACHE_URL")
if KYODO_CACHE_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": KYODO_CACHE_URL,
        }
    }
# An Excel list of past projects may hold at most this many rows (docs/import.md).
KYODO_IMPORT_MAX_ROWS = env_int("KYODO_IMPORT_MAX_ROWS", 2000)
# Log-in is refused for a username, or an address, that failed this many times within the
# last KYODO_LOGIN_LOCK_SECONDS (kyodo/login.py); a success or an admin's unlock resets it.
KYODO_LOGIN_MAX_FAILURES_PER_ACCOUNT = env_int("KYODO_LOGIN_MAX_FAILURES_PER_ACCOUNT", 5)
KYODO_LOGIN_MAX_FAILURES_PER_ADDRESS = env_int("KYODO_LOGIN_MAX_FAILURES_PER_ADDRESS", 20)
KYODO_LOGIN_LOCK_SECONDS = env_int("KYODO_LOGIN_LOCK_SECONDS", 15 * 60)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

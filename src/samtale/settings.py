"""One settings module; every knob is an environment variable with a default that suits the
embedded mode (SQLite on one machine). docs/operations.md lists them."""

import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(os.environ.get("SAMTALE_DATA_DIR", Path.cwd() / "var"))


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("SAMTALE_DEBUG")
SECRET_KEY = os.environ.get("SAMTALE_SECRET_KEY", "dev-only-not-secret-change-me-in-production")
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("SAMTALE_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver").split(",")
]
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("SAMTALE_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

# Development login (pick a demo citizen or caseworker). Only the run command turns it on.
DEV_LOGIN = env_bool("SAMTALE_DEV_LOGIN")
# The demo's realistic week for the workbench (300 citizens, full calendars): on by default for
# `samtale demo`/`samtale run`; the test suite turns it off except where it tests it (it takes a while).
DEMO_WEEK = os.environ.get("SAMTALE_DEMO_WEEK", "1") != "0"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    "ninja",  # serves /api/v1/docs' Swagger UI from our static files, not a CDN (issue 12)
    "samtale.core",
    "samtale.codes",
    "samtale.organisations",
    "samtale.citizens",
    "samtale.reporting",
    "samtale.scheduling",
    "samtale.bookings",
    "samtale.deadlines",
    "samtale.conversations",
    "samtale.messaging",
    "samtale.api",
    "samtale.portal",
    "samtale.workbench",
    "samtale.identity",
    "djangosaml2",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "samtale.core.security.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "samtale.core.inputguard.InputGuardMiddleware",
    # pagesonly: Django's and djangosaml2's own, passed over for the REST API (the module says why).
    "samtale.core.pagesonly.SessionMiddleware",
    "samtale.core.pagesonly.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "samtale.core.pagesonly.AuthenticationMiddleware",
    "samtale.identity.sessions.SessionTimeoutMiddleware",  # pages only too
    "samtale.core.pagesonly.SamlSessionMiddleware",
    "samtale.core.pagesonly.MessageMiddleware",
    "samtale.core.audit.AuditEndpointMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "samtale.api.idempotency.IdempotencyMiddleware",  # Idempotency-Key on API POST/PATCH (integ)
]

ROOT_URLCONF = "samtale.urls"
WSGI_APPLICATION = "samtale.wsgi.application"

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
                "samtale.core.context_processors.samtale",
                "samtale.identity.context_processors.session",
            ]
        },
    }
]

DATA_DIR_DEFAULT_DB = f"sqlite:///{DATA_DIR / 'samtale.sqlite3'}"
_DATABASE_URL = os.environ.get("DATABASE_URL", DATA_DIR_DEFAULT_DB)
# Persistent connections save a connection set-up per request on PostgreSQL (SQLite opens a file).
_CONN_MAX_AGE = int(
    os.environ.get("SAMTALE_DB_CONN_MAX_AGE", 0 if _DATABASE_URL.startswith("sqlite") else 60)
)
DATABASES = {
    "default": dj_database_url.parse(_DATABASE_URL, conn_max_age=_CONN_MAX_AGE, conn_health_checks=True)
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # The same backend, with a health check that reads the socket instead of sending SELECT 1 on
    # every request (samtale.core.postgresql; docs/operations.md, "Database connections").
    DATABASES["default"]["ENGINE"] = "samtale.core.postgresql"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The same backend, with a LIKE that folds æ, ø, å and every other letter's case, as PostgreSQL's
    # ILIKE does (samtale.core.sqlite).
    DATABASES["default"]["ENGINE"] = "samtale.core.sqlite"
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at BEGIN, so two
    # writers queue instead of failing with "database is locked" half-way through a transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
    }
    # ":memory:" by name, which is what an empty name means to Django: pytest-django recognises only
    # Django's own engine string as SQLite, and would otherwise give each xdist worker a file name.
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("SAMTALE_SQLITE_TEST_NAME") or ":memory:"}
# The booking path's hand-written statements as prepared statements on PostgreSQL (samtale.core.prepared);
# off behind a pooler in transaction mode (docs/operations.md, "Prepared statements").
SAMTALE_DB_PREPARED_STATEMENTS = env_bool("SAMTALE_DB_PREPARED_STATEMENTS", True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
]
LOGIN_URL = "core:login"

LANGUAGE_CODE = "da"
LANGUAGES = [("da", "Dansk"), ("en", "English")]
TIME_ZONE = "Europe/Copenhagen"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("SAMTALE_STATIC_ROOT", DATA_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
# Front-end packages installed by `npm ci` (scripts/run, scripts/test) and served as our own static
# files, never from a CDN: Det Fælles Designsystem (borger.dk theme) and htmx.
NODE_MODULES = Path(os.environ.get("SAMTALE_NODE_MODULES", BASE_DIR.parent.parent / "node_modules"))
STATICFILES_DIRS = [
    (prefix, NODE_MODULES / package / "dist")
    for prefix, package in (("dkfds", "dkfds"), ("htmx", "htmx.org"))
    if (NODE_MODULES / package / "dist").is_dir()
]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)

# Not on every request: the idle timeout (samtale.identity.sessions) saves the session when its
# last-activity stamp is a minute old, which also renews the stored session's expiry.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SAMTALE_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
CSRF_FAILURE_VIEW = "samtale.core.views.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_HSTS_SECONDS = int(os.environ.get("SAMTALE_HSTS_SECONDS", 31536000 if SESSION_COOKIE_SECURE else 0))
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy without inline script: samtale.core.security.DEFAULT_CSP unless SAMTALE_CSP is set.
CONTENT_SECURITY_POLICY = os.environ.get("SAMTALE_CSP")

TASKS = {
    "default": {
        "BACKEND": os.environ.get("SAMTALE_TASK_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

EMAIL_BACKEND = os.environ.get("SAMTALE_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = os.environ.get("SAMTALE_EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("SAMTALE_EMAIL_PORT", 25))
DEFAULT_FROM_EMAIL = os.environ.get("SAMTALE_EMAIL_FROM", "Jobcentret <noreply@samtale.local>")
EMAIL_HOST_USER = os.environ.get("SAMTALE_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("SAMTALE_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = env_bool("SAMTALE_EMAIL_USE_TLS")
EMAIL_TIMEOUT = float(os.environ.get("SAMTALE_EMAIL_TIMEOUT", 30))

# SMS and e-mail through the outbox (messaging app), delivered by `samtale worker`.
SMS_GATEWAY = os.environ.get("SAMTALE_SMS_GATEWAY", "console")  # console | http
SMS_URL = os.environ.get("SAMTALE_SMS_URL", "")
SMS_TOKEN = os.environ.get("SAMTALE_SMS_TOKEN", "")
SMS_TIMEOUT_SECONDS = float(os.environ.get("SAMTALE_SMS_TIMEOUT", 10))
SMS_CALLBACK_URL = os.environ.get("SAMTALE_SMS_CALLBACK_URL", "")
SMS_CALLBACK_SECRET = os.environ.get("SAMTALE_SMS_CALLBACK_SECRET", "")
MESSAGE_MAX_ATTEMPTS = int(os.environ.get("SAMTALE_MESSAGE_MAX_ATTEMPTS", 8))
MESSAGE_BACKOFF_SECONDS = float(os.environ.get("SAMTALE_MESSAGE_BACKOFF_SECONDS", 30))
MESSAGE_BACKOFF_MAX_SECONDS = float(os.environ.get("SAMTALE_MESSAGE_BACKOFF_MAX_SECONDS", 6 * 3600))
MESSAGE_LEASE_SECONDS = float(os.environ.get("SAMTALE_MESSAGE_LEASE_SECONDS", 120))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SAMTALE_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # Sign-in libraries log assertions (with the CPR), tokens and PKCE verifiers, djangosaml2
        # even at WARNING and ERROR: never in our logs. samtale.identity logs each outcome itself.
        "saml2": {"level": "CRITICAL"},
        "djangosaml2": {"level": "CRITICAL"},
        "authlib": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 100

# Idempotency-Key on API POST/PATCH (samtale.api.idempotency): how long a key is kept, and how long a
# concurrent duplicate waits for the first request before it gets 409 idempotency_key_in_use.
IDEMPOTENCY_KEY_HOURS = float(os.environ.get("SAMTALE_IDEMPOTENCY_KEY_HOURS", 24))
IDEMPOTENCY_WAIT_SECONDS = float(os.environ.get("SAMTALE_IDEMPOTENCY_WAIT_SECONDS", 10))


# --- Sign-in (samtale.identity): sessions, the development login's gate, SAML for citizens, OIDC
# for staff, OAuth2 client-credentials tokens for the API. docs/operations.md documents every knob.
PRODUCTION = env_bool("SAMTALE_PRODUCTION")
if PRODUCTION and DEV_LOGIN:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "SAMTALE_DEV_LOGIN=1 lets anyone sign in as anyone: it is refused with SAMTALE_PRODUCTION=1."
    )
SESSION_IDLE_SECONDS = {
    "citizen": int(
        os.environ.get("SAMTALE_SESSION_IDLE_CITIZEN", os.environ.get("SAMTALE_SESSION_SECONDS", 30 * 60))
    ),
    "caseworker": int(os.environ.get("SAMTALE_SESSION_IDLE_STAFF", 8 * 3600)),
}
SESSION_ABSOLUTE_SECONDS = {
    "citizen": int(os.environ.get("SAMTALE_SESSION_ABSOLUTE_CITIZEN", 4 * 3600)),
    "caseworker": int(os.environ.get("SAMTALE_SESSION_ABSOLUTE_STAFF", 12 * 3600)),
}
SESSION_WARNING_SECONDS = int(os.environ.get("SAMTALE_SESSION_WARNING_SECONDS", 120))
# The stored session outlives the longest idle time a little, so the middleware (which ends it by
# kind) is what ends it and can say why.
SESSION_COOKIE_AGE = max(SESSION_IDLE_SECONDS.values()) + 600

# Citizens: MitID through NemLog-in, SAML 2.0 (OIOSAML 3). On when the IdP's metadata and our key and
# certificate are given.
SAML_BASE_URL = os.environ.get("SAMTALE_SAML_BASE_URL", "").rstrip("/")
SAML_MIN_LOA = os.environ.get("SAMTALE_SAML_MIN_LOA", "Substantial")
_SAML_IDP_METADATA_FILE = os.environ.get("SAMTALE_SAML_IDP_METADATA_FILE", "")
_SAML_IDP_METADATA_URL = os.environ.get("SAMTALE_SAML_IDP_METADATA_URL", "")
_SAML_KEY_FILE = os.environ.get("SAMTALE_SAML_KEY_FILE", "")
_SAML_CERT_FILE = os.environ.get("SAMTALE_SAML_CERT_FILE", "")
SAML_ENABLED = bool(
    SAML_BASE_URL
    and (_SAML_IDP_METADATA_FILE or _SAML_IDP_METADATA_URL)
    and _SAML_KEY_FILE
    and _SAML_CERT_FILE
)
SAML_SESSION_COOKIE_NAME = "samtale_saml"
# NemLog-in posts the assertion from another site: the SAML state cookie must travel with that POST,
# which browsers allow only for SameSite=None on HTTPS.
SAML_SESSION_COOKIE_SAMESITE = "None" if SESSION_COOKIE_SECURE else "Lax"
LOGOUT_REDIRECT_URL = "/logget-ud/"
if SAML_ENABLED:
    from samtale.identity.saml_config import sp_config

    SAML_CONFIG = sp_config(
        base_url=SAML_BASE_URL,
        entity_id=os.environ.get("SAMTALE_SAML_ENTITY_ID", f"{SAML_BASE_URL}/saml2/metadata/"),
        key_file=_SAML_KEY_FILE,
        cert_file=_SAML_CERT_FILE,
        idp_metadata_file=_SAML_IDP_METADATA_FILE,
        idp_metadata_url=_SAML_IDP_METADATA_URL,
        encryption_key_file=os.environ.get("SAMTALE_SAML_ENCRYPTION_KEY_FILE", ""),
        encryption_cert_file=os.environ.get("SAMTALE_SAML_ENCRYPTION_CERT_FILE", ""),
        min_loa=SAML_MIN_LOA,
        xmlsec_binary=os.environ.get("SAMTALE_XMLSEC_BINARY", "/usr/bin/xmlsec1"),
    )

# Caseworkers and administrators: the municipality's OpenID Connect provider (authorization code + PKCE).
OIDC_ISSUER = os.environ.get("SAMTALE_OIDC_ISSUER", "").rstrip("/")
OIDC_DISCOVERY_URL = os.environ.get(
    "SAMTALE_OIDC_DISCOVERY_URL", f"{OIDC_ISSUER}/.well-known/openid-configuration" if OIDC_ISSUER else ""
)
OIDC_CLIENT_ID = os.environ.get("SAMTALE_OIDC_CLIENT_ID", "")
OIDC_CLIENT_SECRET = os.environ.get("SAMTALE_OIDC_CLIENT_SECRET", "")
OIDC_SCOPES = os.environ.get("SAMTALE_OIDC_SCOPES", "openid profile email")
OIDC_USER_CLAIM = os.environ.get("SAMTALE_OIDC_USER_CLAIM", "preferred_username")
OIDC_GROUPS_CLAIM = os.environ.get("SAMTALE_OIDC_GROUPS_CLAIM", "groups")
OIDC_JOBCENTER_GROUP_PREFIX = os.environ.get("SAMTALE_OIDC_JOBCENTER_GROUP_PREFIX", "jobcenter-")
OIDC_JOBCENTER_GROUPS = dict(  # "group=kommunekode,…" for providers whose groups are ids (Entra ID)
    pair.split("=", 1)
    for pair in os.environ.get("SAMTALE_OIDC_JOBCENTER_GROUPS", "").split(",")
    if "=" in pair
)
OIDC_ADMIN_GROUP = os.environ.get("SAMTALE_OIDC_ADMIN_GROUP", "samtale-admin")
OIDC_ENABLED = bool(OIDC_ISSUER and OIDC_CLIENT_ID)
# API machine clients: OAuth2 client-credentials access tokens (JWT) from that provider (or another).
OIDC_API_ISSUER = os.environ.get("SAMTALE_OIDC_API_ISSUER", OIDC_ISSUER).rstrip("/")
OIDC_API_DISCOVERY_URL = os.environ.get(
    "SAMTALE_OIDC_API_DISCOVERY_URL",
    f"{OIDC_API_ISSUER}/.well-known/openid-configuration" if OIDC_API_ISSUER else "",
)
OIDC_API_AUDIENCE = os.environ.get("SAMTALE_OIDC_API_AUDIENCE", "")
OIDC_API_ROLE_CLAIM = os.environ.get("SAMTALE_OIDC_API_ROLE_CLAIM", "samtale_role")
OIDC_API_ORGANISATION_CLAIM = os.environ.get("SAMTALE_OIDC_API_ORGANISATION_CLAIM", "samtale_organisation")
OIDC_API_ENABLED = bool(OIDC_API_ISSUER and OIDC_API_AUDIENCE)

# Webhooks (samtale.reporting.webhooks), pushed by `samtale worker`.
WEBHOOK_BATCH_SIZE = int(os.environ.get("SAMTALE_WEBHOOK_BATCH_SIZE", 50))
WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("SAMTALE_WEBHOOK_TIMEOUT", 10))
WEBHOOK_LEASE_SECONDS = float(os.environ.get("SAMTALE_WEBHOOK_LEASE_SECONDS", 60))
WEBHOOK_BACKOFF_SECONDS = float(os.environ.get("SAMTALE_WEBHOOK_BACKOFF_SECONDS", 5))
WEBHOOK_BACKOFF_MAX_SECONDS = float(os.environ.get("SAMTALE_WEBHOOK_BACKOFF_MAX_SECONDS", 3600))
WEBHOOK_PAUSE_AFTER_SECONDS = float(os.environ.get("SAMTALE_WEBHOOK_PAUSE_AFTER_SECONDS", 3 * 24 * 3600))
WEBHOOK_LOG_DAYS = int(os.environ.get("SAMTALE_WEBHOOK_LOG_DAYS", 30))

# --- Hardening (issue 12): request limits ------------------------------------------------------
# A request body over this many bytes is refused with 413 (samtale.core.inputguard).
SAMTALE_MAX_BODY_BYTES = int(os.environ.get("SAMTALE_MAX_BODY_BYTES", 1024 * 1024))
DATA_UPLOAD_MAX_MEMORY_SIZE = SAMTALE_MAX_BODY_BYTES

# --- Hardening (issue 12): production mode ------------------------------------------------------
# Behind the municipality's TLS proxy Django sees plain HTTP; the proxy's X-Forwarded-Proto tells
# it the request was HTTPS (so HSTS is sent and secure cookies work). Set only when the proxy
# always sets (overwrites) that header.
_PROXY_SSL_HEADER = os.environ.get("SAMTALE_PROXY_SSL_HEADER", "").strip()
if _PROXY_SSL_HEADER:
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _PROXY_SSL_HEADER.upper().replace("-", "_"), "https")
DEV_SECRET_KEY = "dev-only-not-secret-change-me-in-production"
if PRODUCTION:  # (the sign-in block above already refuses SAMTALE_DEV_LOGIN)
    from django.core.exceptions import ImproperlyConfigured

    if DEBUG:
        raise ImproperlyConfigured("SAMTALE_PRODUCTION=1 med SAMTALE_DEBUG slået til: starter ikke.")
    if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SAMTALE_PRODUCTION=1 kræver en hemmelig SAMTALE_SECRET_KEY på mindst 50 tegn: starter ikke."
        )
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = env_bool("SAMTALE_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("SAMTALE_HSTS_SECONDS", 31536000))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SAMTALE_HSTS_INCLUDE_SUBDOMAINS", True)
    SECURE_HSTS_PRELOAD = env_bool("SAMTALE_HSTS_PRELOAD", True)

# --- Hardening (issue 12): cache and throttling -------------------------------------------------
# The throttles (samtale.core.throttle) count in Django's cache. The database cache by default, so
# every process of one installation shares the counts without another service (its table is made
# by `samtale migrate`); Redis when SAMTALE_CACHE_URL=redis://… is set.
_CACHE_URL = os.environ.get("SAMTALE_CACHE_URL", "").strip()
if _CACHE_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _CACHE_URL}}
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "samtale_cache"}
    }
SAMTALE_THROTTLE_WINDOW_SECONDS = int(os.environ.get("SAMTALE_THROTTLE_WINDOW_SECONDS", 60))
SAMTALE_TOKEN_FAILURES_PER_IP = int(os.environ.get("SAMTALE_TOKEN_FAILURES_PER_IP", 20))
SAMTALE_BOOKING_ATTEMPTS_PER_CITIZEN = int(os.environ.get("SAMTALE_BOOKING_ATTEMPTS_PER_CITIZEN", 30))
# API tokens expire after this many days unless `samtale token create --days N` says otherwise.
SAMTALE_TOKEN_DAYS = int(os.environ.get("SAMTALE_TOKEN_DAYS", 90))
# samtale run: objects allocated between two collections of the youngest generation (Python's default
# is 700; samtale.core.management.commands.run.settle_garbage_collector).
SAMTALE_GC_THRESHOLD = int(os.environ.get("SAMTALE_GC_THRESHOLD", 50_000))
# A live API token's look-up is kept this long per server process (0: off). The revocation delay: a
# token revoked in another process is still accepted here for at most this long (organisations.token_cache).
SAMTALE_TOKEN_CACHE_SECONDS = float(os.environ.get("SAMTALE_TOKEN_CACHE_SECONDS", 5))

# --- Hardening (issue 12): login lockout (django-axes) ------------------------------------------
# Password logins (the Django admin) are locked for a user name from an address after
# SAMTALE_LOGIN_FAILURES failures, for SAMTALE_LOGIN_COOLOFF_MINUTES. Sign-in through MitID/OIDC
# (samtale.identity) does not use passwords and is not affected.
INSTALLED_APPS += ["axes"]
MIDDLEWARE += ["axes.middleware.AxesMiddleware"]
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_ENABLED = env_bool("SAMTALE_LOGIN_LOCKOUT", True)
AXES_FAILURE_LIMIT = int(os.environ.get("SAMTALE_LOGIN_FAILURES", 5))
AXES_COOLOFF_TIME = int(os.environ.get("SAMTALE_LOGIN_COOLOFF_MINUTES", 15)) / 60  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False

"""Settings shared by every environment. Everything that differs per machine
comes from the environment, never from this file."""

import os
from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(os.environ.get("SAMEN_DATA_DIR", Path.cwd() / "var")).resolve()


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = os.environ.get("SECRET_KEY", "")
# The key that authenticates audit events and checkpoints (HMAC-SHA256, ADR 0009). It must
# not be stored in the database; production refuses to start without it.
SAMEN_AUDIT_KEY = os.environ.get("SAMEN_AUDIT_KEY", "")
# Signed checkpoints of the audit chain's head are appended here, outside the database.
SAMEN_AUDIT_CHECKPOINT_DIR = Path(
    os.environ.get("SAMEN_AUDIT_CHECKPOINT_DIR", DATA_DIR / "audit-checkpoints")
)
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'samen.sqlite3'}",
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if DATABASES["default"]["NAME"] not in ("", ":memory:"):
        Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    # Wait for a writer instead of failing at once; WAL lets readers work meanwhile.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "samen.core",
    "samen.plan",
    "samen.accounts",
    "samen.reporting",
    "samen.notifications",
    # budget and parliament (issue 6): funding, allocations, spending; motions
    "samen.budget",
    "samen.parliament",
    "samen.impact",
    "samen.indicators",  # issue 14
    "samen.api",
    # progress report, public portal and background tasks
    "django_tasks",
    "django_tasks_db",
    "samen.documents",
    "samen.portal",
    # learning between partners (issue 15)
    "samen.learning",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost, so that every API answer carries the version, the boundary's too.
    "samen.api.middleware.ApiVersionMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "samen.core.middleware.LanguageMiddleware",
    # The input boundary for text (core/text.py): before anything reads the request.
    "samen.core.middleware.InputBoundaryMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "samen.core.middleware.SecurityHeadersMiddleware",
]

ROOT_URLCONF = "samen.urls"
WSGI_APPLICATION = "samen.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "samen.core.context_processors.site",
            ],
            "builtins": ["samen.core.templatetags.samen"],
        },
    }
]

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"  # the home page has a block for every role
LOGOUT_REDIRECT_URL = "home"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    # Axes first: it refuses a locked-out username/address before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Login attempts are rate-limited per username and address (django-axes).
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("AXES_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "samen.accounts.lockout.lockout_response"
AXES_VERBOSE = False
# The client's address: REMOTE_ADDR, or, when that is one of these proxies (addresses or
# networks, e.g. "10.0.0.5,10.1.0.0/16"), the nearest address in X-Forwarded-For that is
# not one of them. Without this, everyone behind the proxy would share one address.
SAMEN_TRUSTED_PROXIES = env_list("SAMEN_TRUSTED_PROXIES")
AXES_CLIENT_IP_CALLABLE = "samen.accounts.lockout.client_ip"

# API tokens expire (days) and are limited per user.
SAMEN_API_TOKEN_DAYS = int(os.environ.get("SAMEN_API_TOKEN_DAYS", "90"))
SAMEN_API_TOKENS_PER_USER = int(os.environ.get("SAMEN_API_TOKENS_PER_USER", "10"))
# Rate limits of the e-mail flows: requests per hour per client address and per account.
SAMEN_MAIL_LIMIT_PER_ADDRESS = int(os.environ.get("SAMEN_MAIL_LIMIT_PER_ADDRESS", "10"))
SAMEN_MAIL_LIMIT_PER_ACCOUNT = int(os.environ.get("SAMEN_MAIL_LIMIT_PER_ACCOUNT", "3"))
PASSWORD_RESET_TIMEOUT = int(os.environ.get("PASSWORD_RESET_TIMEOUT", str(60 * 60)))

# OpenID Connect, for partners that bring their own identity provider: switched on
# when OIDC_RP_CLIENT_ID is set (see docs/operations.md).
OIDC_ENABLED = bool(os.environ.get("OIDC_RP_CLIENT_ID"))
if OIDC_ENABLED:
    INSTALLED_APPS.append("mozilla_django_oidc")
    AUTHENTICATION_BACKENDS.append("samen.accounts.oidc.OrganisationOIDCBackend")
    OIDC_RP_CLIENT_ID = os.environ["OIDC_RP_CLIENT_ID"]
    OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
    OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
    OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
    OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
    OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
    OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
    OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid email profile")
    # The claim that names the user's organisation (its code in samen).
    SAMEN_OIDC_ORGANISATION_CLAIM = os.environ.get("SAMEN_OIDC_ORGANISATION_CLAIM", "organisation")

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "nl"
LANGUAGES = [("nl", _("Dutch")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "samen_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/Amsterdam"
USE_I18N = True
FORMAT_MODULE_PATH = ["samen.formats"]

# SQLite cannot hold impact.Registration's "one row per cell" constraint (NULL means
# "total" there, so NULLs must not be distinct); PostgreSQL, the production database,
# enforces it, and on SQLite the registrations' write service keeps one row per cell.
SILENCED_SYSTEM_CHECKS = ["models.W047"]
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", DATA_DIR / "static"))
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", DATA_DIR / "media"))

# Uploads are bounded: a spreadsheet of a plan is well under this.
SAMEN_MAX_UPLOAD_BYTES = int(os.environ.get("SAMEN_MAX_UPLOAD_BYTES", str(10 * 1024 * 1024)))
DATA_UPLOAD_MAX_MEMORY_SIZE = SAMEN_MAX_UPLOAD_BYTES
FILE_UPLOAD_MAX_MEMORY_SIZE = SAMEN_MAX_UPLOAD_BYTES
# A file over the limit reaches the view cut to limit + 1 bytes, so forms can say so.
FILE_UPLOAD_HANDLERS = [
    "samen.core.uploads.CappedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
# Imported files are parsed in a child process under these ceilings (samen.core.safeload,
# docs/operations.md): wall-clock seconds and address space in MB. SAMEN_IMPORT_LIMITS
# (a dict of safeload.Limits fields) narrows or widens the other bounds.
SAMEN_IMPORT_SANDBOX = env_bool("SAMEN_IMPORT_SANDBOX", True)
SAMEN_IMPORT_SECONDS = float(os.environ.get("SAMEN_IMPORT_SECONDS", "30"))
SAMEN_IMPORT_MEMORY_MB = int(os.environ.get("SAMEN_IMPORT_MEMORY_MB", "512"))
SAMEN_IMPORT_LIMITS: dict = {}

SAMEN_API_VERSION = "1.0.0"
# Public outputs suppress counts below this threshold (see QUALITY.md, privacy).
SAMEN_SUPPRESSION_THRESHOLD = int(os.environ.get("SAMEN_SUPPRESSION_THRESHOLD", "10"))
SAMEN_CONTACT = {
    "name": os.environ.get("SAMEN_CONTACT_NAME", "Programmateam Samen tegen mensenhandel"),
    "email": os.environ.get("SAMEN_CONTACT_EMAIL", "samen@example.org"),
    "url": os.environ.get("SAMEN_CONTACT_URL", "https://github.com/samen-platform/samen"),
}

# Background tasks (the django-tasks backport of Django 6's tasks framework) queue in
# the database. `samen serve` runs a worker thread in each server process unless
# SAMEN_TASK_WORKER is false (then run `samen db_worker` beside it); see ADR 0006.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
SAMEN_TASK_WORKER = env_bool("SAMEN_TASK_WORKER", True)
# Extra sections of the progress report: dotted paths of functions that take the report
# context and return a list of samen.documents.context.Section (e.g. budget and motions).
# A `source(round, layer)` function beside one says what its sections are made of; it is
# part of a stored report's fingerprint, so a changed budget or motion makes the file anew.
SAMEN_REPORT_SECTIONS: list[str] = [
    "samen.budget.report.sections",
    "samen.parliament.report.sections",
    "samen.impact.report.sections",
    "samen.indicators.report.sections",
]

# Blocks on the home page of a signed-in person: dotted paths of functions that take
# the request and return a list of samen.core.home.Panel (see that module).
SAMEN_HOME_PANELS: list[str] = [
    "samen.reporting.home.panels",
    "samen.impact.home.panels",
]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(60 * 60 * 8)))
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# E-mail: Django's console backend by default; SMTP when EMAIL_HOST is set.
EMAIL_HOST = os.environ.get("EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend",
)
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "samen@example.org")
SAMEN_BASE_URL = os.environ.get("SAMEN_BASE_URL", "http://127.0.0.1:8000")
# Each action's reported progress on the plan's pages comes from the reporting app.
SAMEN_ACTION_PROGRESS = "samen.reporting.progress"
# The daily notification digest goes out from this local hour on (samen send-digests).
SAMEN_DIGEST_HOUR = int(os.environ.get("SAMEN_DIGEST_HOUR", "7"))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}

"""Production: everything secure by default; `samen check --deploy` passes.

These are the settings of every `samen` command unless DJANGO_SETTINGS_MODULE says
otherwise, so that a plain `samen serve` never runs with DEBUG or a public key."""

import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import env_bool

PUBLIC_KEY_PREFIXES = ("dev-only-not-secret", "test-only-not-secret", "django-insecure")


def _require_secret(name: str, value: str, minimum: int) -> None:
    """Refuse to start with a missing, short, repetitive or published key."""
    if not value:
        raise ImproperlyConfigured(
            f"{name} must be set in the environment for production "
            f"(a random string of at least {minimum} characters)."
        )
    if len(value) < minimum or len(set(value)) < 5 or value.startswith(PUBLIC_KEY_PREFIXES):
        raise ImproperlyConfigured(
            f"{name} is not a real secret: use a random string of at least {minimum} "
            "characters, e.g. from `python -c 'import secrets; print(secrets.token_urlsafe(50))'`."
        )


DEBUG = False
_require_secret("SECRET_KEY", SECRET_KEY, 50)  # noqa: F405
_require_secret("SAMEN_AUDIT_KEY", SAMEN_AUDIT_KEY, 32)  # noqa: F405
if SAMEN_AUDIT_KEY == SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured("SAMEN_AUDIT_KEY must differ from SECRET_KEY.")

SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(60 * 60 * 24 * 365)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True

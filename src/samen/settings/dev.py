"""Local use: `make run` (which chooses these settings explicitly). Served by the same
production-grade server as production, but over plain HTTP on localhost, with DEBUG on
and, unless the environment gives them, keys that are public and only for development."""

import hashlib

from .base import *  # noqa: F403
from .base import env_bool

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-not-secret-" + "x" * 40  # noqa: F405
SAMEN_AUDIT_KEY = SAMEN_AUDIT_KEY or (  # noqa: F405
    hashlib.sha256(f"samen audit key from {SECRET_KEY}".encode()).hexdigest()
)

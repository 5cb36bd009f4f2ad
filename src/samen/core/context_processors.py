from django.conf import settings
from django.http import HttpRequest

from samen.accounts import access


def site(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    return {
        "SAMEN_CONTACT": settings.SAMEN_CONTACT,
        "oidc_enabled": settings.OIDC_ENABLED,
        "is_programme": access.is_programme(user),
        "has_role": bool(access.role(user)),
        "has_tasks": access.role(user) in ("programme", "holder", "involved"),
    }

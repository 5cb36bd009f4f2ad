"""OpenID Connect login for partners with their own identity provider.

Switched on by OIDC_RP_CLIENT_ID (see settings). A new user gets the
organisation named in the configured claim and the viewer role; the programme
team raises the role when needed. A claim naming an unknown organisation
creates no account.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from samen.plan.models import Organisation

from .models import User


def organisation_from_claims(claims: dict[str, Any]) -> Organisation | None:
    code = claims.get(getattr(settings, "SAMEN_OIDC_ORGANISATION_CLAIM", "organisation"))
    if not code:
        return None
    return Organisation.objects.filter(code=str(code)).first()


class OrganisationOIDCBackend(OIDCAuthenticationBackend):
    def verify_claims(self, claims: dict[str, Any]) -> bool:
        return super().verify_claims(claims) and organisation_from_claims(claims) is not None

    def create_user(self, claims: dict[str, Any]) -> User:
        user = super().create_user(claims)
        user.organisation = organisation_from_claims(claims)
        user.role = User.Role.VIEWER
        user.first_name = claims.get("given_name", "")[:150]
        user.last_name = claims.get("family_name", "")[:150]
        user.save(update_fields=["organisation", "role", "first_name", "last_name"])
        return user

    def update_user(self, user: User, claims: dict[str, Any]) -> User:
        organisation = organisation_from_claims(claims)
        if organisation and user.organisation_id != organisation.pk:
            # Moving to another organisation drops any rights held in the old one.
            user.organisation = organisation
            user.role = User.Role.VIEWER
            user.save(update_fields=["organisation", "role"])
        return user

"""Bearer tokens for the API: issue with username and password, revoke."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth import authenticate
from django.http import Http404, HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Path, Router, Schema, Status
from ninja.security import HttpBearer

from samen.accounts import services
from samen.accounts.models import ApiToken
from samen.core.errors import Invalid

from .base import MAX_ID, ApiProblem, Body, Problem

router = Router(tags=["tokens"])

# Writing last_used_at on every call would make every read a write; once a
# minute is enough to see which tokens are in use.
LAST_USED_RESOLUTION = dt.timedelta(minutes=1)


class BearerToken(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str) -> Any:
        found = (
            ApiToken.objects.active()
            .select_related("user", "user__organisation")
            .filter(key_hash=ApiToken.hash(token))
            .first()
        )
        if found is None:
            return None
        now = timezone.now()
        if found.last_used_at is None or now - found.last_used_at > LAST_USED_RESOLUTION:
            ApiToken.objects.filter(pk=found.pk).update(last_used_at=now)
        request.user = found.user
        request.api_token = found  # type: ignore[attr-defined]
        return found.user


bearer = BearerToken()


class TokenRequest(Body):
    username: str = Field(..., max_length=150)
    password: str = Field(..., max_length=4096)
    name: str = Field("", max_length=100)


class TokenOut(Schema):
    id: int
    name: str
    hint: str
    createdAt: dt.datetime
    lastUsedAt: dt.datetime | None
    revokedAt: dt.datetime | None
    expiresAt: dt.datetime = Field(
        ..., description="The token stops working then (SAMEN_API_TOKEN_DAYS after it was made)."
    )


class NewToken(TokenOut):
    token: str


class TokenList(Schema):
    count: int
    results: list[TokenOut]


def token_out(t: ApiToken) -> dict[str, Any]:
    return {
        "id": t.pk,
        "name": t.name,
        "hint": t.hint,
        "createdAt": t.created_at,
        "lastUsedAt": t.last_used_at,
        "revokedAt": t.revoked_at,
        "expiresAt": t.expires_at,
    }


@router.post(
    "/tokens",
    response={201: NewToken, 401: Problem, 409: Problem, 429: Problem},
    summary="Get a bearer token with username and password",
)
def create_token(request: HttpRequest, body: TokenRequest) -> Status[dict[str, Any]]:
    """The token is shown only in this response; store it safely. It expires after
    SAMEN_API_TOKEN_DAYS (90) days and is revoked when the password changes; an account
    holds at most SAMEN_API_TOKENS_PER_USER (10) active tokens (409 beyond). Failed
    attempts count towards the login rate limit."""
    user = authenticate(request, username=body.username, password=body.password)
    if getattr(request, "axes_locked_out", False):
        raise ApiProblem(
            429,
            _("Too many attempts"),
            _("Too many failed logins for this name from this address; try again later."),
        )
    if user is None or not user.is_active:
        raise ApiProblem(401, _("Not authenticated"), _("Unknown username or wrong password."))
    try:
        token, key = services.issue_token(user, body.name)
    except Invalid as exc:
        raise ApiProblem(409, _("Too many tokens"), "; ".join(exc.errors.values())) from exc
    return Status(201, {**token_out(token), "token": key})


@router.get("/tokens", response=TokenList, auth=bearer, summary="Your tokens")
def list_tokens(request: HttpRequest) -> dict[str, Any]:
    tokens = ApiToken.objects.filter(user=request.user)
    return {"count": tokens.count(), "results": [token_out(t) for t in tokens]}


@router.delete(
    "/tokens/{token_id}", response={204: None}, auth=bearer, summary="Revoke one of your tokens"
)
def revoke_token(
    request: HttpRequest,
    token_id: int = Path(..., ge=1, le=MAX_ID),  # type: ignore[type-arg]
) -> Status[None]:
    try:
        services.revoke_token(request.user, token_id)
    except ApiToken.DoesNotExist as exc:
        raise Http404(_("No token %(id)s of yours.") % {"id": token_id}) from exc
    return Status(204, None)

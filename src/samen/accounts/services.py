"""Writes about accounts: API tokens, passwords, login lockouts, rate limits. Each write
runs in one transaction and leaves an audit event (never a password or a token)."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from samen.core import audit
from samen.core.errors import Invalid

from . import access
from .access import Denied
from .models import ApiToken, Throttle, User

# --- rate limits ------------------------------------------------------------------------------


def allow(scope: str, who: str, limit: int, window: dt.timedelta = dt.timedelta(hours=1)) -> bool:
    """Count one request of `who` (an address, an e-mail address, a user id) for `scope`;
    False once `limit` requests fell within `window` (then nothing is counted).
    Stored in the database, so the limit holds across server processes."""
    key = hashlib.sha256(f"{scope}:{who}".encode()).hexdigest()
    since = timezone.now() - window
    with transaction.atomic():
        Throttle.objects.filter(scope=scope, at__lt=timezone.now() - dt.timedelta(days=1)).delete()
        if Throttle.objects.filter(scope=scope, key=key, at__gte=since).count() >= limit:
            return False
        Throttle.objects.create(scope=scope, key=key)
    return True


def mail_allowed(scope: str, address: str, account: str) -> bool:
    """The rate limit of every e-mail flow (reset, unlock): per client address and per
    account (e-mail address or username), per hour."""
    return allow(f"{scope}:ip", address, settings.SAMEN_MAIL_LIMIT_PER_ADDRESS) and allow(
        f"{scope}:account", account.lower(), settings.SAMEN_MAIL_LIMIT_PER_ACCOUNT
    )


# --- API tokens ---------------------------------------------------------------------------------


def token_state(token: ApiToken) -> dict[str, Any]:
    return {
        "name": token.name,
        "hint": token.hint,
        "expires_at": token.expires_at,
        "revoked_at": token.revoked_at,
    }


def issue_token(user: Any, name: str = "") -> tuple[ApiToken, str]:
    """A new bearer token for `user`, returned once with its key. Refuses (Invalid) when
    the user already holds SAMEN_API_TOKENS_PER_USER active tokens."""
    if not access.role(user):
        raise Denied(_("Only an active account gets API tokens."))
    limit = settings.SAMEN_API_TOKENS_PER_USER
    with transaction.atomic():
        User.objects.select_for_update().filter(pk=user.pk).first()  # one issuer at a time
        if ApiToken.objects.active().filter(user=user).count() >= limit:
            raise Invalid(
                {
                    "name": ngettext(
                        "You already have %(count)s active token; revoke one first.",
                        "You already have %(count)s active tokens; revoke one first.",
                        limit,
                    )
                    % {"count": limit}
                }
            )
        token, key = ApiToken.issue(user, name.strip())
        audit.record(actor=user, kind="create", obj=token, after=token_state(token))
    return token, key


def revoke_token(user: Any, token_id: int) -> ApiToken:
    """Revoke one of `user`'s own tokens (idempotent). ApiToken.DoesNotExist for a token
    that is not theirs."""
    with transaction.atomic():
        token = ApiToken.objects.select_for_update().get(pk=token_id, user_id=user.pk)
        if token.revoked_at is None:
            before = token_state(token)
            token.revoked_at = timezone.now()
            token.save(update_fields=["revoked_at"])
            audit.record(
                actor=user,
                kind="update",
                obj=token,
                verb="revoke",
                before=before,
                after=token_state(token),
            )
    return token


def record_password_change(user: Any, via: str) -> None:
    """Audit a password change (`via`: "change" or "reset"); the model has revoked the
    account's tokens already (User.save)."""
    with transaction.atomic():
        audit.record(
            actor=user if via == "change" else None,
            kind="action",
            obj=user,
            verb=f"password-{via}",
            after={"tokens_revoked": True},
        )


# --- lockouts -------------------------------------------------------------------------------------


def locked_out() -> list[dict[str, Any]]:
    """Current lockouts: username, number of failures, latest attempt (no addresses:
    the programme team needs to know who, not from where)."""
    from axes.models import AccessAttempt
    from django.db.models import Max, Sum

    cooloff = dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    rows = (
        AccessAttempt.objects.filter(attempt_time__gte=timezone.now() - cooloff)
        .values("username")
        .annotate(failures=Sum("failures_since_start"), latest=Max("attempt_time"))
        .filter(failures__gte=settings.AXES_FAILURE_LIMIT)
        .order_by("username")
    )
    return list(rows)


def unlock(actor: Any, username: str, via: str) -> int:
    """Lift every lockout of `username` (all addresses). `via`: "programme" (the
    programme team; needs access.can_unlock_logins) or "e-mail" (the user's own link).
    Returns the number of attempt records removed."""
    from axes.utils import reset

    if via == "programme" and not access.can_unlock_logins(actor):
        raise Denied(_("Only the programme team unlocks accounts."))
    with transaction.atomic():
        removed = reset(username=username)
        user = User.objects.filter(username=username).first()
        audit.record(
            actor=actor,
            kind="action",
            obj=user,
            object_type="accounts.user",
            object_id=str(user.pk) if user else username,
            object_repr=username,
            verb="unlock",
            after={"via": via, "attempts_removed": removed},
        )
    return removed


def send_unlock_link(request: Any, username: str) -> None:
    """E-mail `username`'s owner a link that lifts their lockout. Says nothing about
    whether the account exists; rate-limited per address and per username (the caller
    checks `mail_allowed`)."""
    from django.urls import reverse

    from .lockout import unlock_token

    user = User.objects.filter(username=username, is_active=True).exclude(email="").first()
    if user is None:
        return
    link = settings.SAMEN_BASE_URL.rstrip("/") + reverse(
        "unlock-confirm", args=[unlock_token(user.username)]
    )
    send_mail(
        _("Unlock your samen account"),
        _(
            "Someone, perhaps you, asked to lift the block on logging in as %(username)s "
            "after several wrong passwords.\n\nFollow this link within an hour to lift it:\n"
            "%(link)s\n\nIf it was not you, ignore this message; consider changing your "
            "password."
        )
        % {"username": user.username, "link": link},
        None,
        [user.email],
    )

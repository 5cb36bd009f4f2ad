"""Login lockout (django-axes): who the client is, what a locked-out attempt gets back,
and the two ways out: the programme team unlocks, or the user follows a link by e-mail.

Axes counts failed logins per username *and* client address (AXES_LOCKOUT_PARAMETERS),
so a stranger who types wrong passwords for `programma` locks only their own address
out, never the real user behind another address. That holds behind a TLS proxy only
when the proxy's address is listed in SAMEN_TRUSTED_PROXIES: then the client's address
comes from X-Forwarded-For, which is believed only when a trusted proxy sent it.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from django.conf import settings
from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

UNLOCK_SALT = "samen.accounts.unlock"


def _networks() -> list[Any]:
    networks = []
    for item in settings.SAMEN_TRUSTED_PROXIES:
        try:
            networks.append(ipaddress.ip_network(item, strict=False))
        except ValueError:
            continue  # a typo in the setting trusts nothing extra
    return networks


def _trusted(address: str, networks: list[Any]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)


def client_ip(request: HttpRequest) -> str:
    """The address of the client. X-Forwarded-For is read only when the connection
    comes from a trusted proxy, from the right (the entry our proxy added) leftwards,
    skipping trusted proxies: the first other address is the client. A client cannot
    forge its way in by sending its own X-Forwarded-For, because the entries left of
    the first untrusted address are never read."""
    remote = request.META.get("REMOTE_ADDR", "") or ""
    networks = _networks()
    if not networks or not _trusted(remote, networks):
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    hops = [h.strip() for h in forwarded.split(",") if h.strip()]
    for hop in reversed(hops):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return remote  # a malformed chain: believe only the connection
        if not _trusted(hop, networks):
            return hop
    return hops[0] if hops else remote


def unlock_token(username: str) -> str:
    """A signed, expiring token that unlocks `username` (sent to its owner by e-mail)."""
    return signing.dumps({"u": username}, salt=UNLOCK_SALT, compress=True)


def username_from_unlock_token(token: str, max_age: int) -> str | None:
    try:
        return str(signing.loads(token, salt=UNLOCK_SALT, max_age=max_age)["u"])
    except (signing.BadSignature, KeyError, TypeError):
        return None


def lockout_response(
    request: HttpRequest, original_response: Any = None, credentials: Any = None
) -> HttpResponse:
    if request.path.startswith("/api/"):
        from samen.api.base import problem_response

        return problem_response(
            request,
            429,
            _("Too many attempts"),
            _("Too many failed logins for this name from this address; try again later."),
        )
    from .forms import UnlockRequestForm

    return render(
        request, "accounts/locked_out.html", {"unlock_form": UnlockRequestForm()}, status=429
    )

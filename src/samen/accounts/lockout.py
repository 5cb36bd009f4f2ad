"""What a locked-out login attempt gets back (django-axes AXES_LOCKOUT_CALLABLE):
a problem response for the API, the explanatory page for people."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _


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
    return render(request, "accounts/locked_out.html", status=429)

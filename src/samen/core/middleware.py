from collections.abc import Callable
from typing import Any

from django.http import HttpRequest, HttpResponse

# Scripts and styles come only from our own static files; htmx needs no eval.
CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)


class SecurityHeadersMiddleware:
    """Content-Security-Policy and friends on every HTML response."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=()"
        )
        return response


class LanguageMiddleware:
    """Dutch unless the visitor chose otherwise (the language cookie).

    The browser's Accept-Language is deliberately ignored for pages: this is a
    Dutch government service, and a civil servant with an English browser
    should still see it in Dutch. The API does honour Accept-Language.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.utils import translation

        supported = {code for code, _name in settings.LANGUAGES}
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in supported:
            language = settings.LANGUAGE_CODE
            if request.path.startswith("/api/"):
                language = translation.get_language_from_request(request)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        patch_vary = response.headers.get("Vary", "")
        if "Cookie" not in patch_vary:
            response.headers["Vary"] = f"{patch_vary}, Cookie" if patch_vary else "Cookie"
        translation.deactivate()
        return response


class InputBoundaryMiddleware:
    """The input boundary for web forms, query strings and paths (see core.text).

    Normalises pasted layout characters in query strings and form fields, and refuses a
    request holding a character that cannot be stored (400, naming the field) before any
    view or the database sees it. Also answers an over-large body with 413 and a body
    that cannot be parsed (e.g. multipart without a boundary) with 400, for pages and the
    API alike. JSON bodies of the API are checked by its parser (api.base.BoundaryParser).
    """

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.conf import settings
        from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
        from django.http.multipartparser import MultiPartParserError
        from django.utils.translation import gettext as _

        from .text import UnsafeText, clean_text

        try:
            clean_text(request.path_info, "path")
            request.GET = self._cleaned(request.GET)
            limit = self._limit(request, settings)
            if limit is not None:
                return self._refuse(request, 413, _("Request too large"), limit)
            if request.method == "POST" and request.content_type in self.FORM_TYPES:
                request.POST = self._cleaned(request.POST)
                for name, upload in request.FILES.items():
                    clean_text(upload.name or "", name)
        except UnsafeText as exc:
            return self._refuse(request, 400, _("Character not allowed"), exc)
        except RequestDataTooBig:
            return self._refuse(request, 413, _("Request too large"), None)
        except (MultiPartParserError, TooManyFieldsSent, UnicodeDecodeError) as exc:
            return self._refuse(request, 400, _("Request cannot be read"), exc)
        return self.get_response(request)

    @staticmethod
    def _limit(request: HttpRequest, settings: Any) -> int | None:
        """The limit a declared body size exceeds, if any: other bodies as
        DATA_UPLOAD_MAX_MEMORY_SIZE; uploads up to twice the upload limit (plus the form
        around it), so that a file somewhat over the limit still reaches the view, cut to
        the limit by core.uploads.CappedUploadHandler, and the form can say so."""
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return None
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        if request.content_type == "multipart/form-data":
            limit = 2 * settings.SAMEN_MAX_UPLOAD_BYTES + 1024 * 1024
        return limit if limit is not None and length > limit else None

    @staticmethod
    def _cleaned(data: Any) -> Any:
        from django.http import QueryDict

        from .text import clean_text

        changed = False
        pairs = []
        for key, values in data.lists():
            clean_key = clean_text(key, key)
            clean_values = [clean_text(v, key) if isinstance(v, str) else v for v in values]
            changed |= clean_key != key or clean_values != values
            pairs.append((clean_key, clean_values))
        if not changed:
            return data
        out = QueryDict(mutable=True)
        for key, values in pairs:
            out.setlist(key, values)
        out._mutable = False
        return out

    @staticmethod
    def _refuse(request: HttpRequest, status: int, title: str, problem: Any) -> HttpResponse:
        from django.shortcuts import render
        from django.template.defaultfilters import filesizeformat
        from django.utils.translation import gettext as _

        from .text import UnsafeText

        api = request.path.startswith("/api/")
        field = ""
        near = ""
        if isinstance(problem, UnsafeText):
            field = problem.where
            if api:
                detail = _("The field '%(field)s' %(reason)s.") % {
                    "field": field,
                    "reason": problem.reason,
                }
            else:  # people see no field codes: the text just before the character instead
                detail = _("What you sent %(reason)s.") % {"reason": problem.reason}
                source = request.POST if hasattr(request, "_post") else request.GET
                value = source.get(field, "") if field != "path" else request.path_info
                near = problem.context(value) if isinstance(value, str) else ""
        elif status == 413:
            detail = _("The request is larger than the %(limit)s this server accepts.") % {
                "limit": filesizeformat(problem) if problem else _("limit")
            }
        else:
            detail = _("The request body cannot be read: %(reason)s") % {"reason": problem}
        if api:
            from samen.api.base import problem_response

            params = None
            if field:
                params = [{"name": field, "code": "unsafe-character", "reason": problem.reason}]
            return problem_response(request, status, title, detail, params)
        if not hasattr(request, "user"):  # refused before authentication: keep the header
            from django.contrib.auth import get_user
            from django.utils.functional import SimpleLazyObject

            request.user = SimpleLazyObject(lambda: get_user(request))
        context = {"title": title, "detail": detail, "near": near}
        return render(request, "core/bad_input.html", context, status=status)

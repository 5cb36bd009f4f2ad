"""The API object: errors as RFC 9457 problem details, and an OpenAPI document
that follows the Dutch API Design Rules (see docs/adr/0003-api.md)."""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from pydantic import ConfigDict

from samen.core.text import UnsafeText, clean_data

PROBLEM = "application/problem+json"
# Budget years, as samen.budget.services.YEARS.
MIN_YEAR, MAX_YEAR = 2000, 2100
# Ids are 64-bit integers in every database (BigAutoField).
MAX_ID = 2**63 - 1
# What the input boundary (core.text) refuses, as the OpenAPI document states it for every
# text parameter and request field: the C0 and C1 control characters except tab, line
# feed, vertical tab, form feed, carriage return, U+001E, U+001F and NEL (normalised).
TEXT_PATTERN = "^[^\\u0000-\\u0008\\u000e-\\u001d\\u007f-\\u0084\\u0086-\\u009f]*$"
# A text that must hold something besides spaces.
NOT_BLANK = "^[^\\u0000-\\u0008\\u000e-\\u001d\\u007f-\\u0084\\u0086-\\u009f]*[^\\s\\u0000-\\u0008\\u000e-\\u001d\\u007f-\\u0084\\u0086-\\u009f][^\\u0000-\\u0008\\u000e-\\u001d\\u007f-\\u0084\\u0086-\\u009f]*$"


def json_number(value: Any) -> Any:
    """For a `mode="before"` validator: JSON's true/false and "17" are not numbers, though
    pydantic's lax mode would take them for 1 and 17 (17.0 is the integer 17 in JSON
    Schema, and stays allowed)."""
    if isinstance(value, bool | str):
        raise ValueError("expected a JSON number")
    return value


class Body(Schema):
    """A request body: unknown fields are refused (as unknown query parameters are),
    so that a misspelt field is an error instead of being ignored."""

    model_config = ConfigDict(extra="forbid")


class InvalidParam(Schema):
    name: str
    code: str
    reason: str


class Problem(Schema):
    """An error, as RFC 9457 problem details."""

    type: str = "about:blank"
    title: str
    status: int
    detail: str
    instance: str | None = None
    invalidParams: list[InvalidParam] | None = None


class ApiProblem(Exception):
    """Raise from an endpoint to answer with a problem response."""

    def __init__(
        self,
        status: int,
        title: str,
        detail: str,
        invalid_params: list[dict[str, str]] | None = None,
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.title = title
        self.detail = detail
        self.invalid_params = invalid_params


def problem_response(
    request: HttpRequest,
    status: int,
    title: str,
    detail: str,
    invalid_params: list[dict[str, str]] | None = None,
) -> HttpResponse:
    body: dict[str, Any] = {
        "type": "about:blank",
        "title": title,
        "status": status,
        "detail": detail,
        "instance": request.path,
    }
    if invalid_params:
        body["invalidParams"] = invalid_params
    response = JsonResponse(
        body, status=status, content_type=PROBLEM, json_dumps_params={"ensure_ascii": False}
    )
    return response


def bad_parameter(name: str, reason: str, code: str = "invalid") -> ApiProblem:
    return ApiProblem(
        400, _("Invalid parameter"), reason, [{"name": name, "code": code, "reason": reason}]
    )


class BoundaryParser(Parser):
    """JSON bodies through the input boundary (core.text): pasted layout characters
    normalised, unstorable characters refused naming the field's path, and the
    non-standard constants NaN and Infinity refused (JSON has no such numbers)."""

    def parse_body(self, request: HttpRequest) -> Any:
        def no_constant(name: str) -> Any:
            raise ApiProblem(
                400,
                _("Invalid request"),
                _("%(value)s is not a number JSON allows.") % {"value": name},
            )

        try:
            data = json.loads(request.body, parse_constant=no_constant)
        except (ValueError, RecursionError) as exc:
            if isinstance(exc, ApiProblem):
                raise
            raise ApiProblem(400, _("Invalid request"), _("The body is not valid JSON.")) from exc
        try:
            return clean_data(data)
        except UnsafeText as exc:
            raise ApiProblem(
                400,
                _("Invalid request"),
                _("The field '%(field)s' %(reason)s.")
                % {"field": exc.where or "body", "reason": exc.reason},
                [{"name": exc.where or "body", "code": "unsafe-character", "reason": exc.reason}],
            ) from exc


class SamenAPI(NinjaAPI):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("parser", BoundaryParser())
        super().__init__(*args, **kwargs)

    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> Any:
        # Paths are relative to the versioned server URL (/api/v1).
        schema = super().get_openapi_schema(path_prefix="", path_params=path_params)
        return adr_conformant(dict(schema))


def adr_conformant(schema: dict[str, Any]) -> dict[str, Any]:
    """Add what the API Design Rules ask of every operation: the API-Version
    header on success, problem responses for errors, contact details."""
    schema = copy.deepcopy(schema)
    schema["info"]["contact"] = dict(settings.SAMEN_CONTACT)
    schema["info"]["license"] = {"name": "EUPL-1.2", "identifier": "EUPL-1.2"}
    schema["servers"] = [{"url": "/api/v1", "description": "this installation"}]
    components = schema.setdefault("components", {})
    components.setdefault("headers", {})["API-Version"] = {
        "description": "The full version of the API (semantic versioning).",
        "schema": {"type": "string", "example": settings.SAMEN_API_VERSION},
    }
    components.setdefault("schemas", {})
    components["schemas"]["Problem"] = Problem.model_json_schema(
        ref_template="#/components/schemas/{model}"
    )
    components["schemas"]["InvalidParam"] = (
        components["schemas"]["Problem"]
        .pop("$defs", {})
        .get("InvalidParam", InvalidParam.model_json_schema())
    )
    for component in components["schemas"].values():
        for name, prop in component.get("properties", {}).items():
            component["properties"][name] = _flatten_nullable(prop)
    _state_input_limits(schema)
    problem = {PROBLEM: {"schema": {"$ref": "#/components/schemas/Problem"}}}
    descriptions = {
        "400": "Invalid request: the problem names the parameter or field.",
        "401": "Not authenticated.",
        "403": "Not allowed for this account.",
        "404": "Not found.",
        "409": "Conflict with the current state of the resource.",
        "413": "Request too large.",
        "429": "Too many requests.",
        "500": "Server error.",
    }
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = {str(code): value for code, value in operation.get("responses", {}).items()}
            operation["responses"] = responses
            for code, response in list(responses.items()):
                if code.startswith(("2", "3")):
                    response.setdefault("headers", {})["API-Version"] = {
                        "$ref": "#/components/headers/API-Version"
                    }
            wanted = {"400", "500"}
            if "{" in path:
                wanted.add("404")
            if operation.get("security"):
                wanted |= {"401", "403"}
            if method == "patch":
                wanted.add("409")
            wanted |= {c for c in responses if c[0] in "45"}
            for code in sorted(wanted):
                responses[code] = {
                    "description": descriptions.get(code, "Error."),
                    "content": copy.deepcopy(problem),
                }
    return schema


def _state_input_limits(schema: dict[str, Any]) -> None:
    """Say in the document what the input boundary enforces for every input: text holds
    no control characters (TEXT_PATTERN), ids are positive 64-bit integers."""
    components = schema.get("components", {}).get("schemas", {})

    def text(node: dict[str, Any]) -> None:
        if node.get("type") in ("string", ["string", "null"]) and not (
            {"pattern", "enum", "format", "const"} & set(node)
        ):
            node["pattern"] = TEXT_PATTERN
        for option in node.get("anyOf", []):
            text(option)
        if isinstance(node.get("items"), dict):
            text(node["items"])

    seen: set[str] = set()

    def body(node: dict[str, Any]) -> None:
        ref = node.get("$ref", "")
        if ref:
            name = ref.rsplit("/", 1)[-1]
            if name in seen or name not in components:
                return
            seen.add(name)
            node = components[name]
        text(node)
        for prop in node.get("properties", {}).values():
            body(prop)
        for key in ("items", "additionalProperties"):
            if isinstance(node.get(key), dict):
                body(node[key])
        for option in node.get("anyOf", []) + node.get("allOf", []):
            body(option)

    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            if not isinstance(operation, dict):
                continue
            for parameter in operation.get("parameters", []):
                node = parameter.get("schema", {})
                text(node)
                if parameter.get("in") == "path" and node.get("type") == "integer":
                    node.setdefault("minimum", 1)
                    node.setdefault("maximum", MAX_ID)
            for content in operation.get("requestBody", {}).get("content", {}).values():
                body(content.get("schema", {}))


def _flatten_nullable(prop: dict[str, Any]) -> dict[str, Any]:
    """`anyOf: [{type: string, format: date}, {type: null}]` as one schema with
    `type: [string, "null"]`, so the format is visible to the ADR linter."""
    options = prop.get("anyOf")
    if not options or len(options) != 2 or {"type": "null"} not in options:
        return prop
    other = next(o for o in options if o != {"type": "null"})
    if "type" not in other or "$ref" in other:
        return prop
    merged = {k: v for k, v in prop.items() if k != "anyOf"}
    merged.update(other)
    merged["type"] = [other["type"], "null"]
    return merged


def validation_reason(error: Mapping[str, Any]) -> str:
    """What pydantic refused (one of `ValidationError.errors`), in the user's language:
    what the parameter or field expects. Pydantic's own English sentence only for a kind
    of error not named here."""
    kind = error.get("type", "")
    ctx = error.get("ctx") or {}
    if kind in ("int_parsing", "int_type", "int_from_float", "int_parsing_size"):
        return _("expected a whole number")
    if kind in ("float_parsing", "float_type", "decimal_parsing", "decimal_type"):
        return _("expected a number")
    if kind in ("bool_parsing", "bool_type"):
        return _("expected true or false")
    if kind.startswith("date") and kind != "datetime_parsing":
        return _("expected a date as YYYY-MM-DD")
    if kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
        limit = next((ctx[k] for k in ("ge", "gt", "le", "lt") if k in ctx), error.get("input", ""))
        messages = {
            "greater_than_equal": _("expected at least %(limit)s"),
            "greater_than": _("expected more than %(limit)s"),
            "less_than_equal": _("expected at most %(limit)s"),
            "less_than": _("expected less than %(limit)s"),
        }
        return messages[kind] % {"limit": limit}
    if kind == "string_too_short" and "min_length" in ctx:
        n = ctx["min_length"]
        return ngettext(
            "expected a text of at least %(count)s character",
            "expected a text of at least %(count)s characters",
            n,
        ) % {"count": n}
    if kind == "string_too_long" and "max_length" in ctx:
        n = ctx["max_length"]
        return ngettext(
            "expected a text of at most %(count)s character",
            "expected a text of at most %(count)s characters",
            n,
        ) % {"count": n}
    if kind in ("too_long", "too_short") and ("max_length" in ctx or "min_length" in ctx):
        n = ctx.get("max_length", ctx.get("min_length"))
        if kind == "too_long":
            return ngettext(
                "expected at most %(count)s item", "expected at most %(count)s items", n
            ) % {"count": n}
        return ngettext(
            "expected at least %(count)s item", "expected at least %(count)s items", n
        ) % {"count": n}
    if kind == "string_pattern_mismatch":
        return _("the text holds characters that are not allowed, or is empty")
    if kind in ("literal_error", "enum") and "expected" in ctx:
        return _("expected one of: %(values)s") % {"values": ctx["expected"]}
    if kind == "string_type":
        return _("expected a text")
    if kind == "list_type":
        return _("expected a list")
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return _("expected an object")
    if kind == "missing":
        return _("required, but missing")
    if kind == "extra_forbidden":
        return _("unknown field")
    message = str(error.get("msg", ""))
    return message.removeprefix("Value error, ")


def install_error_handlers(api: NinjaAPI) -> None:
    @api.exception_handler(ApiProblem)
    def on_problem(request: HttpRequest, exc: ApiProblem) -> HttpResponse:
        return problem_response(request, exc.status, exc.title, exc.detail, exc.invalid_params)

    @api.exception_handler(ValidationError)
    def on_validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        params = []
        for error in exc.errors:
            loc = [
                str(part)
                for part in error.get("loc", [])
                if part not in ("body", "query", "path", "payload")
            ]
            params.append(
                {
                    "name": ".".join(loc) or "body",
                    "code": error.get("type", "invalid"),
                    "reason": validation_reason(error),
                }
            )
        detail = "; ".join(
            _("%(name)s: %(reason)s") % {"name": p["name"], "reason": p["reason"]} for p in params
        )
        return problem_response(request, 400, _("Invalid request"), detail, params)

    @api.exception_handler(Http404)
    def on_not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return problem_response(request, 404, _("Not found"), str(exc) or _("No such resource."))

    @api.exception_handler(AuthenticationError)
    def on_unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        response = problem_response(
            request,
            401,
            _("Not authenticated"),
            _("Send a valid token: 'Authorization: Bearer <token>'."),
        )
        response.headers["WWW-Authenticate"] = 'Bearer realm="samen"'
        return response

    @api.exception_handler(HttpError)
    def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        cause = exc.__cause__
        if isinstance(cause, ApiProblem):  # the body parser's own, precise refusal
            return on_problem(request, cause)
        return problem_response(request, exc.status_code, str(exc), str(exc))

    @api.exception_handler(OverflowError)
    def on_overflow(request: HttpRequest, exc: OverflowError) -> HttpResponse:
        # A number beyond what the database stores (64-bit integers): bad input, not a
        # server error. The OpenAPI document states the limits; this is the safety net.
        return problem_response(
            request, 400, _("Invalid request"), _("A number in the request is too large.")
        )


def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Unknown paths under /api/ answer with a problem, not an HTML page."""
    return problem_response(
        request,
        404,
        _("Not found"),
        _("There is no API resource at %(path)s.") % {"path": request.path},
    )

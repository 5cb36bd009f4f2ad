"""API of the impact monitor's public figures: victim registrations and detection rates.

Anonymous callers (and every caller without the right to more) get the public layer:
published figures only, small counts suppressed (`count: null, suppressed: true`). With a
bearer token, analysts and the programme team read every figure, and action holders and
viewers also their own organisation's register when the programme team granted it
(samen.impact.visibility). Filters apply after disclosure control, so filtering never
changes which cells are hidden. Thin: the figures come from samen.impact.public.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema

from samen.impact import public, public_tables
from samen.impact.models import Gender, Register
from samen.plan.models import AgeGroup, ExploitationForm

from .auth import bearer
from .base import ApiProblem, Problem
from .plan import PAGING, Paging, paginate, reject_unknown
from .portal import _check

router = Router(tags=["impact"])

TOTAL = "total"
# Aliased: a parameter or field named `register` would shadow pydantic's own.
REGISTER: Any = Query(None, alias="register", description="Code of a register.")
CALLER = (
    " Anonymous callers see only published figures, small counts suppressed; a bearer token "
    "of an analyst or the programme team shows every figure."
)


def caller(request: HttpRequest) -> Any:
    """The user behind the request: anonymous without an Authorization header; a token
    that is wrong or expired is a 401, never a silent fall-back to the public layer."""
    if "Authorization" not in request.headers:
        return AnonymousUser()
    user = bearer(request)
    if user is None:
        raise ApiProblem(401, _("Not signed in"), _("The API key is unknown or has expired."))
    return user


class RegistrationOut(Schema):
    # `register` would shadow pydantic's ModelMetaclass.register: an alias keeps the name.
    registerCode: str = Field(..., alias="register", description="Code of the register.")
    registerName: str
    year: int
    exploitationForm: str | None = Field(..., description="Code; null = all forms together.")
    ageGroup: str | None = Field(..., description="Code; null = all ages together.")
    gender: str | None = Field(..., description=", ".join(Gender.values) + "; null = all.")
    count: int | None = Field(
        ..., description="Presumed victims; null when suppressed to protect privacy."
    )
    suppressed: bool
    status: str = Field(..., description="published, derived or demo")
    source: str
    sourceUrl: str


class RegistrationList(Schema):
    count: int
    page: int
    pageSize: int
    next: str | None
    previous: str | None
    results: list[RegistrationOut]


class RegistrationFilters(Schema):
    year: int | None = Field(None, ge=1900, le=2100)
    exploitationForm: str | None = Field(None, description=f"Code, or '{TOTAL}'.")
    ageGroup: str | None = Field(None, description=f"Code, or '{TOTAL}'.")
    gender: str | None = Field(None, description=", ".join([*Gender.values, TOTAL]))


class DetectionRateOut(Schema):
    registerCode: str = Field(..., alias="register", description="Code of the register.")
    registerName: str
    exploitationForm: str | None
    ageGroup: str | None
    yearFrom: int
    yearTo: int
    registered: int | None = Field(
        ..., description="Presumed victims registered in these years; null when suppressed."
    )
    estimate: float = Field(..., description="Estimated number of victims (registered or not).")
    lower: float | None
    upper: float | None
    rate: float | None = Field(..., description="registered / estimate, a fraction (0..1).")
    rateLower: float | None = Field(..., description="registered / upper")
    rateUpper: float | None = Field(..., description="registered / lower")
    darkNumber: float | None = Field(..., description="estimate - registered, at least 0")
    suppressed: bool = Field(
        ..., description="The registered count is suppressed, and with it the rate."
    )
    method: str
    estimateKind: str = Field(..., description="run (estimated in samen) or external")


class DetectionRateList(Schema):
    count: int
    page: int
    pageSize: int
    next: str | None
    previous: str | None
    results: list[DetectionRateOut]


class DetectionRateFilters(Schema):
    year: int | None = Field(None, ge=1900, le=2100, description="Rates covering this year.")


def _code(term: Any) -> str | None:
    return term.code if term is not None else None


def registration_out(c: public.Cell) -> dict[str, Any]:
    r = c.registration
    return {
        "register": r.register.code,
        "registerName": r.register.name,
        "year": r.year,
        "exploitationForm": _code(r.exploitation_form),
        "ageGroup": _code(r.age_group),
        "gender": r.gender or None,
        "count": c.count,
        "suppressed": c.suppressed,
        "status": r.status,
        "source": r.source,
        "sourceUrl": r.source_url,
    }


def rate_out(shown: public_tables.Rate) -> dict[str, Any]:
    d, hidden = shown.rate, shown.suppressed
    v = d.values
    return {
        "register": d.register.code,
        "registerName": d.register.name,
        "exploitationForm": _code(d.exploitation_form),
        "ageGroup": _code(d.age_group),
        "yearFrom": d.year_from,
        "yearTo": d.year_to,
        "registered": None if hidden else shown.registered,
        "estimate": d.estimate,
        "lower": d.lower,
        "upper": d.upper,
        "rate": None if hidden else v.rate,
        "rateLower": None if hidden else v.rate_lower,
        "rateUpper": None if hidden else v.rate_upper,
        "darkNumber": None if hidden else v.dark,
        "suppressed": hidden,
        "method": d.method,
        "estimateKind": d.kind,
    }


def _codes(model: Any) -> list[str]:
    return [*model.objects.values_list("code", flat=True), TOTAL]


def _matches(value: str | None, term: Any) -> bool:
    if value is None:
        return True
    if value == TOTAL:
        return not term
    return (term.code if hasattr(term, "code") else term) == value


@router.get(
    "/victim-registrations",
    response={200: RegistrationList, 401: Problem},
    by_alias=True,
    summary="Presumed victims registered, by year, form, age group, gender and register",
    description="Counts of different registers use different definitions: never add them." + CALLER,
)
def victim_registrations(
    request: HttpRequest,
    filters: Query[RegistrationFilters],
    paging: Query[Paging],
    register_code: str | None = REGISTER,
) -> dict[str, Any]:
    reject_unknown(request, (*PAGING, *RegistrationFilters.model_fields, "register"))
    _check("exploitationForm", filters.exploitationForm, _codes(ExploitationForm))
    _check("ageGroup", filters.ageGroup, _codes(AgeGroup))
    _check("gender", filters.gender, [*Gender.values, TOTAL])
    _check("register", register_code, list(Register.objects.values_list("code", flat=True)))
    cells = [
        c
        for c in public.figures_for(caller(request)).cells
        if (filters.year is None or c.registration.year == filters.year)
        and _matches(filters.exploitationForm, c.registration.exploitation_form)
        and _matches(filters.ageGroup, c.registration.age_group)
        and _matches(filters.gender, c.registration.gender)
        and (register_code is None or c.registration.register.code == register_code)
    ]
    return paginate(request, cells, paging.page, paging.pageSize, registration_out)


@router.get(
    "/detection-rates",
    response={200: DetectionRateList, 401: Problem},
    by_alias=True,
    summary="Detection rates: registered / estimated victims, with the dark number",
    description="A rate is public only when its estimate and its registrations are "
    "published and the registered count is not suppressed." + CALLER,
)
def detection_rates(
    request: HttpRequest,
    filters: Query[DetectionRateFilters],
    paging: Query[Paging],
    register_code: str | None = REGISTER,
) -> dict[str, Any]:
    reject_unknown(request, (*PAGING, *DetectionRateFilters.model_fields, "register"))
    _check("register", register_code, list(Register.objects.values_list("code", flat=True)))
    rates = [
        r
        for r in public.figures_for(caller(request)).rates
        if (filters.year is None or r.rate.year_from <= filters.year <= r.rate.year_to)
        and (register_code is None or r.rate.register.code == register_code)
    ]
    return paginate(request, rates, paging.page, paging.pageSize, rate_out)

"""The API against its committed OpenAPI document (docs/openapi.json), fuzzed by
schemathesis through the WSGI application, anonymously and with a programme-team token:
no answer is a server error, and every answer matches the document (status codes,
content types, headers, bodies). Inputs are generated both valid and invalid for the
document; the API must refuse exactly what the document says it refuses.

Bounded: a fixed number of examples per operation (about a minute per database).
"""

from pathlib import Path

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from samen.accounts.models import ApiToken
from samen.wsgi import application

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
schema = schemathesis.openapi.from_path(DOCUMENT)
schema.app = application
EXAMPLES = 8


@pytest.fixture(autouse=True)
def _keep_the_test_database_open():
    """The WSGI handler closes database connections at the end of each request (as in
    production); the test's transaction must survive, as Django's test client ensures."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def token(request, world):
    """None (anonymous) or a programme-team bearer token, on the small reporting world."""
    if request.param is None:
        return None
    _token, key = ApiToken.issue(world.users.programme)
    return key


@pytest.mark.parametrize(
    "token", [None, "programme"], indirect=True, ids=["anonymous", "programme"]
)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_api_matches_its_document_and_never_fails(case, token):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    case.call_and_validate(
        base_url="http://localhost/api/v1",
        headers=headers,
        excluded_checks=[positive_data_acceptance],
        additional_checks=[valid_input_is_refused_only_for_the_state_of_the_data],
    )


# Refusals that depend on the data, not on the request's form: a code that names no
# existing object, a page past the last one, a business rule of a service (a period
# that ends before it starts). The document cannot state these; every other refusal of
# input the document calls valid is a mismatch.
STATE_DEPENDENT = {"unknown-value", "out-of-range", "rejected"}


def valid_input_is_refused_only_for_the_state_of_the_data(ctx, response, case):
    if case.meta is None or not case.meta.generation.mode.is_positive:
        return None
    if response.status_code < 400 or response.status_code in (401, 403, 404, 409, 429):
        return None
    codes = set()
    if response.status_code == 400:
        body = response.json()
        codes = {p["code"] for p in body.get("invalidParams") or [{"code": "?"}]}
    assert response.status_code == 400 and codes <= STATE_DEPENDENT, (
        f"valid input refused with {response.status_code} ({', '.join(sorted(codes))}): "
        f"{response.text[:300]}"
    )
    return None

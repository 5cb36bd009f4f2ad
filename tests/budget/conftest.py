"""A user per role, for the access tests of budget and parliament."""

from types import SimpleNamespace

import pytest

from samen.accounts.models import User
from samen.plan.models import Organisation
from tests.plan.factories import OrganisationFactory
from tests.reporting.world import make_user


@pytest.fixture
def users(db):
    # The bundled plan may already hold these organisations.
    ministry = Organisation.objects.filter(code="jenv").first() or OrganisationFactory(
        code="jenv", short_name="JenV", name="Justitie en Veiligheid"
    )
    police = Organisation.objects.filter(code="politie").first() or OrganisationFactory(
        code="politie", short_name="Politie", name="Politie"
    )
    return SimpleNamespace(
        programme=make_user("programma", User.Role.PROGRAMME, ministry),
        holder=make_user("houder", User.Role.HOLDER, police),
        involved=make_user("betrokken", User.Role.INVOLVED, police),
        analyst=make_user("analist", User.Role.ANALYST, ministry),
        viewer=make_user("kijker", User.Role.VIEWER, None),
    )

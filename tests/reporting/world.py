"""A small world for reporting tests: three organisations, three actions, a
user per role, and an open round. Built through the real services. The
`world` fixture (tests/conftest.py) builds it for a test."""

import datetime as dt
from types import SimpleNamespace

from django.utils import timezone

from samen.accounts.models import User
from samen.reporting import services
from tests.plan.factories import (
    ActionFactory,
    ActionLineFactory,
    OrganisationFactory,
    StrategicGoalFactory,
)


def make_user(username, role, organisation=None, **extra):
    user = User.objects.create_user(
        username=username,
        password="pw-" + username,
        role=role,
        organisation=organisation,
        email=f"{username}@example.org",
        **extra,
    )
    return user


def build_world():
    line1, line2 = ActionLineFactory(number=1, code="L1"), ActionLineFactory(number=2, code="L2")
    StrategicGoalFactory(number=1, code="G1")
    police = OrganisationFactory(code="police", short_name="Politie", name="Politie")
    ngo = OrganisationFactory(code="ngo", short_name="NGO", name="Een NGO")
    ministry = OrganisationFactory(code="ministry", short_name="Min", name="Ministerie")
    a1 = ActionFactory(
        code="A.1", action_line=line1, forms=["sexual"], holders=[police], involved=[ngo]
    )
    a2 = ActionFactory(code="A.2", action_line=line1, forms=["labour"], holders=[ngo])
    a3 = ActionFactory(code="A.3", action_line=line2, forms=["criminal"], holders=[police, ngo])
    a1.milestones.create(order=0, title_nl="Eerste training gegeven")
    users = SimpleNamespace(
        programme=make_user("programma", User.Role.PROGRAMME, ministry),
        police=make_user("politie", User.Role.HOLDER, police),
        ngo=make_user("ngo", User.Role.HOLDER, ngo),
        ngo_reader=make_user("ngo-lezer", User.Role.INVOLVED, ngo),
        ministry=make_user("ministerie", User.Role.HOLDER, ministry),
        analyst=make_user("analist", User.Role.ANALYST, ministry),
        viewer=make_user("kijker", User.Role.VIEWER, None),
    )
    r = services.create_round(
        users.programme,
        services.RoundData(
            title="Ronde 1",
            period_start=dt.date(2026, 1, 1),
            period_end=dt.date(2026, 6, 30),
            opens_on=dt.date(2026, 7, 1),
            deadline=timezone.now() + dt.timedelta(days=14),
        ),
    )
    services.open_round(users.programme, r)
    r.refresh_from_db()
    updates = {
        (u.action.code, u.organisation.code): u
        for u in r.updates.select_related("action", "organisation")
    }
    return SimpleNamespace(
        users=users,
        round=r,
        updates=updates,
        orgs=SimpleNamespace(police=police, ngo=ngo, ministry=ministry),
        actions=SimpleNamespace(a1=a1, a2=a2, a3=a3),
    )


def fill(user, update, **changes):
    data = services.UpdateData(
        **(
            {"progress_status": "on_track", "percent_complete": 50, "achievements": "Gedaan."}
            | changes
        )
    )
    update.refresh_from_db()
    return services.save_draft(user, update.pk, data, update.version)


def submitted(user, update, **changes):
    fill(user, update, **changes)
    return services.submit(user, update.pk)


def second_round(world, title="Ronde 2", open_it=False, **changes):
    """A round for the second half of 2026, opening today, deadline in 20 days."""
    data = {
        "title": title,
        "period_start": dt.date(2026, 7, 1),
        "period_end": dt.date(2026, 12, 31),
        "opens_on": timezone.localdate(),
        "deadline": timezone.now() + dt.timedelta(days=20),
    } | changes
    r = services.create_round(world.users.programme, services.RoundData(**data))
    if open_it:
        services.open_round(world.users.programme, r)
    return r

"""The ways back through the API: reopen a round, take back an approval; each
with a reason, refused to anyone but the programme team."""

from samen.core.models import AuditEvent
from samen.reporting import services
from tests.reporting.test_access import api
from tests.reporting.world import submitted


def test_reopen_a_closed_round_with_a_reason(world, client):
    services.close_round(world.users.programme, world.round)
    url = f"/api/v1/reporting-rounds/{world.round.pk}/reopen"
    missing = api(client, world.users.programme, "post", url, reason=" ")
    assert missing.status_code == 400 and missing.json()["invalidParams"][0]["name"] == "reason"
    assert api(client, world.users.police, "post", url, reason="graag").status_code in (403, 404)
    response = api(client, world.users.programme, "post", url, reason="NGO te laat")
    assert response.status_code == 200 and response.json()["status"] == "open"
    assert AuditEvent.objects.get(verb="reopen").after["reason"] == "NGO te laat"


def test_take_back_an_approval_with_a_reason(world, client):
    update = submitted(world.users.police, world.updates[("A.1", "police")])
    services.approve(world.users.programme, update.pk)
    url = f"/api/v1/progress-updates/{update.pk}/unapprove"
    assert api(client, world.users.police, "post", url, reason="nee").status_code == 403
    response = api(client, world.users.programme, "post", url, reason="Percentage klopt niet")
    assert response.status_code == 200 and response.json()["reviewState"] == "submitted"

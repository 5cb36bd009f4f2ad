"""Removing a link between registrations and an estimate asks first: a page says what
will change, cancel or confirm; only the confirmation removes it, audited."""

from html import unescape

import pytest
from django.core.management import call_command
from django.urls import reverse

from samen.accounts.models import User
from samen.core.models import AuditEvent
from samen.impact.models import DetectionLink


@pytest.fixture
def linked(db):
    call_command("load_plan", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115
    call_command("load_impact", stdout=open("/dev/null", "w"))  # noqa: SIM115
    analyst = User.objects.create_user("a", password="x" * 12, role="analyst")
    link = DetectionLink.objects.select_related("register").order_by("pk").first()
    return analyst, link


def test_remove_link_opens_a_confirmation_page_and_removes_nothing(client, linked):
    analyst, link = linked
    client.force_login(analyst)
    listing = client.get(reverse("impact:detection-rates")).content.decode()
    url = reverse("impact:detection-unlink", args=[link.pk])
    # The list offers a link to the question, not a one-click form.
    assert f'href="{url}"' in listing
    assert f'action="{url}"' not in listing
    page = unescape(client.get(url).content.decode())
    assert "Deze koppeling verwijderen?" in page
    assert link.register.name in page
    assert "Wat er verandert" in page and "Opsporingsgraden die verdwijnen" in page
    assert "Ja, verwijder de koppeling" in page
    assert f'href="{reverse("impact:detection-rates")}"' in page  # cancel
    assert DetectionLink.objects.filter(pk=link.pk).exists()


def test_confirming_removes_the_link_and_audits_it(client, linked):
    analyst, link = linked
    client.force_login(analyst)
    response = client.post(reverse("impact:detection-unlink", args=[link.pk]))
    assert response.status_code == 302
    assert not DetectionLink.objects.filter(pk=link.pk).exists()
    event = AuditEvent.objects.get(verb="unlink", object_id=str(link.pk))
    assert event.actor == analyst and event.kind == "delete"
    assert event.before["register"] == link.register.code


@pytest.mark.parametrize("role", ["programme", "viewer"])
def test_others_cannot_open_or_confirm_the_removal(client, linked, role):
    _analyst, link = linked
    other = User.objects.create_user("o", password="x" * 12, role=role)
    client.force_login(other)
    url = reverse("impact:detection-unlink", args=[link.pk])
    assert client.get(url).status_code in (403, 404)
    assert client.post(url).status_code in (403, 404)
    assert DetectionLink.objects.filter(pk=link.pk).exists()

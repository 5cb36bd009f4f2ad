import pytest
from django.core.management import call_command

from samen.core import audit
from samen.plan.models import Action, ActionLine, PlanVersion


@pytest.mark.django_db
def test_load_plan_is_idempotent_and_audited(capsys):
    call_command("load_plan")
    first = capsys.readouterr().out
    assert "acties: 14 nieuw" in first
    call_command("load_plan")
    second = capsys.readouterr().out
    assert "(0 changes)" in second
    assert Action.objects.count() == 14
    assert list(audit.verify()) == []


@pytest.mark.django_db
def test_bundled_plan_never_invents_the_fifth_action_line():
    call_command("load_plan")
    line5 = ActionLine.objects.get(number=5)
    assert line5.name_nl == "" and not line5.confirmed
    assert PlanVersion.objects.get(code="2024-06").snapshot[-1]["code"] == "S.5"

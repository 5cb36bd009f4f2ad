"""The bundled motions with their provenance; the actions that carry them out;
changes by the programme team only, audited, without lost updates."""

import html
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from samen.accounts.access import Denied
from samen.core.models import AuditEvent
from samen.parliament import bundled, selectors, services
from samen.parliament.models import Motion
from samen.plan import document as doc
from tests.plan.factories import ActionFactory


def load():
    call_command("load_motions", verbosity=0, stdout=open("/dev/null", "w"))  # noqa: SIM115


def text(response):
    page = html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))
    return re.sub(r"\s+", " ", page.replace("\xa0", " ")).replace(" ,", ",")


def test_the_bundled_motions_are_the_reference_facts_with_inferences_marked(bundled_plan):
    load()
    motions = {m.code: m for m in Motion.objects.with_actions()}
    assert len(motions) == 5
    non_punishment = motions["motie-bikker-mutluer-non-punishment"]
    assert (
        non_punishment.kamerstuk == "28 638-229" and non_punishment.date.isoformat() == "2023-10-03"
    )
    assert (
        non_punishment.submitters == ["Bikker", "Mutluer"] and non_punishment.decision == "adopted"
    )
    assert non_punishment.confirmed and non_punishment.inferred_fields == ["status"]
    assert motions["motie-veltman-bikker-aangifteplicht"].kamerstuk == "28 638-241"
    # What was not found stays unknown, and the item says so.
    veltman = motions["motie-veltman"]
    assert veltman.kamerstuk == "" and veltman.date is None and not veltman.confirmed
    assert "niet gevonden" in veltman.title_nl
    revision = motions["motie-bikker-cs-herziening"]
    assert not revision.confirmed and "actions" in revision.inferred_fields
    # In plan order: S.4 belongs to action line 3, the other themes to no line yet.
    assert [a.code for a in revision.actions.all()] == ["S.4", "S.1", "S.2", "S.3", "S.5"]
    assert motions["toezegging-halfjaarlijkse-voortgang"].kind == "commitment"
    assert all(m.source.startswith("https://") and not m.is_demo for m in motions.values())
    assert AuditEvent.objects.filter(object_type="parliament.motion", kind="create").count() == 5
    load()  # again: nothing changes
    assert AuditEvent.objects.filter(object_type="parliament.motion").count() == 5


def test_the_bundled_motions_need_the_plan_they_name(db):
    with pytest.raises(CommandError, match=r"actie 'S\.1' is niet bekend"):
        load()
    assert not Motion.objects.exists()


def test_a_broken_motions_file_names_every_problem(db, tmp_path: Path):
    path = tmp_path / "parliament.yaml"
    path.write_text(
        "schema: samen-parliament/1\n"
        "motions:\n"
        "  - code: m1\n    title_nl: Een motie\n    status: klaar\n    date: 3 oktober\n"
        "    submitters: Bikker\n    actions: [X.1]\n    inferred: [kleur]\n"
        "  - code: m1\n    kind: petitie\n",
        encoding="utf-8",
    )
    with pytest.raises(doc.PlanDocumentInvalid) as caught:
        bundled.read_file(path, actions=set())
    errors = [str(e) for e in caught.value.errors]
    for part in (
        "motions[1].status: onbekende waarde 'klaar'; verwacht een van: open, in_progress, done",
        "motions[1].date: verwacht een datum zoals 2024-06-17",
        "motions[1].submitters: verwacht een lijst met namen",
        "motions[1].actions: actie 'X.1' is niet bekend",
        "motions[1].inferred: 'kleur' kan niet als afgeleid worden gemarkeerd",
        "motions[2].kind: onbekende waarde 'petitie'",
        "motions[2].title_nl: is verplicht",
        "motions[2].code: de code 'm1' (motie of toezegging) komt twee keer voor",
    ):
        assert any(part in e for e in errors), (part, errors)


def test_the_programme_team_records_which_actions_carry_a_motion_out(users):
    a1, a2 = ActionFactory(code="A.1"), ActionFactory(code="A.2")
    motion = services.create_motion(
        users.programme, services.MotionData(title_nl="Motie over opvang", kamerstuk="28 638-300")
    )
    assert motion.code == "28-638-300" and motion.status == "open"
    changed = services.update_motion(
        users.programme,
        motion.code,
        services.MotionData(status="in_progress", actions=["A.2", "A.1"], answer_nl="Zie brief."),
        motion.version,
    )
    assert changed.version == 2
    assert sorted(a.code for a in changed.actions.all()) == ["A.1", "A.2"]
    assert [m.code for m in selectors.motions_for_action(a1)] == [motion.code]
    event = AuditEvent.objects.for_object(motion).latest("id")
    assert event.before["actions"] == [] and event.after["actions"] == ["A.1", "A.2"]
    assert (event.before["status"], event.after["status"]) == ("open", "in_progress")
    assert a2.motions.get() == motion


def test_a_stale_change_is_refused(users):
    motion = services.create_motion(users.programme, services.MotionData(title_nl="Motie"))
    services.update_motion(users.programme, motion.code, services.MotionData(status="done"), 1)
    with pytest.raises(services.Conflict):
        services.update_motion(users.programme, motion.code, services.MotionData(status="open"), 1)
    assert Motion.objects.get().status == "done"


def test_bad_changes_are_refused_by_field(users):
    motion = services.create_motion(users.programme, services.MotionData(title_nl="Motie"))
    with pytest.raises(services.Invalid) as caught:
        services.update_motion(
            users.programme,
            motion.code,
            services.MotionData(status="klaar", actions=["X.9"], answer_source="brief van mei"),
            None,
        )
    assert set(caught.value.errors) == {"status", "actions", "answer_source"}


@pytest.mark.parametrize("role", ["holder", "involved", "analyst", "viewer"])
def test_nobody_else_changes_motions(users, role, client):
    motion = services.create_motion(users.programme, services.MotionData(title_nl="Motie"))
    user = getattr(users, role)
    with pytest.raises(Denied):
        services.update_motion(user, motion.code, services.MotionData(status="done"), None)
    with pytest.raises(Denied):
        services.create_motion(user, services.MotionData(title_nl="Nog een"))
    client.force_login(user)
    for url in ("/moties/nieuw", f"/moties/{motion.code}/bewerken", "/moties/importeren"):
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"title_nl": "x", "status": "done"}).status_code == 403, url
    assert Motion.objects.get().status == "open" and Motion.objects.count() == 1


def test_motions_are_public_with_the_actions_that_carry_them_out(bundled_plan, client):
    load()
    page = text(client.get("/moties"))
    assert "5 moties en toezeggingen, nieuwste eerst" in page
    assert "Motie over het verankeren van het non-punishmentbeginsel" in page
    assert "S.4, S.1, S.2, S.3, S.5 afgeleid" in page
    detail = text(client.get("/moties/motie-bikker-cs-herziening"))
    assert "Uitgevoerd door S.4 Opvang van slachtoffers" in detail and "afgeleid" in detail
    action = text(client.get("/acties/S.1"))
    assert "Moties en toezeggingen" in action and "Motie over een fundamentele herziening" in action
    assert "verband afgeleid" in action
    filtered = text(client.get("/moties?status=in_progress&kind=commitment"))
    assert "1 motie of toezegging" in filtered
    assert client.get("/moties?status=klaar").status_code == 400
    csv = client.get("/moties/export.csv").content.decode()
    assert "motie-bikker-mutluer-non-punishment;motie;28 638-229;" in csv


def test_the_programme_team_edits_a_motion_in_the_browser_form(bundled_plan, users, client):
    load()
    client.force_login(users.programme)
    motion = Motion.objects.get(code="motie-veltman-bikker-aangifteplicht")
    response = client.post(
        f"/moties/{motion.code}/bewerken",
        {
            "version": motion.version,
            "kind": "motion",
            "kamerstuk": "28 638-241",
            "title_nl": motion.title_nl,
            "decision": "adopted",
            "status": "done",
            "actions": ["U.3"],
            "answer_nl": "Geregeld in wetsvoorstel 36 547.",
            "answer_source": "https://www.tweedekamer.nl/kamerstukken/brieven_regering/detail?did=2024D16637",
            "submitters": "Veltman, Bikker",
        },
    )
    assert response.status_code == 302
    motion.refresh_from_db()
    assert motion.status == "done" and [a.code for a in motion.actions.all()] == ["U.3"]
    stale = client.post(
        f"/moties/{motion.code}/bewerken",
        {"version": 1, "kind": "motion", "title_nl": "x", "decision": "unknown", "status": "open"},
    )
    assert stale.status_code == 409 and "Iemand anders heeft dit intussen gewijzigd" in text(stale)


def test_motions_summary_is_plain_data_for_the_progress_report(bundled_plan):
    load()
    summary = selectors.motions_summary()
    assert summary["counts"] == {"total": 5, "open": 0, "in_progress": 3, "done": 2}
    assert summary["by_kind"] == {"motion": 4, "commitment": 1}
    item = next(i for i in summary["items"] if i["code"] == "motie-bikker-cs-herziening")
    assert [a["code"] for a in item["actions"]] == ["S.4", "S.1", "S.2", "S.3", "S.5"]
    assert item["confirmed"] is False and "actions" in item["inferred_fields"]
    # No Kamerstuk number was found: people know it by its title, never by our code.
    assert item["number"] == "" and item["identifier"] == item["title"]
    assert item["title"].startswith("Motie over een fundamentele herziening")

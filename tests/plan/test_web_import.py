"""The programme team imports its action table through the web: check, then confirm."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from samen.accounts.models import User
from samen.core.models import AuditEvent
from samen.plan.export import read_bytes
from samen.plan.models import Action
from samen.plan.services import parse_and_import
from tests.plan.test_import_export import VALID_ROW, workbook


def programme_client(client):
    user = User.objects.create_user("programma", password="x", role=User.Role.PROGRAMME)
    client.force_login(user)
    return user


def upload(client, content, name="bijlage.xlsx"):
    return client.post("/plan/importeren", {"file": SimpleUploadedFile(name, content)})


def test_check_then_confirm(client, bundled_plan):
    user = programme_client(client)
    response = upload(client, workbook([VALID_ROW]))
    html = response.content.decode()
    assert response.status_code == 200 and "bijlage.xlsx is in orde" in html
    assert "acties" in html and response.context["summary"] == [("acties", 1, 0, 0)]
    assert not Action.objects.filter(code="2.3").exists()  # only checked so far
    token = response.context["token"]
    response = client.post("/plan/importeren", {"confirm": "1", "token": token})
    assert response.status_code == 302
    assert Action.objects.filter(code="2.3").exists()
    event = AuditEvent.objects.filter(object_type="plan.action", kind="create").last()
    assert event.actor == user and event.after["code"] == "2.3"
    # The same token cannot be used twice.
    assert client.post("/plan/importeren", {"confirm": "1", "token": token}).status_code == 400


def test_errors_name_the_cell_and_nothing_is_written(client, bundled_plan):
    programme_client(client)
    row = list(VALID_ROW)
    row[3] = "Politei"
    response = upload(client, workbook([row]))
    html = response.content.decode()
    assert response.status_code == 400
    assert (
        "rij 2, kolom D (&quot;Actiehouders&quot;): organisatie &#x27;Politei&#x27; is niet bekend"
        in html
    )
    assert not Action.objects.filter(code="2.3").exists()


def test_only_the_programme_team_imports(client, bundled_plan):
    for role in (User.Role.HOLDER, User.Role.VIEWER, User.Role.ANALYST):
        user = User.objects.create_user(f"u-{role}", role=role)
        client.force_login(user)
        assert upload(client, workbook([VALID_ROW])).status_code == 403
    assert not Action.objects.filter(code="2.3").exists()


def test_oversized_upload_is_refused(client, bundled_plan, settings):
    programme_client(client)
    settings.SAMEN_MAX_UPLOAD_BYTES = 100
    response = upload(client, workbook([VALID_ROW]))
    assert response.status_code == 400 and "te groot" in response.content.decode()


def test_downloaded_list_imports_back_unchanged_in_both_languages(client, bundled_plan):
    for language in ("nl", "en"):
        client.cookies["samen_language"] = language
        content = client.get("/acties/export.xlsx").content
        with translation.override(language):
            raw, locate = read_bytes(content, "acties.xlsx")
            report = parse_and_import(raw, dry_run=True, locate=locate, filename="acties.xlsx")
        assert report.changes == 0, (language, report.lines())


def test_a_sheet_without_a_column_keeps_that_field(client, bundled_plan):
    action = Action.objects.get(code="U.7")
    action.description_nl = "Een omschrijving die niet in de bijlage staat."
    action.save()
    action.milestones.create(order=0, title_nl="Evaluatie")
    headers = ["Nummer", "Actie", "Status"]
    content = workbook([["U.7", action.title_nl, "lopend"]], headers=headers)
    raw, locate = read_bytes(content, "status.xlsx")
    report = parse_and_import(raw, locate=locate, filename="status.xlsx")
    assert report.updated["actions"] == 1
    action.refresh_from_db()
    assert action.status == "running"
    assert action.description_nl == "Een omschrijving die niet in de bijlage staat."
    assert action.milestones.count() == 1 and action.holders  # untouched

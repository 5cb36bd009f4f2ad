"""Attachments: checked by content, stored under a random name, served only after an
access check, their text searchable (issue 15)."""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from samen.core.errors import Invalid
from samen.learning import attachments, services
from samen.learning.models import Attachment

from .files import PNG, docx, pdf, with_macro
from .helpers import lesson, web

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, user, entry, name, content):
    return web(
        client,
        user,
        "post",
        f"/leren/lessen/{entry.pk}/bijlagen",
        {"file": SimpleUploadedFile(name, content, content_type="application/octet-stream")},
    )


def test_pdf_and_docx_text_is_found_by_search(world, client):
    entry = lesson(world.users.police)
    assert (
        upload(
            client, world.users.police, entry, "verslag.pdf", pdf("Zeldzaamwoord pilotverslag")
        ).status_code
        == 302
    )
    assert (
        upload(
            client, world.users.police, entry, "plan.docx", docx("Draaiboek ketenoverleg Tilburg")
        ).status_code
        == 302
    )
    assert sorted(Attachment.objects.values_list("kind", flat=True)) == ["docx", "pdf"]
    for query, name in (("zeldzaamwoord", "verslag.pdf"), ("ketenoverleg", "plan.docx")):
        page = web(client, world.users.ngo, "get", f"/leren?q={query}").content.decode()
        assert "Wijkagent in de klas" in page, query
        assert f"Gevonden in bijlage {name}" in page  # the result says where it matched
    # A match in the lesson's own text says nothing about files.
    page = web(client, world.users.ngo, "get", "/leren?q=wijkagent").content.decode()
    assert "Gevonden in bijlage" not in page


def test_the_type_is_decided_by_the_content_not_the_name(world, client):
    entry = lesson(world.users.police)
    refused = [
        ("programma.pdf", b"MZ\x90\x00\x03" + b"\x00" * 200),  # a Windows program
        ("foto.png", b"GIF89a" + b"\x00" * 50),
        ("oud.doc", bytes.fromhex("d0cf11e0a1b11ae1") + b"\x00" * 100),  # an old Office file
        ("macro.docx", with_macro(docx("met macro"))),
        ("leeg.txt", b""),
    ]
    for name, content in refused:
        response = upload(client, world.users.police, entry, name, content)
        assert response.status_code == 302
    assert not Attachment.objects.exists()
    # A picture called .txt is still a picture; text called .exe is text.
    attachments.add(world.users.police, entry, "foto.txt", PNG)
    attachments.add(world.users.police, entry, "notitie.exe", b"Gewone tekst")
    assert sorted(Attachment.objects.values_list("kind", flat=True)) == ["png", "txt"]


def test_size_limit(world, settings):
    settings.SAMEN_MAX_UPLOAD_BYTES = 1000
    entry = lesson(world.users.police)
    with pytest.raises(Invalid):
        attachments.add(world.users.police, entry, "groot.txt", b"a" * 1001)
    attachments.add(world.users.police, entry, "klein.txt", b"a" * 1000)


def test_the_original_name_is_kept_but_never_a_path(world, client):
    entry = lesson(world.users.police)
    a = attachments.add(world.users.police, entry, "../../etc/passwd.txt", b"geen geheim")
    assert a.name == "passwd.txt"
    assert a.stored_as.startswith("learning/") and "passwd" not in a.stored_as
    assert default_storage.exists(a.stored_as)
    response = web(client, world.users.ngo, "get", f"/leren/bijlagen/{a.pk}")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"geen geheim"
    assert 'filename="passwd.txt"' in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"


def test_downloads_only_after_the_access_check(world, client):
    entry = lesson(world.users.police)
    first = attachments.add(world.users.police, entry, "a.txt", b"eerste")
    for outsider in (world.users.viewer, world.users.analyst, None):
        assert web(client, outsider, "get", f"/leren/bijlagen/{first.pk}").status_code == 404
    for partner in (world.users.ngo, world.users.programme):
        assert web(client, partner, "get", f"/leren/bijlagen/{first.pk}").status_code == 200
    services.publish(world.users.programme, entry)
    later = attachments.add(world.users.police, entry, "b.txt", b"later toegevoegd")
    assert web(client, None, "get", f"/leren/bijlagen/{first.pk}").status_code == 200
    # Added after publication: not public until published again.
    assert web(client, None, "get", f"/leren/bijlagen/{later.pk}").status_code == 404
    assert "b.txt" not in web(client, None, "get", f"/leren/lessen/{entry.pk}").content.decode()
    # Nobody but the organisation adds or removes files.
    for other in (world.users.ngo, world.users.programme):
        assert upload(client, other, entry, "x.txt", b"x").status_code == 403
        assert (
            web(client, other, "post", f"/leren/bijlagen/{first.pk}/verwijderen").status_code == 403
        )
    # A file added after publication is private and can be removed.
    assert (
        web(
            client, world.users.police, "post", f"/leren/bijlagen/{later.pk}/verwijderen"
        ).status_code
        == 302
    )
    assert not Attachment.objects.filter(pk=later.pk).exists()


def test_a_published_file_stays_on_the_public_page_until_withdrawn(world, client):
    entry = lesson(world.users.police)
    public = attachments.add(world.users.police, entry, "draaiboek.txt", b"openbaar draaiboek")
    services.publish(world.users.programme, entry)
    # The confirmation says the file is public and offers no removal.
    page = web(client, world.users.police, "get", f"/leren/bijlagen/{public.pk}/verwijderen")
    text = page.content.decode()
    assert "is openbaar" in text and "teruggetrokken" in text
    assert "Bestand verwijderen" not in text
    # Posting anyway removes nothing: the public page and download still have it.
    response = web(
        client, world.users.police, "post", f"/leren/bijlagen/{public.pk}/verwijderen", follow=True
    )
    assert "teruggetrokken" in response.content.decode()
    assert Attachment.objects.filter(pk=public.pk).exists()
    assert "draaiboek.txt" in web(client, None, "get", f"/leren/lessen/{entry.pk}").content.decode()
    response = web(client, None, "get", f"/leren/bijlagen/{public.pk}")
    assert b"".join(response.streaming_content) == b"openbaar draaiboek"
    with pytest.raises(Invalid):
        attachments.remove(world.users.police, public)
    # After withdrawal the organisation may remove it.
    services.withdraw(world.users.programme, entry, "verouderd")
    public.refresh_from_db()
    attachments.remove(world.users.police, public)
    assert not Attachment.objects.filter(pk=public.pk).exists()


def test_a_lesson_shared_with_a_file_in_one_step(world, client):
    response = web(
        client,
        world.users.police,
        "post",
        "/leren/lessen/nieuw",
        {
            "title": "Met bijlage",
            "context": "c",
            "tried": "t",
            "evidence": "idea",
            "attachment": SimpleUploadedFile("aanpak.pdf", pdf("Stappenplan")),
        },
    )
    assert response.status_code == 302
    a = Attachment.objects.get()
    assert a.name == "aanpak.pdf" and "Stappenplan" in a.text


def _new_lesson(client, user, upload):
    return web(
        client,
        user,
        "post",
        "/leren/lessen/nieuw",
        {
            "title": "Aanpak op school",
            "context": "Een eigen, lange context die niet verloren mag gaan",
            "tried": "t",
            "evidence": "idea",
            "attachment": upload,
        },
    )


def test_a_too_big_file_gives_the_form_back_with_the_text_kept(world, client, settings):
    assert settings.SAMEN_MAX_UPLOAD_BYTES == 10 * 1024 * 1024
    big = SimpleUploadedFile("groot.pdf", pdf("x") + b"0" * (11 * 1024 * 1024))
    response = _new_lesson(client, world.users.police, big)
    assert response.status_code == 400
    page = response.content.decode()
    assert "Het bestand is groter dan 10 MB." in page
    assert "Een eigen, lange context die niet verloren mag gaan" in page
    assert "kies het bestand opnieuw" in page
    assert "hoogstens 10 MB" in page  # the limit is stated on the form
    assert world.users.police.display_name in page  # still logged in
    assert not Attachment.objects.exists()
    from samen.learning.models import Lesson

    assert not Lesson.objects.exists()
    # Adding a file to an existing lesson says the same.
    entry = lesson(world.users.police)
    response = client.post(
        f"/leren/lessen/{entry.pk}/bijlagen",
        {"file": SimpleUploadedFile("groot.txt", b"a" * (10 * 1024 * 1024 + 1))},
        follow=True,
    )
    assert "Het bestand is groter dan 10 MB." in response.content.decode()


def test_a_far_too_big_body_is_refused_with_the_header_still_logged_in(world, client):
    huge = SimpleUploadedFile("enorm.txt", b"a" * (22 * 1024 * 1024))
    response = _new_lesson(client, world.users.police, huge)
    assert response.status_code == 413
    assert world.users.police.display_name in response.content.decode()


def test_a_file_named_as_a_document_must_be_that_document(world, client):
    entry = lesson(world.users.police)
    html = b"<html><body><script>alert(1)</script>Gewoon html</body></html>"
    for name in ("verslag.pdf", "plan.docx", "tabel.xlsx", "foto.png", "foto.jpg"):
        with pytest.raises(Invalid) as refused:
            attachments.add(world.users.police, entry, name, html)
        assert "de inhoud is dat niet" in str(refused.value.errors["file"])
    client.force_login(world.users.police)
    page = client.post(
        f"/leren/lessen/{entry.pk}/bijlagen",
        {"file": SimpleUploadedFile("verslag.pdf", html)},
        follow=True,
    ).content.decode()
    assert "“verslag.pdf” heet een PDF-bestand, maar de inhoud is dat niet" in page
    response = _new_lesson(client, world.users.police, SimpleUploadedFile("nep.pdf", html))
    assert response.status_code == 400
    assert "heet een PDF-bestand" in response.content.decode()
    assert not Attachment.objects.exists()
    # The real thing is accepted.
    assert attachments.add(world.users.police, entry, "echt.pdf", pdf("Echt")).kind == "pdf"

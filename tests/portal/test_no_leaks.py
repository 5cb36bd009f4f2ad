"""Try to reach what was not published through every public route: pages,
downloads, the public report files, the API (filters and search) and the
plan's own pages. Nothing may show up.

What is secret here (see tests/documents/conftest.py): the partners' own words
(PARTNERWORD), an update that was never approved (UNAPPROVEDWORD), a closed
round that was never published ("Ronde 0", "REPORTWORD earlier"), and an open
round's draft (OPENWORD).
"""

import datetime as dt
import io
import json
import zipfile

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfReader

from samen.core import taskworker
from samen.documents.models import GeneratedReport
from samen.reporting import publication, services
from samen.reporting.models import RoundLetter
from tests.reporting.world import fill

SECRETS = (
    "PARTNERWORD",
    "UNAPPROVEDWORD",
    "REPORTWORD earlier",
    "Ronde 0",
    "OPENWORD",
    "INTRODRAFT",
)
# Search words that would find a secret, without being one (a page may repeat the query).
PROBES = (
    "PARTNERW",
    "UNAPPROVEDW",
    "earlier",
    "OPENW",
    "Ronde",
    "REPORTWORD",
    "Forty",
    "INTROD",
)


@pytest.fixture
def published(reported):
    programme = reported.users.programme
    open_round = services.create_round(
        programme,
        services.RoundData(
            "Ronde 2 OPENWORD",
            dt.date(2026, 7, 1),
            dt.date(2026, 12, 31),
            timezone.localdate(),
            timezone.now() + dt.timedelta(days=10),
        ),
    )
    services.open_round(programme, open_round)
    draft = open_round.updates.get(action__code="A.1")
    fill(reported.users.police, draft, achievements="OPENWORD draft")
    # The letter's working text stays internal; the text the report uses goes public.
    RoundLetter.objects.create(
        round=reported.round,
        introduction="INTRODRAFT working text",
        report_introduction="The published introduction",
        subject="Kamerbrief",
    )
    RoundLetter.objects.create(round=open_round, report_introduction="OPENWORD introduction")
    RoundLetter.objects.create(round=reported.earlier, report_introduction="REPORTWORD earlier")
    publication.publish_round(programme, reported.round)
    reported.open_round = open_round
    return reported


def text_of(response) -> str:
    """What a person would read in a response, whatever its format."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "wordprocessingml" in kind:
        doc = Document(io.BytesIO(body))
        cells = [c.text for t in doc.tables for row in t.rows for c in row.cells]
        return "\n".join([p.text for p in doc.paragraphs] + cells)
    if "spreadsheetml" in kind:
        with zipfile.ZipFile(io.BytesIO(body)) as z:
            return "\n".join(z.read(n).decode() for n in z.namelist() if n.endswith(".xml"))
    if "pdf" in kind:
        return "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(body)).pages)
    if "json" in kind:
        return json.dumps(json.loads(body), ensure_ascii=False)
    return body.decode()


def assert_clean(response, where):
    text = text_of(response)
    for secret in SECRETS:
        assert secret not in text, f"{secret!r} leaks through {where}"
    return text


def public_urls(r):
    ids = [r.round.pk, r.earlier.pk, r.open_round.pk, 9999]
    urls = [
        "/openbaar",
        "/openbaar/open-data",
        "/",
        "/acties",
        "/dekking",
        "/versies",
        "/organisaties",
    ]
    for word in PROBES:
        urls += [f"/openbaar/rondes/{r.round.pk}?q={word}", f"/acties?q={word}"]
    for param, values in {
        "actionLine": ["1", "2", "none"],
        "exploitationForm": ["sexual", "labour", "criminal"],
        "status": ["on_track", "at_risk", "delayed", "completed", "not_reported"],
    }.items():
        urls += [f"/openbaar/rondes/{r.round.pk}?{param}={v}" for v in values]
    urls += [f"/openbaar/rondes/{i}" for i in ids]
    for dataset in ("plan", "voortgang"):
        for fmt in ("csv", "xlsx", "json"):
            urls.append(f"/openbaar/open-data/{dataset}.{fmt}")
            urls += [f"/openbaar/open-data/{dataset}.{fmt}?ronde={i}" for i in ids]
    urls += ["/acties/A.1", "/acties/A.2", "/organisaties/police", "/organisaties/ngo"]
    urls += ["/uitbuitingsvormen/sexual", "/uitbuitingsvormen/labour"]
    urls += ["/api/v1/published-rounds", "/api/v1/published-rounds?pageSize=500"]
    for i in ids:
        urls += [f"/api/v1/published-rounds/{i}", f"/api/v1/published-rounds/{i}/updates"]
    for word in PROBES:
        urls.append(f"/api/v1/published-rounds/{r.round.pk}/updates?q={word}")
    for status in ("on_track", "at_risk", "delayed", "completed"):
        urls.append(f"/api/v1/published-rounds/{r.round.pk}/updates?status={status}")
    urls += [f"/api/v1/published-rounds/{r.round.pk}/updates?organisation=ngo"]
    urls += [f"/api/v1/published-rounds/{r.round.pk}/updates?actionLine=L1"]
    urls += ["/api/v1/reporting-rounds", "/api/v1/progress-updates", "/api/v1/actions?q=PARTNERW"]
    return urls


def test_nothing_unpublished_is_reachable_without_login(published):
    client = Client()
    seen_published = seen_introduction = False
    for url in public_urls(published):
        response = client.get(url)
        assert response.status_code in (200, 302, 400, 401, 404), url
        text = assert_clean(response, url)
        seen_published |= "Forty" in text
        seen_introduction |= "The published introduction" in text
    # The crawl did reach the published text, so it looked in the right places.
    assert seen_published and seen_introduction


def test_unpublished_rounds_are_unknown_to_the_public(published):
    client = Client()
    for r in (published.earlier, published.open_round):
        assert client.get(f"/openbaar/rondes/{r.pk}").status_code == 404
        assert client.get(f"/api/v1/published-rounds/{r.pk}").status_code == 404
        assert client.get(f"/api/v1/published-rounds/{r.pk}/updates").status_code == 404
        assert client.get(f"/openbaar/open-data/voortgang.csv?ronde={r.pk}").status_code == 404
        assert client.post(f"/openbaar/rondes/{r.pk}/rapport/pdf").status_code == 404
    listed = client.get("/api/v1/published-rounds").json()
    assert [x["id"] for x in listed["results"]] == [published.round.pk]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("fmt", ["docx", "pdf", "html"])
def test_public_report_files_hold_only_published_text(
    published, fmt, django_capture_on_commit_callbacks
):
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/openbaar/rondes/{published.round.pk}/rapport/{fmt}")
    assert response.status_code == 302
    taskworker.run_pending()
    file = GeneratedReport.objects.get(layer="public", format=fmt)
    download = client.get(reverse("report-download", args=[file.pk]))
    text = assert_clean(download, f"the public {fmt} report")
    assert "Forty" in text
    # The internal report of the same round stays with the programme team.
    from samen.documents import services as documents

    internal = documents.request_report(published.users.programme, published.round, fmt)
    assert client.get(reverse("report-download", args=[internal.pk])).status_code == 404
    assert client.get(reverse("report", args=[published.round.pk])).status_code == 302


def test_before_publication_the_portal_shows_nothing_of_the_round(reported):
    client = Client()
    home = client.get("/openbaar").content.decode()
    assert "Ronde 1" not in home and "Er is nog geen voortgang gepubliceerd." in home
    assert client.get(f"/openbaar/rondes/{reported.round.pk}").status_code == 404
    data = client.get("/openbaar/open-data/voortgang.json").json()
    assert data["count"] == 0 and data["records"] == []
    assert client.get("/api/v1/published-rounds").json()["count"] == 0

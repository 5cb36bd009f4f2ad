"""Motions from the open data of the Tweede Kamer (the "gegevensmagazijn", OData v4).

The file is what the Tweede Kamer's OData API answers for cases (`Zaak`) of the
kind "Motie", with their submitters, dossiers and decisions expanded, e.g.

    GET https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/Zaak
        ?$filter=Soort eq 'Motie' and Kamerstukdossier/any(d: d/Nummer eq 28638)
        &$expand=ZaakActor,Kamerstukdossier,Besluit

that is `{"@odata.context": "...", "value": [<Zaak>, ...]}`; a bare list of
Zaak records is accepted too. The fields read are a faithful subset of the
entity (names as the API writes them):

| field | use |
|---|---|
| `Id` (text, required) | the case's identity; a second import updates the same motion |
| `Nummer` (text, required) | the case number, e.g. `2023Z17234` |
| `Soort` (text, required) | only `Motie` is imported; other kinds are skipped and counted |
| `Onderwerp` (text, required) | the title, e.g. "Motie van de leden Bikker en Mutluer over ..." |
| `GestartOp` (date-time) | the date of the motion |
| `Volgnummer` (number) | with the dossier: the Kamerstuk number 28 638-229 |
| `Status`, `Afgedaan` | `Status` "Ingetrokken" marks a withdrawn motion |
| `Verwijderd` (yes/no) | deleted records are skipped |
| `Kamerstukdossier` (list) | `Nummer` (28638) and `Toevoeging` of the dossier |
| `ZaakActor` (list) | `Relatie` "Indiener"/"Medeindiener" with `ActorNaam`, `ActorFractie`: the submitters |
| `Besluit` (list) | `BesluitSoort`/`BesluitTekst` "Aangenomen"/"Verworpen"/"Aangehouden": the decision |
| `Document` (list) | `Volgnummer` of the motion document, when the case has none |

Everything else in a record is ignored. Every problem names the file, the
record and the field; a file with any problem imports nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from samen.core import safeload
from samen.plan import document as doc

from .models import Motion

ODATA_ZAAK = "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/Zaak({id})"
MOTION_KIND = "Motie"
SUBMITTER_ROLES = ("Indiener", "Medeindiener")
# Records in one file: a debate's motions number in the tens, a dossier's in the hundreds.
MAX_RECORDS = 5_000


@dataclass(frozen=True)
class MotionRecord:
    tk_id: str
    tk_number: str
    title_nl: str
    date: dt.date | None
    kamerstuk: str
    submitters: tuple[str, ...]
    decision: str | None  # None: the file says nothing about it
    source: str
    kind: str = "motion"  # Motion.Kind: a Zaak "Motie", or a Toezegging (commitment)
    status: str | None = None  # for a commitment: its status as the Kamer keeps it


@dataclass
class ReadResult:
    records: list[MotionRecord] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> number
    warnings: list[str] = field(default_factory=list)
    next_links: list[str] = field(default_factory=list)
    entity: str = ""  # "Zaak" or "Toezegging"

    def extend(self, other: ReadResult) -> None:
        self.records += other.records
        self.skipped.update(other.skipped)
        self.warnings += other.warnings


ODATA_TOEZEGGING = "https://gegevensmagazijn.tweedekamer.nl/OData/v4/2.0/Toezegging({id})"
ENTITIES = ("Zaak", "Toezegging")
COMMITMENT_STATUSES = {
    "openstaand": "open",
    "open": "open",
    "deels voldaan": "in_progress",
    "gedeeltelijk voldaan": "in_progress",
    "voldaan": "done",
    "afgedaan": "done",
}
MAX_PAGES = 200


def load_json(content: bytes) -> Any:
    """The one place a Kamer file's bytes are parsed (json.loads on UTF-8)."""
    return json.loads(content.decode("utf-8-sig"))


def entity_of(data: Any, items: list[Any]) -> str:
    """The entity a file holds: from `@odata.context` ("…/$metadata#Toezegging"),
    else from the fields of its first record."""
    context = data.get("@odata.context") if isinstance(data, dict) else None
    if isinstance(context, str) and "#" in context:
        return re.split(r"[(/]", context.rsplit("#", 1)[1])[0] or "?"
    first = next((i for i in items if isinstance(i, dict) and not i.get("Verwijderd")), None)
    if first is None or "Soort" in first or "Onderwerp" in first:
        return "Zaak"
    if "Tekst" in first or "DatumNakoming" in first:
        return "Toezegging"
    return "?"


class _Errors:
    def __init__(self, filename: str) -> None:
        self.filename = filename
        self.items: list[doc.DocumentError] = []

    def add(self, index: int | None, number: str, key: str, message: str) -> None:
        where = self.filename
        if index is not None:
            where += ", " + _("record %(n)s") % {"n": index + 1}
            if number:
                where += f" ({number})"
        if key:
            where += ", " + _("field %(name)s") % {"name": key}
        self.items.append(doc.DocumentError((), message, where))


def read_zaken(content: bytes, filename: str) -> ReadResult:
    """Check a file of Zaak records; return the motions, or raise
    PlanDocumentInvalid with every problem found."""
    errors = _Errors(filename)
    limit = settings.SAMEN_MAX_UPLOAD_BYTES
    if len(content) > limit:
        errors.add(
            None,
            "",
            "",
            _("the file is %(size)s bytes; at most %(max)s allowed")
            % {"size": len(content), "max": limit},
        )
        raise doc.PlanDocumentInvalid(errors.items, filename)
    try:
        data = safeload.safe_json(content, filename, safeload.default_limits(records=MAX_RECORDS))
    except UnicodeDecodeError:
        errors.add(
            None, "", "", _("not a UTF-8 text file; expected JSON from the Tweede Kamer open data")
        )
        raise doc.PlanDocumentInvalid(errors.items, filename) from None
    except json.JSONDecodeError as exc:
        errors.add(
            None,
            "",
            "",
            _("not valid JSON: %(error)s (line %(line)s, column %(column)s)")
            % {"error": exc.msg, "line": exc.lineno, "column": exc.colno},
        )
        raise doc.PlanDocumentInvalid(errors.items, filename) from None
    if isinstance(data, dict) and isinstance(data.get("value"), list):
        items = data["value"]
    elif isinstance(data, list):
        items = data
    else:
        errors.add(
            None,
            "",
            "",
            _('expected an OData answer {"value": [Zaak records]} or a list of Zaak records'),
        )
        raise doc.PlanDocumentInvalid(errors.items, filename)
    result = ReadResult()
    entity = entity_of(data, items)
    result.entity = entity
    if entity not in ENTITIES:
        errors.add(
            None,
            "",
            "",
            _(
                "the file holds %(entity)s records; samen imports Zaak records (motions) and "
                "Toezegging records (commitments)"
            )
            % {"entity": entity},
        )
        raise doc.PlanDocumentInvalid(errors.items, filename)
    next_link = data.get("@odata.nextLink") if isinstance(data, dict) else None
    if isinstance(next_link, str) and next_link:
        result.next_links.append(next_link)
        result.warnings.append(
            _(
                "%(file)s is one page of a longer answer: more records are at %(link)s. Import "
                "all pages together (several files at once, or --url to fetch them)."
            )
            % {"file": filename, "link": next_link}
        )
    read = _read_commitment if entity == "Toezegging" else _read_record
    seen: dict[str, int] = {}
    for index, item in enumerate(items):
        record = read(item, index, errors, result)
        if record is None:
            continue
        if record.tk_id in seen:
            errors.add(
                index,
                record.tk_number,
                "Id",
                _("the same case as record %(n)s") % {"n": seen[record.tk_id] + 1},
            )
            continue
        seen[record.tk_id] = index
        result.records.append(record)
    if errors.items:
        raise doc.PlanDocumentInvalid(errors.items, filename)
    return result


def _read_record(item: Any, index: int, errors: _Errors, result: ReadResult) -> MotionRecord | None:
    if not isinstance(item, dict):
        errors.add(
            index,
            "",
            "",
            _("expected a Zaak record (an object), got %(type)s") % {"type": _type_name(item)},
        )
        return None
    number = str(item["Nummer"]) if isinstance(item.get("Nummer"), str) else ""
    before = len(errors.items)

    def text(key: str, *, required: bool = False, max_length: int = 600) -> str:
        value = item.get(key)
        if value is None or value == "":
            if required:
                errors.add(index, number, key, _("is required"))
            return ""
        if not isinstance(value, str):
            errors.add(
                index,
                number,
                key,
                _("expected text, got %(type)s") % {"type": _type_name(value)},
            )
            return ""
        if len(value.strip()) > max_length:
            errors.add(
                index,
                number,
                key,
                _("is %(n)s characters long; at most %(max)s allowed")
                % {"n": len(value.strip()), "max": max_length},
            )
        return value.strip()

    if _deleted(item, index, number, errors, result):
        return None
    kind = text("Soort", required=True, max_length=100)
    if kind and kind != MOTION_KIND:
        result.skipped[kind] += 1
        return None
    tk_id = text("Id", required=True, max_length=40)
    tk_number = text("Nummer", required=True, max_length=20)
    title = text("Onderwerp", required=True, max_length=600)
    date = _date(
        item.get("GestartOp"), lambda message: errors.add(index, number, "GestartOp", message)
    )
    lists = {
        key: _list(item, key, index, number, errors)
        for key in ("Kamerstukdossier", "ZaakActor", "Besluit", "Document")
    }
    kamerstuk = _kamerstuk(
        item, lists["Kamerstukdossier"], lists["Document"], index, number, errors
    )
    submitters = _submitters(lists["ZaakActor"], index, number, errors)
    decision = _decision(item, lists["Besluit"])
    if len(errors.items) > before:
        return None
    return MotionRecord(
        tk_id=tk_id,
        tk_number=tk_number,
        title_nl=title,
        date=date,
        kamerstuk=kamerstuk,
        submitters=submitters,
        decision=decision,
        source=ODATA_ZAAK.format(id=tk_id),
    )


def _deleted(
    item: dict[str, Any], index: int, number: str, errors: _Errors, result: ReadResult
) -> bool:
    """A deleted record is skipped (and counted) before any other check: its
    fields are null in the Kamer's data."""
    deleted = item.get("Verwijderd")
    if deleted not in (None, True, False):
        errors.add(
            index,
            number,
            "Verwijderd",
            _("expected true or false, got %(value)r") % {"value": deleted},
        )
    if deleted is True:
        result.skipped[_("deleted in the source")] += 1
        return True
    return False


def _read_commitment(
    item: Any, index: int, errors: _Errors, result: ReadResult
) -> MotionRecord | None:
    """A Toezegging: `Id`, `Nummer`, `Tekst` (the title), `Status` (Openstaand,
    Deels voldaan, Voldaan), `DatumNakoming` (the date it is due to be met)."""
    if not isinstance(item, dict):
        errors.add(
            index,
            "",
            "",
            _("expected a Toezegging record (an object), got %(type)s")
            % {"type": _type_name(item)},
        )
        return None
    number = str(item["Nummer"]) if isinstance(item.get("Nummer"), str) else ""
    if _deleted(item, index, number, errors, result):
        return None
    before = len(errors.items)
    values = {}
    for key, limit in (("Id", 40), ("Nummer", 20), ("Tekst", 600)):
        value = item.get(key)
        if not isinstance(value, str) or not value.strip():
            errors.add(index, number, key, _("is required"))
        elif len(value.strip()) > limit:
            errors.add(
                index,
                number,
                key,
                _("is %(n)s characters long; at most %(max)s allowed")
                % {"n": len(value.strip()), "max": limit},
            )
        values[key] = value.strip() if isinstance(value, str) else ""
    status = None
    raw_status = item.get("Status")
    if raw_status not in (None, ""):
        status = COMMITMENT_STATUSES.get(str(raw_status).strip().lower())
        if status is None:
            errors.add(
                index,
                number,
                "Status",
                _("unknown status %(value)r; accepted: Openstaand, Deels voldaan, Voldaan")
                % {"value": raw_status},
            )
    date = _date(
        item.get("DatumNakoming"),
        lambda message: errors.add(index, number, "DatumNakoming", message),
    )
    if len(errors.items) > before:
        return None
    who = item.get("Naam") or item.get("Achternaam")
    return MotionRecord(
        tk_id=values["Id"],
        tk_number=values["Nummer"],
        title_nl=values["Tekst"],
        date=date,
        kamerstuk="",
        submitters=(str(who).strip(),) if isinstance(who, str) and who.strip() else (),
        decision=None,
        source=ODATA_TOEZEGGING.format(id=values["Id"]),
        kind="commitment",
        status=status,
    )


def read_files(files: list[tuple[bytes, str]]) -> ReadResult:
    """Several page files of one answer, read together: a record in two pages
    is one record. Raises PlanDocumentInvalid with the problems of every file."""
    result = ReadResult()
    problems: list[doc.DocumentError] = []
    # Per entity (Zaak, Toezegging): ($skip of the link, file, warning).
    open_ends: dict[str, list[tuple[int, str, str]]] = {}
    pages: Counter[str] = Counter()
    for content, filename in files:
        try:
            page = read_zaken(content, filename)
        except doc.PlanDocumentInvalid as exc:
            problems += exc.errors
            continue
        pages[page.entity] += 1
        if page.next_links:
            skip = re.search(r"\$skip=(\d+)", page.next_links[-1])
            warning = next(w for w in page.warnings if page.next_links[-1] in w)
            ends = open_ends.setdefault(page.entity, [])
            ends.append((int(skip[1]) if skip else len(ends), filename, warning))
        result.extend(page)
    if problems:
        raise doc.PlanDocumentInvalid(problems, ", ".join(name for _c, name in files))
    unique: dict[str, MotionRecord] = {}
    for record in result.records:
        unique.setdefault(record.tk_id, record)
    result.records = list(unique.values())
    # Pages of one entity given together: a next link that points at one of
    # them is not a warning. When every page of an entity has one, its last page
    # (the furthest link) still points at more records. A file of another
    # entity (commitments beside motions) does not hide that warning.
    links = {end[2] for ends in open_ends.values() for end in ends}
    result.warnings = [w for w in result.warnings if w not in links]
    for entity, ends in open_ends.items():
        if len(ends) == pages[entity]:
            result.warnings.append(max(ends)[2])
    return result


def fetch_pages(url: str, opener: Any = None) -> list[tuple[bytes, str]]:
    """Every page of an OData answer, following `@odata.nextLink` (at most
    MAX_PAGES pages). Returns (content, name) per page. Raises OSError."""
    from urllib.request import urlopen

    opener = opener or urlopen
    pages = []
    seen = set()
    while url and url not in seen and len(pages) < MAX_PAGES:
        seen.add(url)
        with opener(url, timeout=60) as response:
            content = response.read(settings.SAMEN_MAX_UPLOAD_BYTES + 1)
        pages.append((content, _("page %(n)s") % {"n": len(pages) + 1}))
        try:
            data = load_json(content)
        except ValueError:
            break
        link = data.get("@odata.nextLink") if isinstance(data, dict) else None
        url = link if isinstance(link, str) else ""
    return pages


def _type_name(value: Any) -> str:
    if isinstance(value, bool):
        return _("true/false")
    if isinstance(value, (int, float)):
        return _("a number")
    names: dict[type, str] = {dict: _("an object"), list: _("a list"), str: _("text")}
    return names.get(type(value), type(value).__name__)


def _list(
    item: dict[str, Any], key: str, index: int, number: str, errors: _Errors
) -> list[dict[str, Any]]:
    value = item.get(key)
    if value is None:
        return []
    if isinstance(value, dict):  # a single expanded entity
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        errors.add(
            index,
            number,
            key,
            _("expected a list of records, got %(type)s") % {"type": _type_name(value)},
        )
        return []
    return value


def _date(value: Any, fail: Any) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            moment = dt.datetime.fromisoformat(value.strip())
        except ValueError:
            moment = None
        if moment is not None:
            if timezone.is_aware(moment):
                moment = timezone.localtime(moment)
            return moment.date()
    fail(
        _("expected a date and time such as 2023-10-03T00:00:00+02:00, got %(value)r")
        % {"value": value}
    )
    return None


def _whole(value: Any) -> int | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    return None


def _kamerstuk(
    item: dict[str, Any],
    dossiers: list[dict[str, Any]],
    documents: list[dict[str, Any]],
    index: int,
    number: str,
    errors: _Errors,
) -> str:
    """28 638-229: the dossier number, its addition if any, and the motion's number in it."""
    if not dossiers:
        return ""
    dossier = _whole(dossiers[0].get("Nummer"))
    if dossier is None:
        errors.add(
            index,
            number,
            "Kamerstukdossier.Nummer",
            _("expected a whole number such as 28638, got %(value)r")
            % {"value": dossiers[0].get("Nummer")},
        )
        return ""
    addition = dossiers[0].get("Toevoeging")
    serial = _whole(item.get("Volgnummer"))
    if item.get("Volgnummer") not in (None, "") and serial is None:
        errors.add(
            index,
            number,
            "Volgnummer",
            _("expected a whole number, got %(value)r") % {"value": item.get("Volgnummer")},
        )
    if serial is None:
        motion_documents = [d for d in documents if d.get("Soort") in (None, MOTION_KIND)]
        serial = next(
            (_whole(d.get("Volgnummer")) for d in motion_documents if _whole(d.get("Volgnummer"))),
            None,
        )
    text = f"{dossier:,}".replace(",", " ")
    if isinstance(addition, str) and addition.strip():
        text += f"-{addition.strip()}"
    return f"{text}-{serial}" if serial is not None else text


def _submitters(
    actors: list[dict[str, Any]], index: int, number: str, errors: _Errors
) -> tuple[str, ...]:
    out = []
    for role in SUBMITTER_ROLES:
        for actor in actors:
            if actor.get("Relatie") != role:
                continue
            name = actor.get("ActorNaam")
            if not isinstance(name, str) or not name.strip():
                errors.add(index, number, "ZaakActor.ActorNaam", _("a submitter without a name"))
                continue
            party = actor.get("ActorFractie")
            out.append(
                f"{name.strip()} ({party.strip()})"
                if isinstance(party, str) and party.strip()
                else name.strip()
            )
    return tuple(dict.fromkeys(out))


DECISION_WORDS = (
    ("aangenomen", Motion.Decision.ADOPTED),
    ("verworpen", Motion.Decision.REJECTED),
    ("ingetrokken", Motion.Decision.WITHDRAWN),
    ("aangehouden", Motion.Decision.HELD),
)


def _decision(item: dict[str, Any], decisions: list[dict[str, Any]]) -> str | None:
    texts = [
        str(d.get(key) or "").lower() for d in decisions for key in ("BesluitSoort", "BesluitTekst")
    ]
    texts.append(str(item.get("Status") or "").lower())
    for word, decision in DECISION_WORDS:
        if any(word in text for text in texts):
            return str(decision)
    return None

"""Overlap datasets: an analyst's capture-history table, read and checked by the engine's
own reader (`samen.mse.read_capture_csv`), stored with its metadata (issue 10 item 2).

The reader's coded errors (`samen.mse.messages`) come back in the user's language with
the row and column they name; a file with any error stores nothing. Only aggregated
tables are accepted: a table must have a count column (`count`, `n` or `freq`), so a
file of one row per person is refused rather than counted.
"""

from __future__ import annotations

import csv
import hashlib
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils.translation import gettext as _

from samen.accounts import access
from samen.accounts.access import Denied
from samen.core import audit
from samen.core.text import UnsafeText, clean_text

from . import engine_messages
from .models import OverlapDataset, Register

if TYPE_CHECKING:
    from samen.mse import CaptureTable

#: A capture-history table is small (one row per combination of lists and strata); the
#: web and API refuse larger files before reading them. The engine's own limit is 64 MB.
MAX_UPLOAD_BYTES = 2 * 1024 * 1024
#: The count column's headings the engine recognises (any mix of capitals).
COUNT_HEADINGS = ("count", "n", "freq")
MAX_NAME = 200


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an uploaded table, in the user's language.

    `code` is the engine's message code (or ``no_count_column``/``too_large``/...
    for the app's own checks); `row` the line in the file (header = 1); `column` its
    heading.
    """

    code: str
    text: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        where = []
        if self.row is not None:
            where.append(_("row %(row)s") % {"row": self.row})
        if self.column:
            where.append(_("column '%(column)s'") % {"column": self.column})
        return f"{', '.join(where)}: {self.text}" if where else self.text


class DatasetInvalid(Exception):
    """The table or its metadata cannot be used; nothing was stored.

    `problems` are the file's problems (`Problem`), `errors` the metadata fields'
    (field name -> message).
    """

    def __init__(
        self, problems: Sequence[Problem] = (), errors: dict[str, str] | None = None
    ) -> None:
        self.problems = list(problems)
        self.errors = dict(errors or {})
        super().__init__("; ".join([*map(str, self.problems), *self.errors.values()]))


@dataclass
class DatasetData:
    """What the analyst says about a table besides its content."""

    name: str
    period_start: int
    period_end: int
    population_definition: str = ""
    description: str = ""
    covariates: list[str] = field(default_factory=list)
    exploitation_form: Any = None
    age_group: Any = None


def content_hash(text: str) -> str:
    """SHA-256 (hex, 64 characters) of the stored CSV text, as UTF-8."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _header(text: str) -> list[str]:
    first = text.split("\n", 1)[0].rstrip("\r")
    separator = max((",", ";", "\t"), key=first.count)
    return [h.strip().strip('"') for h in first.split(separator)]


def check_upload(content: bytes, file_name: str) -> None:
    """Parse an uploaded table once through `samen.core.safeload` (ADR 0009), in its
    bounded child process, before anything else reads it: rows, columns, cells, the
    length of a line or cell, characters that cannot be stored, a workbook or other
    binary file sent as CSV. Raises DatasetInvalid with safeload's message (in the
    user's language) naming the bound; an undecodable file gets the engine's own
    'not UTF-8' message."""
    from samen.core import safeload

    if len(content) > MAX_UPLOAD_BYTES:
        return  # read_table says so, in the engine's words
    try:
        safeload.safe_csv(content, file_name, safeload.default_limits(bytes=MAX_UPLOAD_BYTES))
    except safeload.FileRefused as exc:
        message = "; ".join(e.message for e in exc.errors)
        raise DatasetInvalid([Problem(f"refused_{exc.code}", message)]) from None
    except UnicodeDecodeError:
        raise DatasetInvalid(
            [Problem("file_not_utf8", engine_messages.text("file_not_utf8", {}))]
        ) from None
    except csv.Error:
        pass  # the engine's reader names the problem with its row


def read_table(
    content: bytes, file_name: str, covariates: Sequence[str] = ()
) -> tuple[str, CaptureTable]:
    """Decode and read an uploaded capture-history CSV with the engine's reader.

    Parameters
    ----------
    content : bytes
        The file as uploaded (UTF-8, a byte-order mark allowed).
    file_name : str
        Its name, for the messages.
    covariates : sequence of str
        Columns that hold strata or covariates (year, form, age); every other column
        except the count is a list (0/1).

    Returns
    -------
    (text, table)
        The CSV text as it will be stored, and the engine's `CaptureTable`.

    Raises
    ------
    DatasetInvalid
        With one `Problem`: too large, not UTF-8, a character that cannot be stored, no
        count column, or the reader's first error (`CaptureDataError`, translated).
    """
    from samen.mse import CaptureDataError, read_capture_csv

    if len(content) > MAX_UPLOAD_BYTES:
        raise DatasetInvalid(
            [
                Problem(
                    "file_too_large",
                    engine_messages.text(
                        "file_too_large", {"size": len(content), "limit": MAX_UPLOAD_BYTES}
                    ),
                )
            ]
        )
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DatasetInvalid(
            [Problem("file_not_utf8", engine_messages.text("file_not_utf8", {}))]
        ) from None
    try:
        text = clean_text(text, file_name)
    except UnsafeText as exc:
        raise DatasetInvalid([Problem("unsafe_character", exc.reason)]) from None
    text = text.replace("\r\n", "\n")
    header = _header(text)
    if text.strip() and not any(h.lower() in COUNT_HEADINGS for h in header):
        raise DatasetInvalid(
            [
                Problem(
                    "no_count_column",
                    _(
                        "The table has no count column (count, n or freq). samen stores "
                        "aggregated tables only: one row per combination of lists with its "
                        "number of cases, never one row per person."
                    ),
                    row=1,
                )
            ]
        )
    counted = [c for c in covariates if c.lower() in COUNT_HEADINGS]
    if counted:
        raise DatasetInvalid(
            [
                Problem(
                    "count_as_covariate",
                    _("'%(name)s' is the count column; it cannot be a stratum or covariate.")
                    % {"name": counted[0]},
                    column=counted[0],
                )
            ]
        )
    safe_name = Path(file_name).name or "upload.csv"
    with tempfile.TemporaryDirectory(prefix="samen-overlap-") as folder:
        path = Path(folder) / safe_name
        path.write_text(text, encoding="utf-8")
        try:
            table = read_capture_csv(path, covariates=list(covariates))
        except CaptureDataError as exc:
            params = dict(exc.params)
            if "file" in params:
                params["file"] = safe_name
            raise DatasetInvalid(
                [Problem(exc.code, engine_messages.text(exc.code, params), exc.row, exc.column)]
            ) from None
    return text, table


def table_of(dataset: OverlapDataset) -> CaptureTable:
    """The engine's table of a stored dataset (its list and covariate columns)."""
    _text, table = read_table(
        dataset.content.encode("utf-8"), dataset.file_name or "table.csv", covariates_of(dataset)
    )
    return table


def covariates_of(dataset: OverlapDataset) -> list[str]:
    """Columns of the stored table that are neither a list nor the count."""
    lists = {entry["column"] for entry in dataset.lists}
    return [
        h for h in _header(dataset.content) if h not in lists and h.lower() not in COUNT_HEADINGS
    ]


def state(dataset: OverlapDataset) -> dict[str, Any]:
    """The audited state of a dataset (its content by hash)."""
    return {
        "name": dataset.name,
        "description": dataset.description,
        "lists": dataset.lists,
        "period_start": dataset.period_start,
        "period_end": dataset.period_end,
        "population_definition": dataset.population_definition,
        "exploitation_form": dataset.exploitation_form_id,
        "age_group": dataset.age_group_id,
        "content_hash": dataset.content_hash,
        "file_name": dataset.file_name,
        "observed": dataset.observed,
    }


def _check_metadata(data: DatasetData) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not data.name.strip():
        errors["name"] = _("Give the dataset a name.")
    elif len(data.name) > MAX_NAME:
        errors["name"] = _("At most %(max)s characters.") % {"max": MAX_NAME}
    if not 1900 <= data.period_start <= 2100:
        errors["period_start"] = _("A year between 1900 and 2100.")
    if not 1900 <= data.period_end <= 2100:
        errors["period_end"] = _("A year between 1900 and 2100.")
    elif data.period_end < data.period_start:
        errors["period_end"] = _("The last year cannot come before the first year.")
    return errors


def create_dataset(user: Any, data: DatasetData, content: bytes, file_name: str) -> OverlapDataset:
    """Check and store an uploaded table as a named dataset (analysts only).

    Every list column starts labelled with its own heading and no register; the analyst
    names the registers with `set_lists`. Audited as ``create``.

    Raises
    ------
    Denied
        For anyone but an analyst.
    DatasetInvalid
        For any problem in the file or the metadata; nothing is stored.
    """
    if not access.can_create_estimates(user):
        raise Denied(_("Only analysts upload overlap tables."))
    errors = _check_metadata(data)
    try:
        check_upload(content, file_name)
        text, table = read_table(content, file_name, data.covariates)
    except DatasetInvalid as exc:
        raise DatasetInvalid(exc.problems, errors) from None
    if errors:
        raise DatasetInvalid((), errors)
    with transaction.atomic():
        dataset = OverlapDataset.objects.create(
            name=data.name.strip(),
            description=data.description,
            lists=[{"column": name, "register": None, "label": name} for name in table.lists],
            period_start=data.period_start,
            period_end=data.period_end,
            population_definition=data.population_definition,
            exploitation_form=data.exploitation_form,
            age_group=data.age_group,
            content=text,
            content_hash=content_hash(text),
            file_name=Path(file_name).name[:255],
            observed=table.observed,
            created_by=user,
        )
        audit.record(actor=user, kind="create", obj=dataset, after=state(dataset))
    return dataset


def set_lists(user: Any, dataset: OverlapDataset, lists: dict[str, tuple[int | None, str]]) -> None:
    """Say which register each list column is, and how to call it.

    `lists` maps a list column to ``(register id or None, label)``. The table itself
    never changes (runs refer to its hash). Audited as ``update``.

    Raises
    ------
    Denied
        For anyone but an analyst.
    DatasetInvalid
        For an unknown column or register.
    """
    if not access.can_create_estimates(user):
        raise Denied(_("Only analysts describe overlap tables."))
    columns = [entry["column"] for entry in dataset.lists]
    errors: dict[str, str] = {}
    registers = set(Register.objects.values_list("pk", flat=True))
    for column, (register, label) in lists.items():
        if column not in columns:
            errors[column] = _("Unknown list column '%(column)s'.") % {"column": column}
        elif register is not None and register not in registers:
            errors[column] = _("Unknown register.")
        elif len(label) > MAX_NAME:
            errors[column] = _("At most %(max)s characters.") % {"max": MAX_NAME}
    if errors:
        raise DatasetInvalid((), errors)
    with transaction.atomic():
        locked = OverlapDataset.objects.select_for_update().get(pk=dataset.pk)
        before = state(locked)
        new = []
        for entry in locked.lists:
            register, label = lists.get(entry["column"], (entry["register"], entry["label"]))
            new.append(
                {
                    "column": entry["column"],
                    "register": register,
                    "label": label.strip() or entry["column"],
                }
            )
        locked.lists = new
        locked.save(update_fields=["lists"])
        audit.record(actor=user, kind="update", obj=locked, before=before, after=state(locked))
    dataset.lists = new


def list_labels(
    dataset: OverlapDataset, registers: dict[int, Register] | None = None
) -> list[dict[str, Any]]:
    """Each list column with its label and register (name), for pages and the API."""
    registers = (
        registers
        if registers is not None
        else Register.objects.in_bulk([e["register"] for e in dataset.lists if e.get("register")])
    )
    return [
        {
            "column": e["column"],
            "label": e.get("label") or e["column"],
            "register": registers.get(e.get("register")) if e.get("register") else None,
        }
        for e in dataset.lists
    ]

"""The parsers behind `samen.core.safeload`, free of Django so that the child process
that runs them starts in a fraction of a second (`python -m samen.core.safeparse`).

Nothing here translates or touches the database: a crossed bound raises `Limit` (a code
and its parameters), which `safeload.FileRefused` turns into a message. See
`samen.core.safeload` for what is checked, in which order, and why.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import json
import math
import pickle
import re
import sys
import zipfile
from collections.abc import Mapping
from typing import Any

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # old .xls and encrypted OOXML files
ZIP_MAGIC = b"PK\x03\x04"
# The characters the input boundary refuses (samen.core.text._REFUSED, kept in step by a test).
_REFUSED_CHAR = re.compile("[\x00-\x08\x0e-\x1d\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


@dataclasses.dataclass(frozen=True)
class Limits:
    """The bounds every loader checks. Sizes in bytes, times in seconds.

    Defaults suit the plan, allocations and motions files (a plan holds hundreds of
    actions; a motions file a few hundred records); an importer may pass narrower
    or wider ones (`Limits(records=...)`).
    """

    bytes: int = 10 * 1024 * 1024  # file size (the upload limit, SAMEN_MAX_UPLOAD_BYTES)
    depth: int = 32  # nesting of lists and mappings
    nodes: int = 500_000  # values in a document (lists, mappings, scalars)
    records: int = 10_000  # items in one list or mapping; rows of a CSV file
    string: int = 100_000  # characters in one text or cell
    key: int = 200  # characters in one key of a mapping (field names, codes)
    number: int = 40  # characters of one number (digits, sign, point, exponent)
    rows: int = 20_000  # rows of a sheet or CSV file
    columns: int = 200  # columns of a sheet or CSV file
    cells: int = 250_000  # cells of a sheet or CSV file
    parts: int = 300  # files inside an XLSX (zip) archive
    unpacked: int = 100 * 1024 * 1024  # their total unpacked size
    ratio: int = 100  # unpacked / packed size of one part larger than 1 MB
    seconds: float = 30.0  # wall-clock ceiling of one parse
    memory_mb: int = 512  # address-space ceiling of the parsing process


class Limit(Exception):
    """Raised inside the parser (child process): a bound was crossed. Carries no
    translated text (the child has no Django); `FileRefused` turns it into a message."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(code, params)

    def __reduce__(self):
        return (_limit, (self.code, self.params))


def _limit(code: str, params: dict[str, Any]) -> Limit:
    return Limit(code, **params)


# --- the parsers (run in the child process, or in-process without the sandbox) --------


def _walk(data: Any, limits: Limits, nodes: int = 0) -> None:
    """Check a parsed document's shape: depth, values, items per list/mapping, text
    lengths and characters. Iterative (no recursion), stops at the first problem.
    Paths are kept as links to the parent's path and written out only for a refusal
    (long keys deep down would otherwise make every path a copy of all its ancestors)."""
    stack: list[tuple[Any, Any, int]] = [(data, None, 0)]
    while stack:
        value, path, depth = stack.pop()
        nodes += 1
        if nodes > limits.nodes:
            raise Limit("nodes", max=limits.nodes)
        if isinstance(value, str):
            _check_text(value, path, limits)
            continue
        if isinstance(value, Mapping | list | tuple):
            if depth >= limits.depth:
                raise Limit("depth", max=limits.depth, where=_where(path))
            if len(value) > limits.records:
                raise Limit("records", max=limits.records, where=_where(path))
            if isinstance(value, Mapping):
                for key, item in value.items():
                    if isinstance(key, str):
                        if len(key) > limits.key:
                            raise Limit("key", max=limits.key, where=_where((path, key[:40])))
                        _check_text(key, (path, key), limits)
                    stack.append((item, (path, key), depth + 1))
            else:
                for i, item in enumerate(value):
                    stack.append((item, (path, i), depth + 1))


def _where(path: Any) -> str:
    """A linked path ((parent, key) pairs) written out as `actions.3.title`, each key cut
    to 40 characters; "document" for the top."""
    if isinstance(path, str):
        return path or "document"
    parts = []
    while path is not None:
        path, key = path
        text = str(key)
        parts.append(text if len(text) <= 40 else text[:40] + "…")
    return ".".join(reversed(parts)) or "document"


def _check_text(value: str, where: Any, limits: Limits) -> None:
    """Length and characters of one text; `where` is a place or a linked path."""
    if len(value) > limits.string:
        raise Limit("string", max=limits.string, where=_where(where))
    found = _REFUSED_CHAR.search(value)
    if found is not None:
        place = _where(where)
        raise Limit(
            "text",
            character=found.group(),
            position=found.start() + 1,
            where="" if place == "document" else place,
        )


def _decode(content: bytes) -> str:
    return content.decode("utf-8-sig")  # raises UnicodeDecodeError for the caller


def parse_json(content: bytes, limits: Limits) -> Any:
    """JSON text to data, within `limits`. Raises Limit, UnicodeDecodeError or
    json.JSONDecodeError."""
    text = _decode(content)
    # An upper bound of the values, before parsing: every list, object and separator
    # (brackets and commas inside strings count too, which only errs on the safe side).
    containers = text.count("[") + text.count("{") + text.count(",")
    if containers > limits.nodes:
        raise Limit("nodes", max=limits.nodes)

    def number(kind):
        def convert(literal: str):
            if len(literal) > limits.number:
                raise Limit("number", max=limits.number, where=literal[:12] + "…")
            value = kind(literal)
            if kind is float and not math.isfinite(value):  # 1e999 becomes infinity
                raise Limit("constant", value=literal[:40], where="document")
            return value

        return convert

    def constant(name: str):
        raise Limit("constant", value=name, where="document")

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in items:
            if key in out:
                raise Limit("duplicate_key", key=key[:80], where="JSON")
            out[key] = value
        return out

    try:
        data = json.loads(
            text,
            parse_int=number(int),
            parse_float=number(float),
            parse_constant=constant,
            object_pairs_hook=pairs,
        )
    except RecursionError:
        raise Limit("depth", max=limits.depth, where="document") from None
    _walk(data, limits)
    return data


def _yaml_loader():
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

    class Loader(base):  # type: ignore[misc, valid-type]
        def construct_mapping(self, node, deep=False):
            seen = set()
            for key_node, _value in node.value:
                key = self.construct_object(key_node, deep=True)
                try:
                    duplicate = key in seen
                    seen.add(key)
                except TypeError:
                    continue  # unhashable keys: SafeConstructor refuses them itself
                if duplicate:
                    raise Limit(
                        "duplicate_key",
                        key=str(key)[:80],
                        where=f"line {key_node.start_mark.line + 1}",
                    )
            return super().construct_mapping(node, deep=deep)

    return yaml, base, Loader


def parse_yaml(content: bytes, limits: Limits) -> Any:
    """YAML text to data, within `limits`; anchors and aliases refused outright (the
    event stream is checked before any node is built). Raises Limit,
    UnicodeDecodeError or yaml.YAMLError."""
    yaml, base, Loader = _yaml_loader()
    from yaml import events as ev
    from yaml.nodes import ScalarNode

    text = _decode(content)
    resolver = yaml.SafeLoader("")
    numeric = ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
    depth = 0
    counts: list[int] = []
    nodes = 0
    for event in yaml.parse(text, Loader=base):
        if isinstance(event, ev.AliasEvent) or getattr(event, "anchor", None):
            raise Limit("alias", line=event.start_mark.line + 1)
        if isinstance(event, ev.CollectionEndEvent):
            depth -= 1
            counts.pop()
            continue
        if not isinstance(event, ev.NodeEvent):
            continue
        nodes += 1
        if nodes > limits.nodes:
            raise Limit("nodes", max=limits.nodes)
        if counts:
            counts[-1] += 1
            if counts[-1] > 2 * limits.records:  # a mapping counts keys and values
                raise Limit(
                    "records", max=limits.records, where=f"line {event.start_mark.line + 1}"
                )
        where = f"line {event.start_mark.line + 1}"
        if isinstance(event, ev.CollectionStartEvent):
            depth += 1
            if depth > limits.depth:
                raise Limit("depth", max=limits.depth, where=where)
            counts.append(0)
            continue
        value = event.value
        if len(value) > limits.string:
            raise Limit("string", max=limits.string, where=where)
        if len(value) > limits.number:
            tag = event.tag
            if tag in (None, "!") and event.implicit[0]:
                tag = resolver.resolve(ScalarNode, value, (True, False))
            if tag in numeric:
                raise Limit("number", max=limits.number, where=where)
    data = yaml.load(text, Loader=Loader)
    _walk(data, limits)
    return data


def parse_csv(content: bytes, limits: Limits, delimiter: str | None = None) -> list[list[str]]:
    """CSV text to rows of cells, within `limits`. The delimiter is guessed from the
    first line (`;`, `,` or tab) unless given. Raises Limit, UnicodeDecodeError or
    csv.Error."""
    text = _decode(content)
    if text.count("\n") > limits.rows + 1:
        raise Limit("rows", max=limits.rows, where="CSV")
    if delimiter is None:
        first = text.split("\n", 1)[0]
        delimiter = max((";", ",", "\t"), key=first.count)
    csv.field_size_limit(limits.string + 1)
    rows: list[list[str]] = []
    cells = 0
    try:
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            where = f"row {len(rows) + 1}"
            if len(rows) >= limits.rows:
                raise Limit("rows", max=limits.rows, where=where)
            if len(row) > limits.columns:
                raise Limit("columns", max=limits.columns, where=where)
            cells += len(row)
            if cells > limits.cells:
                raise Limit("cells", max=limits.cells, where=where)
            for column, cell in enumerate(row, start=1):
                _check_text(cell, f"{where}, column {column}", limits)
            rows.append(row)
    except csv.Error as exc:
        if "field larger than field limit" in str(exc):
            raise Limit("string", max=limits.string, where=f"row {len(rows) + 1}") from None
        raise
    return rows


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]{1,3})?(\d+)?:?([A-Z]{1,3})?(\d+)?\"")
_CELL = re.compile(rb"<(?:\w+:)?c(?=[\s>/])(?:\s[^>]*?\br=\"([A-Z]{1,4})(\d{1,8})\")?")
_SHARED = re.compile(rb"<(?:\w+:)?si[\s>/]")
_MACRO_TYPES = (b"macroEnabled", b"vbaProject", b"ms-office.activeX")
_EXTERNAL = ("xl/externallinks/", "xl/connections.xml", "xl/querytables/", "xl/embeddings/")


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (letter - 64)
    return number


def _stream(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits, budget: list[int]):
    """The unpacked bytes of one part, in chunks, its real size counted against the
    declared one and against the archive's budget (a zip header can lie)."""
    seen = 0
    with archive.open(info) as handle:
        while chunk := handle.read(1 << 20):
            seen += len(chunk)
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise Limit("unpacked", size=limits.unpacked + 1, max=limits.unpacked)
            if seen > max(info.compress_size, 1) * limits.ratio and seen > 1 << 20:
                raise Limit("ratio", part=info.filename, max=limits.ratio)
            yield chunk


def check_workbook(content: bytes, limits: Limits, open_it: bool = True) -> None:
    """Check an XLSX workbook's archive and parts within `limits`, then (with
    `open_it`) open it once with openpyxl and look at every cell. Raises Limit (a
    damaged archive or workbook is Limit("damaged"))."""
    try:
        _check_workbook(content, limits)
        if open_it:
            _open_and_look(content, limits)
    except Limit:
        raise
    except MemoryError:
        raise
    except Exception as exc:  # zipfile, zlib and openpyxl raise many kinds for a damaged file
        raise Limit("damaged", problem=f"{type(exc).__name__}: {exc}"[:200]) from None


def _check_workbook(content: bytes, limits: Limits) -> None:
    if content[:8] == OLE_MAGIC:
        raise Limit("encrypted")
    if content[:4] != ZIP_MAGIC:
        raise Limit("not_zip")
    # Before zipfile reads the central directory into objects: a 10 MB archive can list
    # a hundred thousand parts. (The signature may occur inside packed data too, which
    # only errs on the safe side.)
    listed = content.count(b"PK\x01\x02")
    if listed > limits.parts:
        raise Limit("parts", count=listed, max=limits.parts)
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
    except zipfile.BadZipFile:
        raise Limit("not_zip") from None
    infos = archive.infolist()
    if len(infos) > limits.parts:
        raise Limit("parts", count=len(infos), max=limits.parts)
    names = {info.filename.lower(): info for info in infos}
    total = sum(info.file_size for info in infos)
    if total > limits.unpacked:
        raise Limit("unpacked", size=total, max=limits.unpacked)
    for info in infos:
        if info.flag_bits & 0x1:
            raise Limit("encrypted")
        if info.file_size > 1 << 20 and info.file_size > limits.ratio * max(info.compress_size, 1):
            raise Limit("ratio", part=info.filename, max=limits.ratio)
        name = info.filename.lower()
        if name.endswith("vbaproject.bin") or (name.endswith(".bin") and "activex" in name):
            raise Limit("macro", part=info.filename)
        if name.startswith(_EXTERNAL):
            raise Limit("external", part=info.filename)
    if "[content_types].xml" not in names or "xl/workbook.xml" not in names:
        kind = (
            "Word"
            if "word/document.xml" in names
            else "PowerPoint"
            if "ppt/presentation.xml" in names
            else ""
        )
        problem = f"{kind} document" if kind else "no xl/workbook.xml"
        raise Limit("not_workbook", problem=problem)
    budget = [limits.unpacked]
    total_cells = 0  # over all sheets: many sheets of allowed size are one big workbook
    for info in infos:
        name = info.filename.lower()
        if not name.endswith((".xml", ".rels", ".vml")):
            for _chunk in _stream(archive, info, limits, budget):
                pass
            continue
        sheet = name.startswith("xl/worksheets/") and name.endswith(".xml")
        shared = name == "xl/sharedstrings.xml"
        cells = rows_max = cols_max = 0
        carry = b""
        first = True
        for chunk in _stream(archive, info, limits, budget):
            data = carry + chunk
            cut = data.rfind(b"<")
            data, carry = (data[:cut], data[cut:]) if cut > 0 else (data, b"")
            if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
                raise Limit("dtd", part=info.filename)
            if name == "[content_types].xml" and any(t in data for t in _MACRO_TYPES):
                raise Limit("macro", part=info.filename)
            if name.endswith(".rels") and b"externalLink" in data:
                raise Limit("external", part=info.filename)
            if sheet:
                if first:
                    _check_dimension(data, info.filename, limits)
                for match in _CELL.finditer(data):
                    cells += 1
                    total_cells += 1
                    if match.group(1):
                        cols_max = max(cols_max, _column_number(match.group(1)))
                        rows_max = max(rows_max, int(match.group(2)))
                where = info.filename
                if total_cells > limits.cells:
                    raise Limit("cells", max=limits.cells, where=where)
                if rows_max > limits.rows:
                    raise Limit("rows", max=limits.rows, where=where)
                if cols_max > limits.columns:
                    raise Limit("columns", max=limits.columns, where=where)
            elif shared:
                cells += len(_SHARED.findall(data))
                if cells > limits.cells:
                    raise Limit("cells", max=limits.cells, where=info.filename)
            first = False
        if carry and (b"<!DOCTYPE" in carry or b"<!ENTITY" in carry):
            raise Limit("dtd", part=info.filename)


def _check_dimension(head: bytes, part: str, limits: Limits) -> None:
    found = _DIMENSION.search(head[:4096])
    if not found:
        return
    c1, r1, c2, r2 = found.groups()
    first_col = _column_number(c1) if c1 else 1
    first_row = int(r1) if r1 else 1
    last_col = _column_number(c2) if c2 else first_col
    last_row = int(r2) if r2 else first_row
    rows = last_row - first_row + 1
    columns = last_col - first_col + 1
    if last_row > limits.rows or last_col > limits.columns or rows * columns > limits.cells:
        raise Limit(
            "dimension",
            sheet=part,
            rows=last_row,
            columns=last_col,
            max_rows=limits.rows,
            max_columns=limits.columns,
            max_cells=limits.cells,
        )


def _open_and_look(content: bytes, limits: Limits) -> None:
    from openpyxl import load_workbook
    from openpyxl.utils import get_column_letter

    wb = load_workbook(
        io.BytesIO(content), read_only=False, data_only=False, keep_links=False, keep_vba=False
    )
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    where = f"{ws.title}!{get_column_letter(cell.column)}{cell.row}"
                    _check_text(cell.value, where, limits)


def sniff(content: bytes) -> str:
    """What the bytes are, whatever the name says: "zip", "ole", "pdf", "binary" or "text"."""
    head = content[:8]
    if head.startswith(ZIP_MAGIC):
        return "zip"
    if head == OLE_MAGIC:
        return "ole"
    if head.startswith(b"%PDF"):
        return "pdf"
    if b"\x00" in content[:4096]:
        return "binary"
    return "text"


PARSERS = {"json": parse_json, "yaml": parse_yaml, "csv": parse_csv, "xlsx": check_workbook}


def _attachment_text(kind: str) -> Any:
    """The text of a PDF or DOCX attachment of the learning space (samen.learning.extract),
    under the same ceilings as every other parse."""

    def parse(content: bytes, limits: Limits) -> str:
        from samen.learning.extract import EXTRACTORS

        return EXTRACTORS[kind](content, limits)

    return parse


PARSERS.update(
    {"pdf_text": _attachment_text("pdf_text"), "docx_text": _attachment_text("docx_text")}
)


def child_main() -> None:
    """`python -m samen.core.safeparse KIND LIMITS_JSON OPTIONS_JSON`: parse stdin under
    the ceiling, write a pickled outcome to stdout."""
    import resource

    kind, limits = sys.argv[1], Limits(**json.loads(sys.argv[2]))
    options = json.loads(sys.argv[3])
    import yaml  # noqa: F401 - imported before the ceiling (openpyxl only when needed)

    memory = limits.memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    cpu = int(limits.seconds) + 2
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    content = sys.stdin.buffer.read()
    out = sys.stdout.buffer
    try:
        result = ("ok", PARSERS[kind](content, limits, **options))
    except Limit as exc:
        result = ("limit", exc)
    except MemoryError:
        result = ("limit", Limit("memory", max=limits.memory_mb))
    except RecursionError:
        result = ("limit", Limit("depth", max=limits.depth, where="document"))
    except Exception as exc:  # a parse error for the caller, re-raised in the parent
        try:
            pickle.dumps(exc)
            result = ("error", exc)
        except Exception:
            result = ("crashed", f"{type(exc).__name__}: {exc}"[:300])
    result = (*result, peak_kib())
    try:
        payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
    except MemoryError:
        payload = pickle.dumps(("limit", Limit("memory", max=limits.memory_mb), peak_kib()))
    out.write(payload)
    out.flush()


def peak_kib() -> int:
    """This process's peak resident memory in KiB (VmHWM of /proc/self/status): the
    high-water mark of its own address space only. (ru_maxrss would also count the
    parent's pages that a vfork-and-exec child briefly shared.) 0 where unknown."""
    try:
        with open("/proc/self/status", "rb") as status:
            for line in status:
                if line.startswith(b"VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


if __name__ == "__main__":
    # Run the importable module's copy, so that pickled Limits name samen.core.safeparse.
    from samen.core.safeparse import child_main as main

    main()

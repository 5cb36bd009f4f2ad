"""Capture-history tables: reading, validation, full tables and strata.

A table holds one 0/1 column per list and a count per history. It is read
from a CSV either in aggregated form (a ``count`` column, one row per history,
as the reference data sets) or one row per case (no ``count`` column). Other
columns are allowed only when declared as stratum or covariate columns.
"""

from __future__ import annotations

import csv
import io
import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from samen.mse.design import all_histories, history_codes
from samen.mse.messages import CaptureDataError, MseMessage

__all__ = ["CaptureDataError", "CaptureDataWarning", "CaptureTable", "read_capture_csv"]

IntArray = NDArray[np.int64]


class CaptureDataWarning(UserWarning):
    """Input was accepted but changed (e.g. duplicate histories merged)."""


@dataclass(frozen=True)
class CaptureTable:
    """Counts of cases per capture history.

    Attributes
    ----------
    lists : tuple of str
        List names, one per column of ``histories``.
    histories : ndarray of int, shape (m, k)
        Distinct 0/1 histories; the all-zero history never appears.
    counts : ndarray of int, shape (m,)
        Non-negative number of cases per history.
    covariates : tuple of str
        Names of categorical covariate columns (may be empty).
    levels : ndarray of str, shape (m, c)
        Covariate level of each row; rows are distinct (history, levels).
    notes : tuple of MseMessage
        What was changed while reading (e.g. merged duplicates).
    """

    lists: tuple[str, ...]
    histories: IntArray
    counts: IntArray
    covariates: tuple[str, ...] = ()
    levels: NDArray[np.str_] = field(default_factory=lambda: np.empty((0, 0), dtype=str))
    notes: tuple[MseMessage, ...] = ()

    @property
    def k(self) -> int:
        """Number of lists."""
        return len(self.lists)

    @property
    def observed(self) -> int:
        """Number of observed cases."""
        return int(self.counts.sum())

    @classmethod
    def from_arrays(
        cls,
        histories: Iterable[Sequence[int]] | IntArray,
        counts: Iterable[int] | IntArray,
        lists: Sequence[str] | None = None,
    ) -> CaptureTable:
        """Build and validate a table from arrays (rows are numbered from 1).

        Duplicate histories are merged with a :class:`CaptureDataWarning`.
        """
        h = np.asarray(histories)
        c = np.asarray(counts)
        if h.ndim != 2:
            raise CaptureDataError("histories_not_2d")
        if c.shape != (h.shape[0],):
            raise CaptureDataError("counts_shape", got=int(c.size), expected=h.shape[0])
        k = h.shape[1]
        names = tuple(lists) if lists is not None else tuple(_default_names(k))
        rows = [
            [str(v) for v in row] + [str(n)] for row, n in zip(h.tolist(), c.tolist(), strict=True)
        ]
        return _build(names, (), rows, [[] for _ in rows], "input", first_row=1)

    def full(self) -> tuple[IntArray, IntArray]:
        """All ``2^k - 1`` observable histories (Rcapture order) and their counts."""
        if self.covariates:
            raise CaptureDataError("table_has_covariates", names=", ".join(self.covariates))
        hist = all_histories(self.k)
        counts = np.zeros(hist.shape[0], dtype=np.int64)
        pos = {int(code): i for i, code in enumerate(history_codes(hist))}
        for code, n in zip(history_codes(self.histories), self.counts, strict=True):
            counts[pos[int(code)]] += int(n)
        return hist, counts

    def pair_overlaps(self) -> NDArray[np.int64]:
        """``k x k`` matrix of cases on both lists (diagonal: list totals)."""
        weighted = self.histories * self.counts[:, None]
        out: NDArray[np.int64] = weighted.T @ self.histories
        return out

    def stratify(self, covariate: str) -> dict[str, CaptureTable]:
        """Split by the levels of one covariate column (other covariates summed out)."""
        if covariate not in self.covariates:
            raise CaptureDataError(
                "unknown_stratum", name=covariate, declared=", ".join(self.covariates) or "none"
            )
        col = self.covariates.index(covariate)
        out: dict[str, CaptureTable] = {}
        for level in sorted(set(self.levels[:, col].tolist())):
            keep = self.levels[:, col] == level
            out[level] = collapse(CaptureTable(self.lists, self.histories[keep], self.counts[keep]))
        return out

    def without_covariates(self) -> CaptureTable:
        """The table summed over all covariate levels."""
        return collapse(CaptureTable(self.lists, self.histories, self.counts, notes=self.notes))


def collapse(table: CaptureTable) -> CaptureTable:
    """Merge equal histories (silently; used after summing out covariates)."""
    codes = history_codes(table.histories)
    uniq, inv = np.unique(codes, return_inverse=True)
    counts = np.bincount(inv, weights=table.counts, minlength=uniq.size).astype(np.int64)
    first = np.array([np.flatnonzero(inv == i)[0] for i in range(uniq.size)], dtype=np.int64)
    order = np.argsort(-uniq)
    return CaptureTable(
        table.lists, table.histories[first][order], counts[order], notes=table.notes
    )


#: Headings read as the count column (compared case-insensitively).
COUNT_COLUMNS = ("count", "n", "freq")
#: Separators recognised in the header line, in order of preference on a tie.
SEPARATORS = (",", ";", "\t")
#: Largest count accepted in one cell: more than any register holds, and far
#: from where sums of counts lose precision as floating-point numbers.
MAX_COUNT = 10**12
#: Largest file read (bytes): a per-case file of this size holds millions of cases.
MAX_FILE_BYTES = 64 * 1024 * 1024
#: Largest number of lists a table may have (capture histories are coded in 62 bits;
#: every method has a lower limit of its own, see ``samen.mse.limits``).
MAX_LISTS = 60

_SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab"}


def read_capture_csv(
    path: str | Path,
    *,
    covariates: Sequence[str] = (),
    count_column: str | None = None,
) -> CaptureTable:
    """Read a capture-history CSV.

    Parameters
    ----------
    path : str or Path
        CSV with a header row, separated by commas, semicolons or tabs (detected from
        the header). With a count column each row is a history and its number of cases;
        without it each row is one case.
    covariates : sequence of str
        Columns holding categorical covariates or strata (e.g. ``year``,
        ``sex``). Every other column except the count is a list (0/1).
    count_column : str, optional
        Heading of the count column. By default the column headed ``count``,
        ``n`` or ``freq`` (in any case: ``Count``, ``N``, ``FREQ``), if there is one.

    Returns
    -------
    CaptureTable

    Raises
    ------
    CaptureDataError
        Naming the file, row (line number in the file) and column: a missing or
        duplicated header, an unknown declared column, a cell that is not 0/1, a
        case on no list, a negative, fractional or implausibly large count, fewer
        than two lists, a file larger than :data:`MAX_FILE_BYTES`.
    """
    path = Path(path)
    where = str(path)
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise CaptureDataError("file_too_large", file=where, size=size, limit=MAX_FILE_BYTES)
        with path.open(newline="", encoding="utf-8-sig") as fh:
            text = fh.read()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        raise CaptureDataError("file_not_found", file=where) from None
    except UnicodeDecodeError:
        raise CaptureDataError("file_not_utf8", file=where) from None
    separator = _separator(text)
    try:
        reader = csv.reader(io.StringIO(text), delimiter=separator)
        header = next(reader, None)
        body = list(reader)
    except csv.Error as exc:
        raise CaptureDataError("file_not_csv", file=where, reason=str(exc)) from None
    if header is None:
        raise CaptureDataError("file_empty", file=where)
    header = [h.strip() for h in header]
    for i, name in enumerate(header):
        if not name:
            raise CaptureDataError("header_empty_name", file=where, position=i + 1)
        if header.index(name) != i:
            raise CaptureDataError("header_duplicate", file=where, name=name)
    for cov in covariates:
        if cov not in header:
            raise CaptureDataError("unknown_column", file=where, name=cov, header=", ".join(header))
    count_name = _count_heading(header, covariates, count_column, where)
    list_cols = [h for h in header if h != count_name and h not in covariates]
    if len(list_cols) > MAX_LISTS:
        raise CaptureDataError(
            "lists_out_of_range",
            file=where,
            method="reader",
            minimum=2,
            maximum=MAX_LISTS,
            k=len(list_cols),
            lists=_shorten(list_cols),
            alternative="fewer lists (merge the smallest ones)",
        )
    cov_idx = [header.index(c) for c in covariates]
    list_idx = [header.index(c) for c in list_cols]
    count_idx = header.index(count_name) if count_name is not None else None
    rows: list[list[str]] = []
    levels: list[list[str]] = []
    line_numbers: list[int] = []
    for line, raw in enumerate(body, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        if len(raw) != len(header):
            raise CaptureDataError(
                "row_cell_count", file=where, row=line, cells=len(raw), expected=len(header)
            )
        cells = [raw[i].strip() for i in list_idx]
        cells.append(raw[count_idx].strip() if count_idx is not None else "1")
        rows.append(cells)
        levels.append([raw[i].strip() for i in cov_idx])
        line_numbers.append(line)
    if not rows:
        raise CaptureDataError("no_data_rows", file=where)
    return _build(
        tuple(list_cols),
        tuple(covariates),
        rows,
        levels,
        where,
        line_numbers=line_numbers,
        count_name=count_name,
        merge_quietly=count_name is None,
    )


def _separator(text: str) -> str:
    """The separator of the header line: the most frequent of comma, semicolon, tab."""
    first = text.split("\n", 1)[0]
    counts = [first.count(sep) for sep in SEPARATORS]
    return SEPARATORS[counts.index(max(counts))] if max(counts) > 0 else ","


def _count_heading(
    header: list[str], covariates: Sequence[str], wanted: str | None, where: str
) -> str | None:
    names = (wanted,) if wanted is not None else COUNT_COLUMNS
    found = [h for h in header if h.lower() in {n.lower() for n in names} and h not in covariates]
    if len(found) > 1:
        raise CaptureDataError(
            "header_duplicate_count", file=where, first=found[0], second=found[1]
        )
    return found[0] if found else None


def _shorten(names: Sequence[str], limit: int = 8) -> str:
    shown = ", ".join(names[:limit])
    return shown + (f", ... ({len(names) - limit} more)" if len(names) > limit else "")


def _default_names(k: int) -> list[str]:
    return [chr(ord("A") + i) if k <= 26 else f"L{i + 1}" for i in range(k)]


def _build(
    lists: tuple[str, ...],
    covariates: tuple[str, ...],
    rows: list[list[str]],
    levels: list[list[str]],
    where: str,
    *,
    first_row: int = 1,
    line_numbers: list[int] | None = None,
    count_name: str | None = "count",
    merge_quietly: bool = False,
) -> CaptureTable:
    k = len(lists)
    if k < 2:
        raise CaptureDataError(
            "too_few_lists", file=where, count=k, lists=", ".join(lists) or "none"
        )
    lines = line_numbers or list(range(first_row, first_row + len(rows)))
    hist = np.zeros((len(rows), k), dtype=np.int64)
    counts = np.zeros(len(rows), dtype=np.int64)
    for r, (line, cells) in enumerate(zip(lines, rows, strict=True)):
        for j, name in enumerate(lists):
            if cells[j] not in ("0", "1"):
                raise CaptureDataError(
                    "cell_not_binary", file=where, row=line, column=name, value=cells[j]
                )
            hist[r, j] = int(cells[j])
        counts[r] = _count(cells[k], where, line, count_name)
        if not hist[r].any() and counts[r] > 0:
            raise CaptureDataError("history_all_zero", file=where, row=line, count=int(counts[r]))
    # A history on no list with count 0 says nothing (some tools write the full table).
    seen_somewhere: NDArray[np.bool_] = np.asarray(hist.any(axis=1), dtype=bool)
    lev = np.array(levels, dtype=str).reshape(len(rows), len(covariates))
    hist, counts, lev = hist[seen_somewhere], counts[seen_somewhere], lev[seen_somewhere]
    lines = [ln for ln, ok in zip(lines, seen_somewhere.tolist(), strict=True) if ok]
    keys = [tuple(h) + tuple(lv) for h, lv in zip(hist.tolist(), lev.tolist(), strict=True)]
    seen: dict[tuple[object, ...], int] = {}
    merged: list[int] = []
    notes: list[MseMessage] = []
    for r, key in enumerate(keys):
        if key in seen:
            counts[seen[key]] += counts[r]
            merged.append(r)
            if not merge_quietly:
                notes.append(
                    MseMessage(
                        "duplicate_history", file=where, row=lines[r], first=lines[seen[key]]
                    )
                )
        else:
            seen[key] = r
    if merged:
        keep = np.setdiff1d(np.arange(len(keys)), merged)
        hist, counts, lev = hist[keep], counts[keep], lev[keep]
    for note in notes:
        warnings.warn(note, CaptureDataWarning, stacklevel=3)
    if counts.sum() == 0:
        raise CaptureDataError("counts_all_zero", file=where)
    return CaptureTable(lists, hist, counts, covariates, lev, tuple(notes))


def _count(raw: str, where: str, line: int, count_name: str | None) -> int:
    """A cell of the count column as a whole number in ``0..MAX_COUNT``."""
    try:
        value = int(raw)
    except ValueError:
        try:
            number = float(raw)
        except ValueError:
            number = math.nan
        if not (math.isfinite(number) and number.is_integer()):
            raise CaptureDataError(
                "count_not_whole", file=where, row=line, column=count_name, value=raw
            ) from None
        value = int(number)
    if value < 0:
        raise CaptureDataError(
            "count_not_whole", file=where, row=line, column=count_name, value=raw
        )
    if value > MAX_COUNT:
        raise CaptureDataError(
            "count_too_large", file=where, row=line, column=count_name, value=raw, limit=MAX_COUNT
        )
    return value

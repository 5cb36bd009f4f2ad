"""Capture-history tables: reading, validation, full tables and strata.

A table holds one 0/1 column per list and a count per history. It is read
from a CSV either in aggregated form (a ``count`` column, one row per history,
as the reference data sets) or one row per case (no ``count`` column). Other
columns are allowed only when declared as stratum or covariate columns.
"""

from __future__ import annotations

import csv
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from samen.mse.design import all_histories, history_codes

IntArray = NDArray[np.int64]


class CaptureDataError(ValueError):
    """Bad capture-history input; the message names the file, row and column."""


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
    notes : tuple of str
        What was changed while reading (e.g. merged duplicates).
    """

    lists: tuple[str, ...]
    histories: IntArray
    counts: IntArray
    covariates: tuple[str, ...] = ()
    levels: NDArray[np.str_] = field(default_factory=lambda: np.empty((0, 0), dtype=str))
    notes: tuple[str, ...] = ()

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
            raise CaptureDataError("histories must be a 2-d array (one row per history)")
        k = h.shape[1]
        names = tuple(lists) if lists is not None else tuple(_default_names(k))
        rows = [
            [str(v) for v in row] + [str(n)] for row, n in zip(h.tolist(), c.tolist(), strict=True)
        ]
        return _build(names, (), rows, [[] for _ in rows], "input", first_row=1)

    def full(self) -> tuple[IntArray, IntArray]:
        """All ``2^k - 1`` observable histories (Rcapture order) and their counts."""
        if self.covariates:
            raise ValueError("full() is for tables without covariates; use stratify()")
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
                f"unknown stratum column {covariate!r}; "
                f"declared columns: {', '.join(self.covariates) or 'none'}"
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


def read_capture_csv(
    path: str | Path,
    *,
    covariates: Sequence[str] = (),
    count_column: str = "count",
) -> CaptureTable:
    """Read a capture-history CSV.

    Parameters
    ----------
    path : str or Path
        CSV with a header row. With a ``count`` column each row is a history
        and its number of cases; without it each row is one case.
    covariates : sequence of str
        Columns holding categorical covariates or strata (e.g. ``year``,
        ``sex``). Every other column except ``count`` is a list (0/1).

    Returns
    -------
    CaptureTable

    Raises
    ------
    CaptureDataError
        Naming the file, row (line number in the file) and column: a missing or
        duplicated header, an unknown declared column, a cell that is not 0/1, an
        all-zero history, a negative or non-integer count, fewer than two lists.
    """
    path = Path(path)
    where = str(path)
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.reader(fh)
            header = next(reader, None)
            body = list(reader)
    except FileNotFoundError:
        raise CaptureDataError(f"{where}: file not found") from None
    except UnicodeDecodeError:
        raise CaptureDataError(f"{where}: not a UTF-8 text (CSV) file") from None
    except csv.Error as exc:
        raise CaptureDataError(f"{where}: not a readable CSV file ({exc})") from None
    if header is None:
        raise CaptureDataError(f"{where}: the file is empty; expected a header row")
    header = [h.strip() for h in header]
    for i, name in enumerate(header):
        if not name:
            raise CaptureDataError(f"{where}: column {i + 1} has an empty name in the header")
        if header.index(name) != i:
            raise CaptureDataError(f"{where}: column {name!r} appears twice in the header")
    for cov in covariates:
        if cov not in header:
            raise CaptureDataError(
                f"{where}: unknown column {cov!r}; the header has {', '.join(header)}"
            )
    has_count = count_column in header
    list_cols = [h for h in header if h != count_column and h not in covariates]
    cov_idx = [header.index(c) for c in covariates]
    list_idx = [header.index(c) for c in list_cols]
    rows: list[list[str]] = []
    levels: list[list[str]] = []
    line_numbers: list[int] = []
    for line, raw in enumerate(body, start=2):
        if not any(cell.strip() for cell in raw):
            continue
        if len(raw) != len(header):
            raise CaptureDataError(
                f"{where}, row {line}: {len(raw)} cells, expected {len(header)} as in the header"
            )
        cells = [raw[i].strip() for i in list_idx]
        cells.append(raw[header.index(count_column)].strip() if has_count else "1")
        rows.append(cells)
        levels.append([raw[i].strip() for i in cov_idx])
        line_numbers.append(line)
    if not rows:
        raise CaptureDataError(f"{where}: no data rows after the header")
    return _build(
        tuple(list_cols),
        tuple(covariates),
        rows,
        levels,
        where,
        line_numbers=line_numbers,
        count_name=count_column if has_count else None,
        merge_quietly=not has_count,
    )


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
            f"{where}: {k} list column(s) ({', '.join(lists) or 'none'}); "
            "at least two lists are needed to estimate anything"
        )
    lines = line_numbers or list(range(first_row, first_row + len(rows)))
    hist = np.zeros((len(rows), k), dtype=np.int64)
    counts = np.zeros(len(rows), dtype=np.int64)
    for r, (line, cells) in enumerate(zip(lines, rows, strict=True)):
        for j, name in enumerate(lists):
            if cells[j] not in ("0", "1"):
                raise CaptureDataError(
                    f"{where}, row {line}, column {name!r}: {cells[j]!r} is not 0 or 1 "
                    "(list columns hold 0/1; declare other columns as strata or covariates)"
                )
            hist[r, j] = int(cells[j])
        if not hist[r].any():
            raise CaptureDataError(
                f"{where}, row {line}: the history is 0 on every list; "
                "a case on no list cannot have been observed"
            )
        raw = cells[k]
        try:
            value = float(raw)
        except ValueError:
            value = float("nan")
        if not np.isfinite(value) or value != int(value) or value < 0:
            col = f", column {count_name!r}" if count_name else ""
            raise CaptureDataError(
                f"{where}, row {line}{col}: {raw!r} is not a non-negative whole number"
            )
        counts[r] = int(value)
    lev = np.array(levels, dtype=str).reshape(len(rows), len(covariates))
    keys = [tuple(h) + tuple(lv) for h, lv in zip(hist.tolist(), lev.tolist(), strict=True)]
    seen: dict[tuple[object, ...], int] = {}
    merged: list[int] = []
    notes: list[str] = []
    for r, key in enumerate(keys):
        if key in seen:
            counts[seen[key]] += counts[r]
            merged.append(r)
            if not merge_quietly:
                notes.append(
                    f"{where}, row {lines[r]}: duplicate of row {lines[seen[key]]}; counts added"
                )
        else:
            seen[key] = r
    if merged:
        keep = np.setdiff1d(np.arange(len(rows)), merged)
        hist, counts, lev = hist[keep], counts[keep], lev[keep]
    for note in notes:
        warnings.warn(note, CaptureDataWarning, stacklevel=3)
    if counts.sum() == 0:
        raise CaptureDataError(f"{where}: all counts are zero; nothing was observed")
    return CaptureTable(lists, hist, counts, covariates, lev, tuple(notes))

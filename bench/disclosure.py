"""Benchmark of samen.impact.disclosure: protect a set of public tables, then attack it.

Synthetic registrations shaped like the Dutch figures (about 1,000 presumed victims a year
per register; sexual exploitation the largest form and organ removal the smallest; adults
the largest age group; few of unknown or other gender) for 18 years, drawn from a Poisson
model with a fixed seed. Three sets of tables, each published together:

* ``portal``: per register, year x form, year x age group and year x gender, each with
  its margins, sharing the yearly totals (what the Effect page shows);
* ``per-register``: per register, the full year x form x age group x gender table with all
  its margins (registers never added up);
* ``full``: year x form x age group x gender x register with all margins, the register
  total included (6,080 cells; the worst case the brief names).

For each: cells, primary and secondary suppressions, the median time of ``protect`` and of
the attack (``feasible_ranges`` on every primary cell, with the check that each interval
is at least the threshold wide), the number of primary cells that fail it (must be 0), and
the CPU seconds of each (on a shared machine wall time also counts waiting for a core).

Run: ``.venv/bin/python -m bench.disclosure [--repeat 3] [--sets portal,per-register,full]``
"""

from __future__ import annotations

import argparse
import itertools
import statistics
import sys
import time

import numpy as np

from samen.impact.disclosure import Relation, feasible_ranges, protect

YEARS = 18
FORMS = (0.60, 0.25, 0.14, 0.01)  # sexual, labour, criminal, organ removal
AGES = (0.15, 0.25, 0.60)  # minors, young adults, adults
GENDERS = (0.70, 0.28, 0.02)  # women, men, other/unknown
REGISTERS = (1000, 900, 300)  # yearly size of each register
T = "total"


def counts(seed: int = 0) -> np.ndarray:
    """Synthetic counts, shape (years, forms, ages, genders, registers)."""
    rng = np.random.default_rng(seed)
    shares = np.multiply.outer(np.multiply.outer(FORMS, AGES), GENDERS)
    out = np.empty((YEARS, len(FORMS), len(AGES), len(GENDERS), len(REGISTERS)), dtype=int)
    for y in range(YEARS):
        for r, size in enumerate(REGISTERS):
            out[y, ..., r] = rng.poisson(size * (0.7 + 0.6 * rng.random()) * shares)
    return out


def cross(table: np.ndarray, prefix: tuple) -> tuple[dict, list[Relation]]:
    """All cells and margins of an n-way table, ids ``prefix + (index or "total", ...)``."""
    values: dict = {}
    for key in itertools.product(*[[*range(n), T] for n in table.shape]):
        picks = tuple(slice(None) if k == T else k for k in key)
        values[(*prefix, *key)] = int(table[picks].sum())
    p = len(prefix)
    relations = [
        Relation(key, tuple((*key[: p + d], i, *key[p + d + 1 :]) for i in range(n)))
        for key in values
        for d, n in enumerate(table.shape)
        if key[p + d] == T
    ]
    return values, relations


def portal(data: np.ndarray) -> tuple[dict, list[Relation]]:
    values: dict = {}
    relations: list[Relation] = []
    for r in range(data.shape[-1]):
        reg = data[..., r]
        for name, axes in (("form", (2, 3)), ("age", (1, 3)), ("gender", (1, 2))):
            v, rel = cross(reg.sum(axis=axes), (r, name))
            values.update(v)
            relations += rel
        # the three tables end in the same yearly totals: link them as one cell
        for y in [*range(YEARS), T]:
            for other in ("age", "gender"):
                relations.append(Relation((r, "form", y, T), ((r, other, y, T),)))
    return values, relations


def per_register(data: np.ndarray) -> tuple[dict, list[Relation]]:
    values: dict = {}
    relations: list[Relation] = []
    for r in range(data.shape[-1]):
        v, rel = cross(data[..., r], (r,))
        values.update(v)
        relations += rel
    return values, relations


def full(data: np.ndarray) -> tuple[dict, list[Relation]]:
    return cross(data, ())


SETS = {"portal": portal, "per-register": per_register, "full": full}


def run(name: str, repeat: int) -> None:
    values, relations = SETS[name](counts())
    protect_times, attack_times, protect_cpu, attack_cpu = [], [], [], []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = protect(values, relations)
        protect_times.append(time.perf_counter() - start)
        protect_cpu.append(time.process_time() - start_cpu)
        start, start_cpu = time.perf_counter(), time.process_time()
        primary = [c for c in values if c in result.primary]
        ranges = feasible_ranges(result.published, relations, cells=primary)
        attack_times.append(time.perf_counter() - start)
        attack_cpu.append(time.process_time() - start_cpu)
    failing = sum(1 for c in primary if ranges[c][1] - ranges[c][0] < result.protection - 1e-6)
    print(
        f"{name:<13} {len(values):>6} {len(result.primary):>8} {len(result.secondary):>9} "
        f"{statistics.median(protect_times):>9.2f} {statistics.median(attack_times):>9.2f} "
        f"{failing:>7} {statistics.median(protect_cpu):>9.2f} {statistics.median(attack_cpu):>9.2f}",
        flush=True,
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--sets", default="portal,per-register,full")
    args = parser.parse_args(argv if argv is not None else sys.argv[1:])
    print(
        f"{'set':<13} {'cells':>6} {'primary':>8} {'secondary':>9} "
        f"{'protect s':>9} {'attack s':>9} {'failing':>7} {'protect cpu':>9} {'attack cpu':>9}"
    )
    for name in args.sets.split(","):
        run(name, 1 if name == "full" else args.repeat)


if __name__ == "__main__":
    main()

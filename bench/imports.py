"""Import timings: the plan annex at 1×, 10× and 100× its rows (read, check,
preview; then the web flow's preview and confirm, which writes), the
explorer's CSV, a Kamer download and an allocations sheet.

Every figure is a median over a few runs, printed beside the time of reading
the same workbook with openpyxl alone (the baseline, measured in the same
run), so the ratio shows what the mapping, name resolution and preview add.

    python -m bench imports
"""

from __future__ import annotations

import io
import statistics
import time
from collections.abc import Callable

REPEATS = 5


def _median_ms(run: Callable[[], object], repeats: int = REPEATS) -> float:
    run()  # warm caches
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _annex(rows: int) -> bytes:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Actieplan 2024-2027"
    ws.append(["Bijlage bij het actieplan"])
    ws.append(["Nr.", "Actie", "Trekker(s)", "Ketenpartners", "Uitbuitingsvorm(en)", "Looptijd"])
    per_line = max(1, rows // 4)
    for line in range(1, 5):
        ws.append([f"Actielijn {line}: lijn {line}"] + [None] * 5)
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=6)
        for n in range(1, per_line + 1):
            ws.append(
                [
                    n,
                    f"Actie {line}.{n}",
                    "Min. JenV",
                    "Nationale Politie / OM",
                    "Seksuele uitbuiting; Arbeidsuitbuiting",
                    "Q3 2024 - 2026",
                ]
            )
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class _Undo(Exception):
    pass


def _preview_and_confirm(content: bytes, repeats: int) -> tuple[float, float]:
    """Median times of the web import's two steps on `content`: the preview
    (imports.check) and the confirmation (imports.confirm, writing the change
    with the digest check). Each confirmation is undone afterwards, so every
    run writes the same new actions."""
    from django.db import transaction

    from samen.plan import imports

    previews, confirms = [], []
    for _ in range(repeats + 1):  # the first run warms caches
        start = time.perf_counter()
        report = imports.check(content, "bijlage.xlsx", None)
        previews.append((time.perf_counter() - start) * 1000)
        token = imports.park(content, "bijlage.xlsx")
        try:
            with transaction.atomic():
                start = time.perf_counter()
                imports.confirm(token, "bijlage.xlsx", None, expected=report.preview.digest)
                confirms.append((time.perf_counter() - start) * 1000)
                raise _Undo
        except _Undo:
            pass
    return statistics.median(previews[1:]), statistics.median(confirms[1:])


def main() -> None:
    from bench._django import setup

    setup()
    from django.core.management import call_command
    from openpyxl import load_workbook
    from tests.imports import corpus

    from samen.parliament import opendata
    from samen.plan import services
    from samen.plan.export import read_bytes

    call_command("load_plan", verbosity=0, stdout=io.StringIO())

    print("| file | rows | openpyxl only (ms) | read + map (ms) | + check + preview (ms) | ratio |")
    print("|---|---:|---:|---:|---:|---:|")
    for scale in (1, 10, 100):
        rows = 20 * scale
        content = _annex(rows)

        def baseline(content: bytes = content) -> None:
            wb = load_workbook(io.BytesIO(content), data_only=False, keep_links=False)
            for ws in wb.worksheets:
                for _row in ws.iter_rows(values_only=True):
                    pass

        def read(content: bytes = content) -> None:
            read_bytes(content, "bijlage.xlsx")

        def full(content: bytes = content) -> None:
            raw, locate = read_bytes(content, "bijlage.xlsx")
            services.parse_and_import(raw, dry_run=True, locate=locate, filename="bijlage.xlsx")

        base, reading, whole = _median_ms(baseline), _median_ms(read), _median_ms(full, 3)
        print(
            f"| annex {scale}× | {rows} | {base:.0f} | {reading:.0f} | {whole:.0f} | "
            f"{whole / base:.1f} |"
        )

    print()
    print("| file | rows | preview (ms) | confirm: check digest + write (ms) |")
    print("|---|---:|---:|---:|")
    for scale in (1, 10, 100):
        rows = 20 * scale
        preview, confirm = _preview_and_confirm(_annex(rows), 3 if scale < 100 else 2)
        print(f"| annex {scale}× | {rows} | {preview:.0f} | {confirm:.0f} |")

    from django.test import Client

    csv_content = Client().get("/acties/export.csv").content

    def csv_run() -> None:
        raw, locate = read_bytes(csv_content, "acties.csv")
        services.parse_and_import(raw, dry_run=True, locate=locate, filename="acties.csv")

    print(f"\nexplorer CSV back in (dry run, whole plan): {_median_ms(csv_run):.0f} ms")

    records = [corpus.zaak(f"2024Z{n:05d}", f"Motie {n}") for n in range(250)]
    page = corpus.kamer_json(records)
    print(
        "Kamer page of 250 Zaak records, read: "
        f"{_median_ms(lambda: opendata.read_zaken(page, 'zaken.json')):.0f} ms"
    )


if __name__ == "__main__":
    main()

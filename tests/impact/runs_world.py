"""Analysts' overlap tables built through the real services, for the runs tests."""

from __future__ import annotations

from pathlib import Path

from samen.impact import datasets

DATA = Path(__file__).resolve().parents[2] / "data" / "mse"
UK = DATA / "uk2013_6lists.csv"


def upload(user, path: Path = UK, name: str = "UK 2013", covariates=(), **extra):
    data = datasets.DatasetData(
        name=name,
        period_start=extra.pop("period_start", 2013),
        period_end=extra.pop("period_end", 2013),
        population_definition=extra.pop("population_definition", "Potential victims, UK"),
        covariates=list(covariates),
    )
    return datasets.create_dataset(user, data, path.read_bytes(), path.name)

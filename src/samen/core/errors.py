"""Errors the services of every app raise for the views and the API to show."""

from __future__ import annotations


class Invalid(ValueError):
    """Bad input; `errors` maps field names to messages for the user."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))

"""The kinds of notification, registered by the apps that own them.

An app registers its kinds once, when it is loaded (in its AppConfig.ready),
with `register(Kind(...))`. A kind says what the event is (label, description,
shown on the preferences page), who can receive it (roles), how it is
delivered unless the person chose otherwise, and which templates render its
subject and text.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

IMMEDIATELY = "immediately"
DAILY = "daily"
OFF = "off"
DELIVERIES = (IMMEDIATELY, DAILY, OFF)


@dataclass(frozen=True)
class Kind:
    """One kind of notification.

    key: unique, "<app>.<event>", e.g. "reporting.update_returned".
    label, description: lazy translated text for the preferences page.
    subject_template, body_template: Django templates (plain text) rendered in the
        recipient's language with the context given to `notify` plus `recipient`
        and `url` (absolute).
    default: IMMEDIATELY, DAILY or OFF (e-mail; the in-app list always has it).
    roles: the user roles that can receive it (empty: every role).
    """

    key: str
    label: Any
    description: Any
    subject_template: str
    body_template: str
    default: str = IMMEDIATELY
    roles: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.default not in DELIVERIES:
            raise ValueError(f"default must be one of {DELIVERIES}")

    def for_role(self, role: str) -> bool:
        return not self.roles or role in self.roles


_KINDS: dict[str, Kind] = {}


def register(kind: Kind) -> Kind:
    """Register `kind`; registering the same key twice with another definition is an error."""
    existing = _KINDS.get(kind.key)
    if existing is not None and existing != kind:
        raise ValueError(f"notification kind {kind.key!r} is registered twice")
    _KINDS[kind.key] = kind
    return kind


def get(key: str) -> Kind:
    """The registered kind; KeyError when no app registered `key`."""
    return _KINDS[key]


def kinds() -> list[Kind]:
    return list(_KINDS.values())

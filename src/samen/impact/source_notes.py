"""The bundled figures' own words (notes, methods, population definitions in
src/samen/data/impact.yaml, and the note on proposals published by their source) in the
reader's language.

The bundled data is written in English, as the sources are cited; the pages show each
of these texts through the catalogue, so a Dutch page reads Dutch. A text an analyst
typed (an imported note, a link's note) is not in the catalogue and is shown as written.
A test keeps this list equal to the bundled file.
"""

from __future__ import annotations

from django.utils.translation import gettext, gettext_noop

#: Every note, method and population definition of the bundled file, marked for translation.
BUNDLED_TEXTS: frozenset[str] = frozenset(
    (
        gettext_noop("presumed victims reported (NRM count)"),
        gettext_noop("presumed victims (NRM victim monitor)"),
        gettext_noop("presumed victims reported (NRM figure)"),
        gettext_noop("presumed victims (NRM victim monitor 2016-2020)"),
        gettext_noop("reported victims; computed as 944 (2024) minus the stated increase of 76"),
        gettext_noop("minors in criminal exploitation"),
        gettext_noop(
            "reported victims; quoted second-hand from the National Rapporteur's publication of October 2025"
        ),
        gettext_noop("computed as 58 % of 958 (the published share in sexual exploitation)"),
        gettext_noop("computed as 41 % of 1,013 (the published share in sexual exploitation)"),
        gettext_noop(
            "computed as 41 % of 1,013 (the published share in labour exploitation in regulated work and services)"
        ),
        gettext_noop("per the EMM phenomenon report"),
        gettext_noop(
            "total computed from the counts per reporting organisation and their percentage shares"
        ),
        gettext_noop(
            "multiple systems estimation (National Rapporteur with UNODC, published 2017)"
        ),
        gettext_noop(
            "all victims of human trafficking in the Netherlands per year, registered or not"
        ),
        gettext_noop(
            "multiple systems estimation (WODC; Van Dijk, Cruyff, Van der Heijden; November 2021)"
        ),
        gettext_noop(
            "The source compares the estimate with the registered presumed victims: about five times as many."
        ),
        gettext_noop(
            "The source compares the estimate with about 1,300 victims a year observed by the reporting bodies: about four times as many."
        ),
        gettext_noop("Published by the source; loaded from the bundled data (samen load-impact)."),
    )
)


def source_text(text: str) -> str:
    """`text` in the active language when it is one of the bundled texts, else as given."""
    if text in BUNDLED_TEXTS:
        return gettext(text)
    return text

"""Date formats per language (settings.FORMAT_MODULE_PATH), on top of Django's own.

Short dates name the month, abbreviated as each language writes it: lower case in
Dutch ("3 mrt 2026"), capitalised in English ("3 Mar 2026"). Use them with
`{{ value|date:"SHORT_DATE_FORMAT" }}`, never with a hard-coded "M" (which
capitalises Dutch months too)."""

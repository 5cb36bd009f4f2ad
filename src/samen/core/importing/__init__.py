"""The steps every import shares, each in its own module:

- `workbook`: bytes to tables (XLSX sheets or CSV text), visible cells only, with
  the sheet choice, title rows, merged cells and hidden sheets/rows named;
- `headings`: which column is which field, and a report of how each heading
  was understood;
- `names`: names as people write them (aliases, several in one cell, "bedoelt u");
- `periods`: Dutch dates and periods;
- `changes`: what an import would add, change and remove, field by field;
- `problems`: errors that name sheet, row, column and value, shown 200 at a time.

The plan, allocations and motions importers build on these; none of them
knows about Django models.
"""

"""Importing a region's implementation list (实施清单) from a CSV or Excel file, at scale.

The columns are found by their headers (docs/standards.md lists them): the implementation
code, name, item type and implementing department are required; the basic code, the
region code, the department's own code, and the guide's terms (legal basis, conditions,
limits, fee, visits, channels, materials) are optional. A county's exported list such as
department,group,name,item_code,task_type,dept_code,area_code is read as it is; columns
the import does not know are named in the result and left alone.

`catalogue_import` checks every row before it writes anything and lists every problem
(row, column, reason) at once; one bad row and nothing is imported. What each row makes:

- its basic entry, if the province has none with that code yet: a provisional one, from
  what the row states (name, type, and any of legal basis, limits, fee, visits, channels,
  materials) — an entry the basic catalogue's editors complete or correct later;
- a draft service item when the basic entry is complete: the row's terms over the
  standard's (over the item's current ones, for a code that exists), refused if any
  loosens the standard; the editor then publishes it;
- otherwise (a file of names and codes only) a pending entry of the implementation list,
  drafted from the standard once it is complete (`pending_implementation_draft`).

Importing the same file again changes nothing: a row whose item (or pending entry) already
says what the row says is left alone.
"""

from onevisit.catalogue.importing.rows import material_code
from onevisit.catalogue.importing.service import ImportResult, catalogue_import
from onevisit.catalogue.importing.table import COLUMNS, MAX_BYTES
from onevisit.files.tables import FileRejected, RowProblem, TableFileError

__all__ = [
           "COLUMNS",
           "MAX_BYTES",
           "FileRejected",
           "ImportResult",
           "RowProblem",
           "TableFileError",
           "catalogue_import",
           "material_code",
]

"""Importers for every kind of docs/reference.md, from CSV or XLSX files as users really have them.

    import_files(db, paths, kind=None, date_format=None, user=None, progress=None)
        -> list[ImportSummary]; raises ImportRejected (every Problem of every file) and writes
        nothing when any file has a problem.
    preview_file(path, kind=None, date_format=None, rows=20) -> (kind, DataFrame, problems)
    detect_kind(header) -> kind name; KINDS: the kinds and their columns.
"""

from planner.store.importers.importing import ImportSummary, check_files, import_files, preview_file
from planner.store.importers.kinds import KINDS, Kind, KindError, detect_kind
from planner.store.importers.problems import ImportRejected, Problem

__all__ = ["KINDS", "ImportRejected", "ImportSummary", "Kind", "KindError", "Problem",
           "check_files", "detect_kind", "import_files", "preview_file"]

"""Turning one file into typed columns of its kind, collecting every problem on the way.

Each column is factorized once (its distinct values and, per row, which one it holds); parsing and
validation run on the distinct values and are spread back to rows with numpy, so a file of
millions of order lines costs a few whole-array passes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from planner.store.importers import parsing, ranges
from planner.store.importers.guards import check_file
from planner.store.importers.kinds import (
    Kind,
    KindError,
    detect_kind,
    did_you_mean,
    get_kind,
    near_spellings,
    normalize_header,
)
from planner.store.importers.problems import ProblemList
from planner.store.importers.reading import (
    FileHeader,
    UnreadableFile,
    read_header,
    read_rows,
    refuse_old_excel,
    unreadable_if_damaged,
)

_NUMBER_TYPES = {"units", "pack", "count", "money", "number", "fraction", "signed", "positive"}
_MAX_UNITS = 1e12


@dataclass
class Cells:
    """One column: per row the index of its distinct value (-1 when empty), and those values."""

    codes: np.ndarray
    uniques: np.ndarray

    def take(self, per_unique: np.ndarray, empty: object = None) -> np.ndarray:
        """Per-row values from values given per distinct value."""
        per_unique = np.asarray(per_unique)
        if per_unique.dtype.kind == "f":
            padded = np.append(per_unique, np.nan if empty is None else empty)  # type: ignore[call-overload]
        else:
            padded = np.append(per_unique.astype(object), np.array([empty], dtype=object))
        return padded[self.codes]

    def categorical(self) -> pd.Categorical:
        """The column as a pandas Categorical (no per-row copy of the values)."""
        return pd.Categorical.from_codes(self.codes, categories=pd.Index(self.uniques,
                                                                         dtype=object))

    def rows_where(self, bad_unique: np.ndarray) -> np.ndarray:
        """Row positions whose value is one of the flagged distinct values."""
        if not bad_unique.any():
            return np.zeros(0, dtype=np.int64)
        flagged = np.append(bad_unique, False)
        return np.flatnonzero(flagged[self.codes])


#: Bytes that str.strip() removes from ASCII text, and NUL (the separator: an empty value).
_STRIPPED = np.zeros(256, dtype=bool)
_STRIPPED[[0, 9, 10, 11, 12, 13, 28, 29, 30, 31, 32]] = True


#: The text neutralise_cell (planner/exports.py) writes for a cell a spreadsheet would run.
_NEUTRALISED = r"'+[=+\-@\t\r]"


def _all_tidy(uniques: np.ndarray) -> bool:
    """True when no value is blank or has surrounding spaces, checked on all values joined at
    once; a column with non-ASCII text takes the slow path."""
    try:
        joined = "\x00" + "\x00".join(uniques) + "\x00"
    except TypeError:
        return False
    if not joined.isascii() or "\x00'" in joined:
        return False
    data = np.frombuffer(joined.encode("ascii"), dtype=np.uint8)
    separators = np.flatnonzero(data == 0)
    neighbours = np.concatenate([data[separators[1:] - 1], data[separators[:-1] + 1]])
    return not _STRIPPED[neighbours].any()


def tidy_cells(codes: np.ndarray, uniques: np.ndarray) -> Cells:
    """A text column as read, keyed by its stripped values; blank cells become empty (-1)."""
    if _all_tidy(uniques):
        return Cells(codes=codes, uniques=np.asarray(uniques, dtype=object))
    original = pd.Series(uniques, dtype=object)
    stripped = original.str.strip()
    # '=x, '+x, '-x, '@x: a spreadsheet export's guard against formulas (planner export-pos
    # writes them); one apostrophe off gives the text back, so export then import is a no-op
    escaped = stripped.str.match(_NEUTRALISED, na=False).to_numpy(dtype=bool)
    if escaped.any():
        stripped[escaped] = stripped[escaped].str.slice(1)
    blank = (stripped == "").to_numpy()
    canon_codes, canon = pd.factorize(stripped.where(~blank, None).to_numpy(dtype=object))
    remap = np.append(canon_codes, -1).astype(np.int32)
    return Cells(codes=remap[codes], uniques=np.asarray(canon, dtype=object))


def _canonical(col: Cells, per_unique: np.ndarray) -> Cells:
    """The column keyed by parsed value (two spellings of one date become one key)."""
    canon_codes, canon = pd.factorize(np.asarray(per_unique, dtype=object))
    remap = np.append(canon_codes, -1).astype(np.int32)
    return Cells(codes=remap[col.codes], uniques=np.asarray(canon, dtype=object))


@dataclass
class ParsedFile:
    """A file read and checked against its kind: typed columns (with ``_row``) and problems."""

    path: Path
    label: str
    kind: Kind
    frame: pd.DataFrame
    present: list[str]
    unknown_columns: list[str]
    problems: ProblemList
    notes: list[str] = field(default_factory=list)
    skipped_reasons: dict[str, int] = field(default_factory=dict)
    rows_read: int = 0


def load_file(path: str | Path, *, kind: str | None = None, date_format: str | None = None,
              nrows: int | None = None, label: str | None = None,
              progress: Callable[[float], None] | None = None,
              decimal: str | None = None) -> ParsedFile:
    """Read, parse and validate one file; problems are collected, never raised. ``decimal``
    ('.' or ',') is the file's decimal separator when the user says it; else each number
    column's is read from the file (see parsing.decide_decimals)."""
    path = Path(path)
    label = label or path.name
    problems = ProblemList(label)
    chosen = get_kind(kind) if kind else None
    try:
        head = read_header(_guarded(refuse_old_excel(path)))
    except UnreadableFile as exc:
        problems.add(None, None, None, str(exc))
        return _empty(path, label, chosen, problems)
    if chosen is None:
        try:
            chosen = get_kind(detect_kind(head.header))
        except KindError as exc:
            problems.add(None, None, None, str(exc))
            return _empty(path, label, chosen, problems)
    present, unknown = _check_header(head, chosen, problems)
    if problems:
        return _empty(path, label, chosen, problems, unknown)
    try:
        raw = read_rows(head, set(present), nrows=nrows, progress=progress,
                        key=chosen.header_key)
    except UnreadableFile as exc:
        problems.add(exc.row, exc.column, None, str(exc))
        return _empty(path, label, chosen, problems, unknown)
    if not len(raw):
        problems.add(None, None, None, "the file has a header but no data rows; nothing to "
                     "import")
        return _empty(path, label, chosen, problems, unknown)
    cells = {name: tidy_cells(*raw.columns.pop(name)) for name in present}
    if chosen.name == "shopify_orders":
        from planner.store.importers.shopify import carry_order_columns

        cells = carry_order_columns(cells)
    rows = raw.rows
    if cells:
        filled = np.logical_or.reduce([c.codes >= 0 for c in cells.values()])
        if not filled.all():
            rows = rows[filled]
            cells = {n: Cells(c.codes[filled], c.uniques) for n, c in cells.items()}
    del raw
    if head.undecodable:
        _refuse_undecodable(cells, rows, problems)
    keys: dict[str, Cells] = {}
    frame = _parse_columns(chosen, present, cells, rows, head, date_format, problems, keys,
                           decimal)
    parsed = ParsedFile(path, label, chosen, frame, present, unknown, problems,
                        notes=list(head.notes), rows_read=len(frame))
    _check_rows(parsed, keys)
    if chosen.rewrites:
        _name_columns_as_written(problems, head, chosen)
    problems.sort(key=lambda p: (p.row is not None, p.row or 0))
    return parsed


def _refuse_undecodable(cells: dict[str, Cells], rows: np.ndarray,
                        problems: ProblemList) -> None:
    """Each cell of a UTF-8 file holding a byte that is not UTF-8 (read as U+FFFD) is a
    problem, named by row and column: guessing another encoding would garble every other
    accented name in the file."""
    for name, col in cells.items():
        text = pd.Series(col.uniques, dtype=object).fillna("").astype(str)
        bad = text.str.contains("\ufffd", regex=False).to_numpy(dtype=bool)
        if bad.any():
            _report(problems, col, bad, rows, name,
                    "UTF-8 text: the file is UTF-8 but this cell holds a byte that is not (shown "
                    "as \ufffd; often a Windows-1252 character pasted in). Retype the character "
                    "and save the file as UTF-8")


def _name_columns_as_written(problems: ProblemList, head: FileHeader, kind: Kind) -> None:
    """Problems name a column the way the file's header writes it when our name for it is
    another word (a Shopify file's 'On hand (current)' rather than on_hand)."""
    written: dict[str, str] = {}
    for name in head.header:
        if kind.header_key(name) != normalize_header(name):
            written.setdefault(kind.header_key(name), name.strip())
    for i, problem in enumerate(problems):
        if problem.column in written:
            problems[i] = replace(problem, column=written[problem.column])


def _guarded(path: Path) -> Path:
    """guards.check_file: hostile files (bombs, binary data, absurd sizes) are refused before
    any parser runs; a workbook too damaged for the guard to open is a problem too."""
    return unreadable_if_damaged(lambda: check_file(path))


def _empty(path: Path, label: str, kind: Kind | None, problems: ProblemList,
           unknown: list[str] | None = None) -> ParsedFile:
    from planner.store.importers.kinds import KINDS

    kind = kind or next(iter(KINDS.values()))
    return ParsedFile(path, label, kind, pd.DataFrame({"_row": np.zeros(0, dtype=np.int64)}),
                      [], unknown or [], problems)


def _check_header(head: FileHeader, kind: Kind,
                  problems: ProblemList) -> tuple[list[str], list[str]]:
    """(kind columns present, unknown header names); missing or repeated columns are problems."""
    seen: dict[str, int] = {}
    unknown: list[str] = []
    known = set(kind.column_names) | kind.ignored
    for position, name in enumerate(head.header, start=1):
        key = kind.header_key(name)
        if not key:
            continue
        if key in seen and key in kind.column_names:
            problems.add(None, key, None,
                         f"the column appears twice (columns {seen[key]} and {position}); "
                         "keep one of them")
        seen.setdefault(key, position)
        if key not in known and name.strip() not in unknown:
            unknown.append(name.strip())
    missing = [c for c in kind.required if c not in seen]
    near = near_spellings(kind, head.header)
    for name in missing:
        found = ", ".join(h for h in head.header if h)
        hint = f" {did_you_mean({name: near[name]})}" if name in near else ""
        problems.add(None, name, None,
                     f"the required column is missing;{hint} {kind.name} files need the columns "
                     f"{', '.join(kind.required)} (found: {found})")
    if kind.one_of and not any(c in seen for c in kind.one_of):
        found = ", ".join(h for h in head.header if h)
        problems.add(None, kind.one_of[0], None,
                     f"a quantity column is missing; {kind.name} files need one of the "
                     f"columns {', '.join(kind.one_of)} (found: {found})")
    return [c for c in kind.column_names if c in seen], unknown


# ---------------------------------------------------------------------------------------------
# Columns

def _parse_columns(kind: Kind, present: list[str], cells: dict[str, Cells], rows: np.ndarray,
                   head: FileHeader, date_format: str | None,
                   problems: ProblemList, keys: dict[str, Cells],
                   decimal_given: str | None = None) -> pd.DataFrame:
    types = {c.name: c.type for c in kind.columns}
    decimals = parsing.decide_decimals(
        {n: pd.Series(cells[n].uniques) for n in present if types[n] in _NUMBER_TYPES},
        head.delimiter, decimal_given,
        whole=[n for n in present if types[n] in ("units", "pack", "count")])
    for name, example in decimals.ambiguous.items():
        problems.add(None, name, None,
                     f"numbers such as {example!r} could have a decimal point or a thousands "
                     "separator and nothing in the file tells which; say which with "
                     "--decimal . (1.250 is one and a quarter) or --decimal , (1.250 is one "
                     "thousand two hundred and fifty)")
    dates = [n for n in present if types[n] == "date"]
    order = None if date_format else parsing.decide_date_order(
        pd.Series(cells[n].uniques) for n in dates)
    parsed_dates = {n: parsing.parse_dates(pd.Series(cells[n].uniques, dtype=object), order,
                                           date_format) for n in dates}
    if kind.name == "sales":
        # Order lines sorted by (sku, date), the order the sales table is best written in.
        by_date = _rank(parsed_dates["date"][0])[cells["date"].codes]
        by_sku = _rank(cells["sku"].uniques)[cells["sku"].codes]
        permutation = np.lexsort((by_date, by_sku))
        del by_date, by_sku
        for name in list(cells):  # one column at a time, to hold one extra copy at most
            cells[name] = Cells(cells[name].codes[permutation], cells[name].uniques)
        rows = rows[permutation]
    data: dict[str, object] = {"_row": rows}
    for name in present:
        column = kind.column(name)
        col = cells[name]
        uniques = pd.Series(col.uniques, dtype=object)
        if column.type == "date":
            iso, needs_order = parsed_dates[name]
            if needs_order.any():
                example = str(uniques[needs_order].iloc[0])
                problems.add(None, name, None,
                             f"dates such as {example!r} could be day-first or month-first and "
                             "no date in the file tells which; give --date-format, e.g. "
                             "%d/%m/%Y or %m/%d/%Y")
            bad = np.equal(iso, None) & ~needs_order  # type: ignore[call-overload]
            _report(problems, col, bad, rows, name, parsing.date_expectation(date_format, order))
            keys[name] = _canonical(col, iso)
            data[name] = _text_column(kind, keys[name])
        elif column.type in _NUMBER_TYPES:
            data[name] = _parse_number_column(column.type, name, col, uniques,
                                              decimals.by_column[name], rows,
                                              problems, kind.name)
        elif column.type == "bool":
            flags = parsing.parse_bools(uniques)
            _report(problems, col, np.equal(flags, None), rows, name,  # type: ignore[call-overload]
                    "a yes/no value (true/false, yes/no, 1/0)")
            data[name] = pd.array(col.take(flags), dtype="boolean")
        elif column.type == "status":
            statuses = parsing.parse_status(uniques)
            _report(problems, col, np.equal(statuses, None), rows, name,  # type: ignore[call-overload]
                    "a PO line status (open, received or cancelled)")
            data[name] = col.take(statuses)
        elif column.type == "currency":
            codes = uniques.str.upper()
            ok = codes.str.fullmatch(r"[A-Z]{3}").to_numpy(dtype=bool)
            _report(problems, col, ~ok, rows, name, "a three-letter currency code such as USD")
            data[name] = col.take(codes.to_numpy(dtype=object))
            keys[name] = _canonical(col, codes.to_numpy(dtype=object))
        else:
            data[name] = _text_column(kind, col)
            keys[name] = col
        if name in kind.key and name not in keys:
            keys[name] = col  # a number in a key (price_breaks' min_quantity), as written
        if column.required and not column.blank_ok:
            empty = np.sort(rows[col.codes < 0])
            problems.add_cells(empty, name, [None] * min(empty.size, 100),
                               f"empty, but {name} is required")
    return pd.DataFrame({name: (pd.Series(values, dtype=object, copy=False)
                                if isinstance(values, np.ndarray) and values.dtype == object
                                else values) for name, values in data.items()})


def _text_column(kind: Kind, col: Cells) -> object:
    """Text values per row; a sales file's repetitive columns (sku, date, channel) stay
    categorical, which saves a copy of millions of values (other kinds are small)."""
    if kind.name == "sales" and 2 * len(col.uniques) < len(col.codes):
        return col.categorical()
    return col.take(col.uniques)


def _rank(values: np.ndarray) -> np.ndarray:
    """Each distinct value's place in sorted order, then -1 (for empty cells, code -1)."""
    text = pd.Series(values, dtype=object).fillna("").astype(str).to_numpy(dtype=object)
    rank = np.empty(len(text), dtype=np.int64)
    rank[np.argsort(text, kind="stable")] = np.arange(len(text))
    return np.append(rank, -1)


def _parse_number_column(type_: str, name: str, col: Cells, uniques: pd.Series, decimal: str,
                         rows: np.ndarray, problems: ProblemList,
                         kind: str | None = None) -> object:
    numbers = parsing.parse_numbers(uniques, decimal, money=type_ == "money",
                                    percent=type_ == "fraction")
    not_number = np.isnan(numbers)
    if type_ == "count":
        not_stocked = uniques.str.lower().str.fullmatch(r"not\s*stocked").to_numpy(dtype=bool)
        numbers = np.where(not_stocked, 0.0, numbers)
        not_number &= ~not_stocked
    whole = type_ in ("units", "pack", "count")
    if whole:
        too_big = np.abs(numbers) > _MAX_UNITS
        fractional = ~not_number & ((numbers != np.round(numbers)) | too_big)
        comma = " (this file uses decimal commas)" if decimal == "," else ""
        _report(problems, col, not_number | fractional, rows, name,
                "a whole number of units" + comma)
    else:
        _report(problems, col, not_number, rows, name, parsing.number_expectation(decimal))
    checked = ~np.isnan(numbers)
    beyond = checked & ranges.out_of_range(name, type_, numbers, kind)
    reported = (not_number | fractional) if whole else not_number
    _report(problems, col, beyond & ~reported, rows, name, ranges.range_text(name, type_, kind))
    checked &= ~beyond
    numbers = np.where(beyond, np.nan, numbers)
    if type_ in ("units", "money", "number"):
        _report(problems, col, checked & (numbers < 0), rows, name,
                "zero or more (negative values cannot be imported)")
    elif type_ == "pack":
        _report(problems, col, checked & (numbers < 1), rows, name,
                "a case pack of 1 unit or more")
    elif type_ == "positive":
        _report(problems, col, checked & (numbers <= 0), rows, name,
                "a number above zero (leave the cell empty for none)")
    elif type_ == "fraction":
        _report(problems, col, checked & ((numbers <= 0) | (numbers >= 1)), rows, name,
                "a service level between 0 and 1, e.g. 0.95 or 95%")
    values = col.take(numbers)
    if whole:
        values = np.where(np.isnan(values) | (np.abs(values) > _MAX_UNITS), np.nan, values)
        return pd.array(np.round(values), dtype="Float64").astype("Int64")
    return values


def _report(problems: ProblemList, col: Cells, bad_unique: np.ndarray, rows: np.ndarray,
            name: str, expected: str) -> None:
    positions = col.rows_where(np.asarray(bad_unique, dtype=bool))
    if positions.size:
        positions = positions[np.argsort(rows[positions], kind="stable")]
        shown = col.uniques[col.codes[positions[:100]]]
        problems.add_cells(rows[positions], name, shown, expected)


# ---------------------------------------------------------------------------------------------
# Rows

def key_ids(keys: dict[str, Cells], names: tuple[str, ...], rows: int,
            nullable: frozenset[str] = frozenset()) -> np.ndarray:
    """One int64 per row identifying its key; -1 when a key cell that must be filled is empty.

    An empty cell of a ``nullable`` column (an inventory row without location) is a value; a
    nullable column the file lacks is empty on every row.
    """
    ids = np.zeros(rows, dtype=np.int64)
    empty = np.zeros(rows, dtype=bool)
    for name in names:
        if name not in keys:
            continue
        codes, size = keys[name].codes, len(keys[name].uniques)
        if name in nullable:
            codes = np.where(codes < 0, size, codes)
        empty |= codes < 0
        ids = ids * (size + 1) + codes
    ids[empty] = -1
    return ids


def duplicate_rows(ids: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(positions of rows repeating an earlier row's key, the row numbers of those earlier
    rows); rows need not be in file order."""
    ordered = np.sort(ids[ids >= 0])
    if not (ordered[1:] == ordered[:-1]).any():
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    shared = pd.Series(ids).duplicated(keep=False).to_numpy() & (ids >= 0)
    if not shared.any():
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    positions = np.flatnonzero(shared)
    first_row = pd.Series(rows[positions]).groupby(ids[positions]).transform("min").to_numpy()
    repeats = rows[positions] != first_row
    return positions[repeats], first_row[repeats]


def _check_rows(parsed: ParsedFile, keys: dict[str, Cells]) -> None:
    kind, frame, problems = parsed.kind, parsed.frame, parsed.problems
    rows = frame["_row"].to_numpy()
    key = kind.key
    if kind.name == "sales" and "order_id" not in frame:
        key = ()  # without order ids, several lines of one SKU on one day are normal
    if key:
        nullable = frozenset(k for k in key if not kind.column(k).required and k != "order_id")
        ids = key_ids(keys, key, len(frame), nullable)
        repeats, firsts = duplicate_rows(ids, rows)
        for pos, first in zip(repeats.tolist(), firsts.tolist(), strict=True):
            value = " / ".join("" if pd.isna(frame[k].iat[pos]) else str(frame[k].iat[pos])
                               for k in key if k in frame)
            problems.add(int(rows[pos]), key[0], value,
                         f"unique: row {first} has the same {', '.join(key)}")
    if kind.name == "inventory" and "hold_release_date" in frame:
        on_hold = frame["on_hold"] if "on_hold" in frame else pd.Series(0, index=frame.index)
        bad = frame["hold_release_date"].notna() & ~(on_hold.fillna(0) > 0)
        for pos in np.flatnonzero(bad.to_numpy())[:100].tolist():
            problems.add(int(rows[pos]), "hold_release_date", frame["hold_release_date"].iat[pos],
                         "usable without on_hold stock on the same row (hold_release_date "
                         "needs on_hold)")
    if kind.name == "forecast_overrides" and {"start_date", "end_date"} <= set(frame):
        bad = (frame["end_date"].notna() & frame["start_date"].notna()
               & (frame["end_date"].astype(str) < frame["start_date"].astype(str)))
        for pos in np.flatnonzero(bad.to_numpy())[:100].tolist():
            problems.add(int(rows[pos]), "end_date", frame["end_date"].iat[pos],
                         f"on or after start_date ({frame['start_date'].iat[pos]})")
    if kind.name == "price_breaks" and "min_quantity" in frame:
        bad = (frame["min_quantity"].fillna(1) < 1).to_numpy(dtype=bool)
        for pos in np.flatnonzero(bad)[:100].tolist():
            problems.add(int(rows[pos]), "min_quantity", str(frame["min_quantity"].iat[pos]),
                         "a whole number of units from 1 up (the first unit the price is for)")
    if kind.name == "events":
        _check_events(parsed)
    if kind.name == "purchase_orders":
        _check_po_headers(parsed)
        _check_po_dates(parsed)
        _check_po_receipts(parsed)
    if kind.name == "bundles":
        _check_bundle_rows(parsed)
    if kind.one_of:
        _check_one_of(parsed)


def _check_one_of(parsed: ParsedFile) -> None:
    """Each row fills at least one of its kind's one_of columns (a Shopify inventory row needs
    a quantity; 'not stocked' is one)."""
    frame = parsed.frame
    given = [c for c in parsed.kind.one_of if c in frame]
    if not given:
        return
    empty = np.logical_and.reduce([frame[c].isna().to_numpy() for c in given])
    rows = np.sort(frame["_row"].to_numpy()[empty])
    parsed.problems.add_cells(rows, given[0], [None] * min(rows.size, 100),
                              "a quantity (a whole number, or 'not stocked') in one of "
                              + ", ".join(given))


def _check_bundle_rows(parsed: ParsedFile) -> None:
    """A component quantity is 1 or more, and no bundle lists itself as a component (a bundle
    reached again through other bundles is refused when the file is written: see
    applying.bundles)."""
    frame, rows = parsed.frame, parsed.frame["_row"].to_numpy()
    zero = (frame["quantity"].fillna(1) < 1).to_numpy(dtype=bool)
    parsed.problems.add_cells(rows[zero], "quantity", frame["quantity"][zero].tolist(),
                              "a component quantity of 1 unit or more")
    itself = (frame["component_sku"] == frame["bundle_sku"]).fillna(False).to_numpy(dtype=bool)
    parsed.problems.add_cells(rows[itself], "component_sku",
                              frame["component_sku"][itself].tolist(),
                              "a component other than the bundle itself (a bundle cannot "
                              "contain itself)")


def _check_po_dates(parsed: ParsedFile) -> None:
    """Nothing is expected or received before it was ordered (such a date is a typo, and one
    of them would wreck the supplier's learned lead time)."""
    frame = parsed.frame
    if "order_date" not in frame:
        return
    ordered = frame["order_date"].astype(object)
    if "po_number" in frame:  # a PO's later lines may leave its order date blank
        ordered = ordered.groupby(frame["po_number"], sort=False).transform("first")
    for column in ("expected_date", "received_date", "confirmed_date"):
        if column not in frame:
            continue
        when = frame[column].astype(object)
        early = np.array((when.notna() & ordered.notna()).to_numpy(dtype=bool))
        early[early] = (when[early].astype(str) < ordered[early].astype(str)).to_numpy(bool)
        for pos in np.flatnonzero(early)[:100].tolist():
            parsed.problems.add(int(frame["_row"].iat[pos]), column, frame[column].iat[pos],
                                f"on or after the PO's order_date ({ordered.iat[pos]}): a line "
                                f"cannot be {column.split('_')[0]} before it was ordered")


def _check_events(parsed: ParsedFile) -> None:
    """An event ends on or after its start and lifts demand by a percentage or by units."""
    frame, problems = parsed.frame, parsed.problems
    rows = frame["_row"].to_numpy()
    start, end = frame["start_date"], frame["end_date"]
    backwards = (start.notna() & end.notna() & (end.astype(str) < start.astype(str))).to_numpy()
    for pos in np.flatnonzero(backwards)[:100].tolist():
        problems.add(int(rows[pos]), "end_date", end.iat[pos],
                     f"on or after start_date ({start.iat[pos]})")
    pct = frame["uplift_pct"] if "uplift_pct" in frame else pd.Series(np.nan, index=frame.index)
    units = (frame["uplift_units"] if "uplift_units" in frame
             else pd.Series(np.nan, index=frame.index))
    neither = (pct.isna() & units.isna()).to_numpy()
    for pos in np.flatnonzero(neither)[:100].tolist():
        problems.add(int(rows[pos]), "uplift_pct", None,
                     "an uplift: uplift_pct (e.g. 30 for +30 %) or uplift_units (units per day)")
    below = (pct.notna() & (pct.astype(float) <= -100)).to_numpy()
    for pos in np.flatnonzero(below)[:100].tolist():
        problems.add(int(rows[pos]), "uplift_pct", pct.iat[pos],
                     "more than -100 (a percentage added to the forecast)")


#: a line's received units above this many times its quantity are a typo, not a delivery
MAX_RECEIVED_TIMES = 10


def _check_po_receipts(parsed: ParsedFile) -> None:
    """A line's received units are at most MAX_RECEIVED_TIMES its quantity due (confirmed,
    else ordered): 100,000 received against 160 ordered is a typo."""
    frame = parsed.frame
    if "received_quantity" not in frame:
        return
    due = frame["quantity"].astype(float)
    if "confirmed_quantity" in frame:
        due = frame["confirmed_quantity"].astype(float).fillna(due)
    received = frame["received_quantity"].astype(float)
    bad = (received > MAX_RECEIVED_TIMES * due).fillna(False).to_numpy(dtype=bool)
    for pos in np.flatnonzero(bad)[:100].tolist():
        parsed.problems.add(int(frame["_row"].iat[pos]), "received_quantity",
                            f"{received.iat[pos]:,.0f}",
                            f"possible: more than {MAX_RECEIVED_TIMES} times the line's "
                            f"{due.iat[pos]:,.0f} units due (confirmed, else ordered); a "
                            "typo? correct the cell")


def _check_po_headers(parsed: ParsedFile) -> None:
    """A PO's supplier and order date must agree across its lines."""
    frame = parsed.frame
    for column in ("supplier", "order_date"):
        if column not in frame:
            continue
        given = frame[frame[column].notna() & frame["po_number"].notna()]
        first = given.groupby("po_number", sort=False)[column].transform("first")
        clash = given[given[column] != first]
        first_row = given.groupby("po_number", sort=False)["_row"].transform("first")
        for idx in clash.index[:100]:
            parsed.problems.add(int(frame.at[idx, "_row"]), column, frame.at[idx, column],
                                f"the same {column} as row {int(first_row[idx])} of PO "
                                f"{frame.at[idx, 'po_number']} ({first[idx]!r})")

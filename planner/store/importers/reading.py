"""Reading import files as users have them: CSV in any common encoding and delimiter, or XLSX.

A file is read as text cells only (never guessing numbers, so SKU 00123 stays 00123); the
parsers in parsing.py turn the columns into values afterwards. Each column comes back encoded:
its distinct cell texts and, per row, which of them it holds.

A UTF-8 CSV file with its header on the first line and the same number of cells on every row
(nearly every export) is read by pyarrow's multi-threaded reader, about twice as fast as
pandas' on millions of lines; anything else (other encodings, rows of uneven length, lines
before the header) by pandas' more forgiving reader, which gives the same cells and row numbers.
pyarrow is optional at run time: the frozen desktop build leaves it out (75 MB) and reads every
file with pandas.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import importlib.util
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from planner.errors import UserError
from planner.store.importers.kinds import normalize_header

CHUNK_ROWS = 1_000_000
_ARROW_BLOCK_BYTES = 4 * 1024 * 1024
_SNIFF_BYTES = 256 * 1024
MAX_TAIL_BYTES = 64 * 1024
_DELIMITERS = [",", ";", "\t", "|"]
#: Python's csv module refuses cells over 131,072 characters by default; the guard already
#: bounds a line at 1 MiB, so a cell up to that is read.
_CSV_FIELD_LIMIT = 4 * 1024 * 1024


class UnreadableFile(UserError, ValueError):
    """A file that cannot be read as CSV or XLSX, with what to do about it."""

    #: Where in the file, when one place is to blame (row as a spreadsheet shows it, column).
    row: int | None = None
    column: str | None = None


def unreadable_at(row: int, column: str | None, message: str) -> UnreadableFile:
    """An UnreadableFile that names the row (and column) where reading went wrong."""
    error = UnreadableFile(message)
    error.row, error.column = row, column
    return error


@dataclass
class RawTable:
    """A file's wanted columns as text cells, each encoded as (per-row code, distinct texts);
    code -1 means no cell (None). Rows carry their numbers as a spreadsheet shows them."""

    header: list[str]
    columns: dict[str, tuple[np.ndarray, np.ndarray]]
    rows: np.ndarray
    delimiter: str | None = None
    encoding: str | None = None
    notes: list[str] = field(default_factory=list)

    def __len__(self) -> int:
        return int(self.rows.size)


@dataclass
class FileHeader:
    """What a first look at a file tells: its header and how to read the rest."""

    path: Path
    header: list[str]
    header_row: int  # 1-based row of the header as a spreadsheet shows it
    is_xlsx: bool
    delimiter: str | None = None
    encoding: str | None = None
    sheet: str | None = None
    notes: list[str] = field(default_factory=list)
    #: A UTF-8 file with a few bytes that are not UTF-8: read as UTF-8, those bytes become
    #: U+FFFD and their cells are refused (loading names each row and column).
    undecodable: bool = False


# ---------------------------------------------------------------------------------------------
# Encoding and dialect

def sniff_encoding(path: Path) -> str:
    """utf-8-sig / utf-16 when the file starts with a byte-order mark, else utf-8 when the
    whole file decodes as UTF-8, else Windows-1252 (latin-1 for its few undefined bytes)."""
    with open(path, "rb") as handle:
        head = handle.read(4)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        handle.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while block := handle.read(16 * 1024 * 1024):
                decoder.decode(block)
            decoder.decode(b"", final=True)
            return "utf-8"
        except UnicodeDecodeError:
            pass
        handle.seek(0)
        if _mostly_utf8(handle):
            return UTF8_WITH_BAD_BYTES
        handle.seek(0)
        undefined = set(b"\x81\x8d\x8f\x90\x9d")
        while block := handle.read(16 * 1024 * 1024):
            if undefined.intersection(block):
                return "latin-1"
        return "cp1252"


#: sniff_encoding's word for a UTF-8 file with bytes that are not UTF-8 (a Windows-1252
#: character pasted into it): read as UTF-8, and the cells holding those bytes are refused.
UTF8_WITH_BAD_BYTES = "utf-8+bad-bytes"
_UTF8_SEQUENCE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}"
                            rb"|[\xf0-\xf4][\x80-\xbf]{3}")


def _mostly_utf8(handle: Any) -> bool:
    """Whether a file that fails to decode as UTF-8 is still mostly UTF-8: its multi-byte UTF-8
    sequences outnumber its other non-ASCII bytes (a Windows-1252 file has no such sequences;
    'é' is one byte there)."""
    valid = invalid = 0
    while block := handle.read(16 * 1024 * 1024):
        sequences = sum(len(q) for q in _UTF8_SEQUENCE.findall(block))
        high = int(np.count_nonzero(np.frombuffer(block, dtype=np.uint8) >= 0x80))
        valid += sequences
        invalid += high - sequences
    return valid > 0 and valid >= invalid


def _known_names() -> set[str]:
    from planner.store.importers.kinds import KINDS

    names: set[str] = set()
    for kind in KINDS.values():
        names.update(kind.column_names)
        names.update(kind.ignored)
    return names


def _is_blank(line: str) -> bool:
    return not line.strip(" \t\r\n,;|\"")


def _csv_rows(text: str, delimiter: str) -> list[list[str]]:
    """The rows of a piece of CSV text, cells up to _CSV_FIELD_LIMIT long."""
    if csv.field_size_limit() < _CSV_FIELD_LIMIT:
        csv.field_size_limit(_CSV_FIELD_LIMIT)
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def sniff_csv(text: str) -> tuple[str, int]:
    """(delimiter, 0-based line of the header) from the start of a decoded CSV file."""
    lines = text.splitlines()
    start = 0
    forced = None
    if lines and lines[0].strip().lower().startswith("sep=") and len(lines[0].strip()) == 5:
        forced, start = lines[0].strip()[4], 1
    while start < len(lines) and _is_blank(lines[start]):
        start += 1
    if forced:
        return forced, start
    if start >= len(lines):
        return ",", start
    known = _known_names()
    sample = "\n".join(lines[start:start + 50])
    best = (-1, -1, -1, ",")
    for delimiter in _DELIMITERS:
        rows = [r for r in _csv_rows(sample, delimiter) if r]
        if not rows:
            continue
        header = rows[0]
        matches = sum(normalize_header(h) in known for h in header)
        consistent = sum(len(r) == len(header) for r in rows[1:])
        score = (matches, consistent if len(header) > 1 else -1, len(header), delimiter)
        if score[:3] > best[:3]:
            best = score
    return best[3], start


# ---------------------------------------------------------------------------------------------
# Headers

def _file_type(path: Path) -> str:
    with open(path, "rb") as handle:
        magic = handle.read(8)
    if magic.startswith(b"PK\x03\x04"):
        return "xlsx"
    if magic.startswith(b"\xd0\xcf\x11\xe0"):
        raise UnreadableFile("an old Excel .xls workbook; save it as .xlsx or CSV and import that")
    return "csv"


def refuse_old_excel(path: str | Path) -> Path:
    """The path, unless it is an old binary Excel workbook (UnreadableFile saying what to do)."""
    path = Path(path)
    if path.is_file():
        _file_type(path)
    return path


def read_header(path: str | Path) -> FileHeader:
    """The header of a CSV or XLSX file and how to read its rows."""
    path = Path(path)
    if not path.is_file():
        raise UnreadableFile("no such file")
    if _file_type(path) == "xlsx":
        return unreadable_if_damaged(_xlsx_header, path)
    encoding = sniff_encoding(path)
    undecodable = encoding == UTF8_WITH_BAD_BYTES
    if undecodable:
        encoding = "utf-8"
    with open(path, encoding=encoding, errors="replace", newline="") as handle:
        text = handle.read(_SNIFF_BYTES)
    delimiter, header_line = sniff_csv(text)
    lines = text.splitlines()
    if header_line >= len(lines):
        raise UnreadableFile("the file is empty; it needs a header row and data rows")
    header_text = "\n".join(lines[header_line:header_line + 1])
    header = next(iter(_csv_rows(header_text, delimiter)), [])
    notes = []
    if encoding not in ("utf-8", "utf-8-sig"):
        notes.append(f"read as {'Windows-1252' if encoding == 'cp1252' else encoding} text")
    return FileHeader(path, [h.replace("\ufeff", "") for h in header], header_line + 1,
                      is_xlsx=False, delimiter=delimiter, encoding=encoding, notes=notes,
                      undecodable=undecodable)


def _open_xlsx(path: Path) -> Any:
    import openpyxl

    try:
        return openpyxl.load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise UnreadableFile(f"not a readable XLSX workbook ({exc})") from None


def unreadable_if_damaged(read: Callable[..., Any], *args: Any) -> Any:
    """Run an XLSX read; a damaged workbook (any error of the zip or XML layers) is a problem
    with the file, not a crash."""
    try:
        return read(*args)
    except UnreadableFile:
        raise
    except Exception as exc:  # zipfile, zlib, XML and openpyxl errors of a damaged file
        raise UnreadableFile(f"a damaged XLSX workbook ({type(exc).__name__}: {exc}); open and "
                             "save it again in Excel, or export it as CSV") from None


def _first_sheet_rows(workbook: Any) -> tuple[str, Iterable[tuple[Any, ...]]]:
    for sheet in workbook.worksheets:
        rows = sheet.iter_rows(values_only=True)
        first = next(rows, None)
        if first is not None:
            def all_rows(first: tuple[Any, ...] = first,
                         rows: Iterator[tuple[Any, ...]] = rows) -> Iterator[tuple[Any, ...]]:
                yield first
                yield from rows
            return sheet.title, all_rows()
    raise UnreadableFile("the workbook has no rows; it needs a header row and data rows")


def _xlsx_header(path: Path) -> FileHeader:
    workbook = _open_xlsx(path)
    try:
        sheet, rows = _first_sheet_rows(workbook)
        for number, row in enumerate(rows, start=1):
            cells = [cell_text(c) for c in row]
            if any(c for c in cells):
                notes = [f"read sheet {sheet!r}"] if len(workbook.sheetnames) > 1 else []
                return FileHeader(path, [c or "" for c in cells], number, is_xlsx=True,
                                  sheet=sheet, notes=notes)
    finally:
        workbook.close()
    raise UnreadableFile("the workbook has no header row")


# ---------------------------------------------------------------------------------------------
# Cells

def cell_text(value: object) -> str | None:
    """An XLSX cell as the text a user sees: 123.0 → '123', a date cell → ISO date."""
    if value is None:
        return None
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    return str(value)


# ---------------------------------------------------------------------------------------------
# Rows

def _wanted_positions(header: list[str], wanted: set[str],
                      key: Callable[[object], str] = normalize_header) -> dict[str, int]:
    """Wanted column name (``key`` of a header cell) → position of its first occurrence."""
    positions: dict[str, int] = {}
    for i, name in enumerate(header):
        key_ = key(name)
        if key_ in wanted and key_ not in positions:
            positions[key_] = i
    return positions


def read_rows(head: FileHeader, wanted: set[str], *, nrows: int | None = None,
              progress: Callable[[float], None] | None = None,
              key: Callable[[object], str] = normalize_header) -> RawTable:
    """The wanted columns of a file as encoded text cells (empty cells are '' or no cell),
    with row numbers as a spreadsheet shows them; ``key`` tells a header cell's column name."""
    positions = _wanted_positions(head.header, wanted, key)
    if head.is_xlsx:
        table = unreadable_if_damaged(_read_xlsx_rows, head, positions, nrows)
    else:
        table = _read_csv_rows(head, positions, nrows, progress)
    table.notes = list(head.notes)
    return table


def _encode(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(per-row code, distinct values) of text cells; None gets code -1."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    return codes.astype(np.int32), np.asarray(uniques, dtype=object)


def _finish(head: FileHeader, columns: dict[str, list[np.ndarray]], records: list[np.ndarray],
            delimiter: str | None, encoding: str | None) -> RawTable:
    rows = (np.concatenate(records) if records else np.zeros(0, dtype=np.int32))
    merged = {name: _encode(np.concatenate(parts) if parts else np.zeros(0, dtype=object))
              for name, parts in columns.items()}
    return RawTable(header=head.header, columns=merged, rows=rows, delimiter=delimiter,
                    encoding=encoding)


class _ShortRows(Exception):
    """Every row of a chunk has fewer cells than the header reaches (pandas then refuses
    ``usecols``); the file is read again with all columns."""


def _read_csv_rows(head: FileHeader, positions: dict[str, int], nrows: int | None,
                   progress: Callable[[float], None] | None) -> RawTable:
    if not positions:
        return _finish(head, {}, [], head.delimiter, head.encoding)
    if (nrows is None and head.header_row == 1 and head.encoding in ("utf-8", "utf-8-sig")
            and not head.undecodable and arrow_available()):
        table = _read_csv_arrow(head, positions)
        if table is not None:
            check_read_to_end(head, len(table))
            if progress:
                progress(1.0)
            return table
    try:
        table = _read_csv_chunks(head, positions, nrows, progress, only_wanted=True)
    except _ShortRows:
        table = _read_csv_chunks(head, positions, nrows, progress, only_wanted=False)
    if nrows is None:
        check_read_to_end(head, len(table))
    return table


@functools.cache
def arrow_available() -> bool:
    return importlib.util.find_spec("pyarrow") is not None


def _read_csv_arrow(head: FileHeader, positions: dict[str, int]) -> RawTable | None:
    """The file read by pyarrow, or None when pyarrow's strict reading refuses it (a row with
    more or fewer cells than the header, say): pandas then reads it.

    The file streams through in blocks, each column dictionary-encoded block by block, so the
    text of millions of cells never sits in memory at once; the blocks' dictionaries are unified
    at the end. A column whose values are mostly distinct in the first block (order ids) is
    kept as text and encoded once at the end: unifying its big dictionaries would cost more."""
    import pyarrow as pa
    from pyarrow import csv as pa_csv

    names = [str(i) for i in range(len(head.header))]
    wanted = {name: str(position) for name, position in positions.items()}
    parts: dict[str, list[Any]] = {name: [] for name in wanted}
    rows = 0
    try:
        reader = pa_csv.open_csv(
            head.path,
            read_options=pa_csv.ReadOptions(skip_rows=1, column_names=names,
                                            block_size=_ARROW_BLOCK_BYTES),
            parse_options=pa_csv.ParseOptions(delimiter=head.delimiter, quote_char='"',
                                              double_quote=True, newlines_in_values=True,
                                              ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(
                include_columns=sorted(set(wanted.values()), key=int),
                column_types={c: pa.string() for c in wanted.values()},
                strings_can_be_null=False, quoted_strings_can_be_null=False))
        distinct: set[str] = set()
        with reader:
            for batch in reader:
                for name, column in wanted.items():
                    cells = batch.column(column)
                    if name not in distinct:
                        cells = cells.dictionary_encode()
                        if not rows and 2 * len(cells.dictionary) > max(len(cells), 1000):
                            distinct.add(name)
                            cells = cells.dictionary_decode()
                    parts[name].append(cells)
                rows += batch.num_rows
    except (pa.ArrowException, UnicodeDecodeError):
        return None
    columns = {name: _unified(parts.pop(name), encoded=name not in distinct)
               for name in list(parts)}
    return RawTable(header=head.header, columns=columns,
                    rows=np.arange(rows, dtype=np.int32) + head.header_row + 1,
                    delimiter=head.delimiter, encoding=head.encoding)


def _unified(chunks: list[Any], *, encoded: bool) -> tuple[np.ndarray, np.ndarray]:
    """(per-row code, distinct texts) of a column's blocks, dictionary-encoded or text."""
    import pyarrow as pa

    if encoded:
        column = (pa.chunked_array(chunks, type=pa.dictionary(pa.int32(), pa.string()))
                  .unify_dictionaries().combine_chunks())
    else:
        column = pa.chunked_array(chunks, type=pa.string()).dictionary_encode().combine_chunks()
    chunks.clear()
    codes = column.indices.to_numpy(zero_copy_only=False).astype(np.int32)
    uniques = column.dictionary.to_numpy(zero_copy_only=False).astype(object, copy=False)
    del column
    pa.default_memory_pool().release_unused()  # hand Arrow's freed blocks back to the system
    return codes, uniques


def _read_csv_chunks(head: FileHeader, positions: dict[str, int], nrows: int | None,
                     progress: Callable[[float], None] | None, *, only_wanted: bool) -> RawTable:
    order = sorted(positions.values())
    by_position = {p: n for n, p in positions.items()}
    columns: dict[str, list[np.ndarray]] = {n: [] for n in positions}
    records: list[np.ndarray] = []
    size = max(head.path.stat().st_size, 1)
    with open(head.path, "rb") as handle:
        try:
            # Positional names for every header column: rows with fewer cells get empty cells,
            # cells beyond the header are ignored.
            reader = pd.read_csv(
                handle, sep=head.delimiter, header=None, skiprows=head.header_row,
                names=list(range(len(head.header))), usecols=order if only_wanted else None,
                index_col=False, dtype=object, na_filter=False, low_memory=False,
                skip_blank_lines=False, encoding=head.encoding, quotechar='"', engine="c",
                encoding_errors="replace" if head.undecodable else "strict",
                chunksize=CHUNK_ROWS, nrows=nrows)
            with reader:
                for chunk in reader:
                    for p in order:
                        columns[by_position[p]].append(chunk[p].to_numpy(dtype=object))
                    records.append((chunk.index.to_numpy() + head.header_row + 1)
                                   .astype(np.int32))
                    if progress:
                        progress(min(handle.tell() / size, 1.0))
        except pd.errors.EmptyDataError:
            pass
        except pd.errors.ParserError as exc:
            if only_wanted and "Too many columns specified" in str(exc):
                raise _ShortRows from None
            if "EOF inside string" in str(exc):
                _refuse_unclosed_quote(head)
            raise UnreadableFile(f"cannot be read as CSV ({exc})") from None
        except UnicodeDecodeError as exc:
            raise UnreadableFile(f"cannot be read as CSV ({exc})") from None
    return _finish(head, columns, records, head.delimiter, head.encoding)


# ---------------------------------------------------------------------------------------------
# Reading to the end

def check_read_to_end(head: FileHeader, records: int) -> None:
    """Refuse (UnreadableFile, naming the row) a CSV file that was not read to its end as
    written: a quote that opens a cell and never closes (the readers then take the rest of the
    file as that one cell), or a last line cut off in the middle (a truncated copy)."""
    lines, quotes, last_line_end = _count_lines_and_quotes(head)
    if quotes % 2 or records < lines - head.header_row:
        _refuse_unclosed_quote(head)
    if not last_line_end:
        _refuse_cut_last_line(head, records)


def _text_chunks(head: FileHeader) -> Iterator[str]:
    with open(head.path, encoding=head.encoding, errors="replace", newline=None) as handle:
        while chunk := handle.read(_ARROW_BLOCK_BYTES):
            yield chunk


def _count_lines_and_quotes(head: FileHeader) -> tuple[int, int, bool]:
    """(lines, quote characters, whether the last line ends with a line break) of a CSV file."""
    lines = quotes = 0
    last = ""
    for chunk in _text_chunks(head):
        lines += chunk.count("\n")
        quotes += chunk.count('"')
        last = chunk[-1]
    if last and last != "\n":
        lines += 1
    return lines, quotes, last in ("", "\n")


def _refuse_unclosed_quote(head: FileHeader) -> None:
    stray = find_stray_quote(head)
    if stray is None:
        return
    row, position, lines = stray
    column = (head.header[position] if position < len(head.header)
              else f"{position + 1} (beyond the header)")
    if lines is None:
        what = ("a quote opens here and is never closed, so the rest of the file would be read "
                "as this one cell")
    else:
        what = (f"a quote opens here and closes only {lines:,} lines further on, so the lines "
                "between, which look like rows, would be read as this one cell")
    raise unreadable_at(row, column, (
        f"{what}. Remove the stray \" (or close it) and import the file again"))


def find_stray_quote(head: FileHeader) -> tuple[int, int, int | None] | None:
    """(row, 0-based column, lines) of a quote that opens a cell and swallows what follows:
    still open at the end of the file (lines None), or closing lines further on in a way no
    real cell on several lines does: the lines inside look like rows (as many delimiters as
    the header has, in a file of 3 columns or more) or the closing quote is followed by more
    text. Rows are numbered as the readers number them (one per record); None if none.

    A quote opens a cell only at its start (elsewhere it is a character, as in 12" plate);
    inside a quoted cell "" is a quote and a lone " closes it."""
    delimiter = head.delimiter or ","
    special = re.compile('["' + re.escape(delimiter) + "]")
    rowlike = len(head.header) - 1 if len(head.header) >= 3 else None
    row = head.header_row
    in_quote, opened, spanned, looks_like_rows = False, (0, 0), 0, False
    field, start = 0, 0
    with open(head.path, encoding=head.encoding, errors="replace", newline="") as handle:
        for number, line in enumerate(handle, start=1):
            if number <= head.header_row:
                continue
            started_inside = in_quote
            if not in_quote:
                row += 1
                field, start = 0, 0
                if '"' not in line:
                    continue
            else:
                start = -1
            i = 0
            while match := special.search(line, i):
                i = match.start()
                if in_quote:
                    if line[i] == '"':
                        if line.startswith('"', i + 1):
                            i += 2
                            continue
                        in_quote = False
                        if spanned:
                            inside = line[:i] if started_inside else ""
                            looks_like_rows |= (rowlike is not None
                                                and inside.count(delimiter) >= rowlike)
                            if looks_like_rows or line[i + 1:i + 2] not in (
                                    delimiter, "\r", "\n", ""):
                                return opened[0], opened[1], spanned
                        spanned, looks_like_rows = 0, False
                elif line[i] == delimiter:
                    field, start = field + 1, i + 1
                elif i == start:
                    in_quote, opened = True, (row, field)
                i += 1
            if in_quote:
                if started_inside and rowlike is not None:
                    looks_like_rows |= line.count(delimiter) >= rowlike
                spanned += 1
    return (opened[0], opened[1], None) if in_quote else None


def _refuse_cut_last_line(head: FileHeader, records: int) -> None:
    """A last line with no line break and fewer cells than the line before it: cut off."""
    with open(head.path, "rb") as handle:
        handle.seek(max(handle.seek(0, 2) - 2 * MAX_TAIL_BYTES, 0))
        tail = handle.read().decode(head.encoding or "utf-8", errors="replace")
    lines = tail.splitlines()
    if len(lines) < 2 or records < 2:
        return
    delimiter = head.delimiter or ","
    last, before = (_csv_rows(line, delimiter) for line in lines[-2:][::-1])
    if not last or not before or '"' in lines[-1] or '"' in lines[-2]:
        return
    wanted = min(len(before[0]), len(head.header))
    if 0 < len(last[0]) < wanted:
        raise unreadable_at(records + head.header_row, None, (
            f"the last row has {len(last[0])} of the {wanted} cells of the rows before it and "
            "the file ends without a line break: the file looks cut off (a copy or download "
            "that did not finish). Export or copy it again"))


def _read_xlsx_rows(head: FileHeader, positions: dict[str, int], nrows: int | None) -> RawTable:
    import time

    from planner.store.importers.guards import MAX_XLSX_READ_SECONDS

    workbook = _open_xlsx(head.path)
    names = list(positions)
    values: dict[str, list[str | None]] = {n: [] for n in names}
    numbers: list[int] = []
    deadline = time.monotonic() + MAX_XLSX_READ_SECONDS
    try:
        sheet = workbook[head.sheet] if head.sheet else workbook.worksheets[0]
        for number, row in enumerate(sheet.iter_rows(values_only=True), start=1):
            if number % 4096 == 0 and time.monotonic() > deadline:
                raise UnreadableFile(f"reading the workbook took more than "
                                     f"{MAX_XLSX_READ_SECONDS:.0f} s (stopped at row "
                                     f"{number:,}); save the sheet as CSV and import that")
            if number <= head.header_row:
                continue
            cells = {n: (cell_text(row[p]) if p < len(row) else None)
                     for n, p in positions.items()}
            if all(c is None or not str(c).strip() for c in cells.values()):
                continue
            for n in names:
                values[n].append(cells[n])
            numbers.append(number)
            if nrows is not None and len(numbers) >= nrows:
                break
    finally:
        workbook.close()
    columns = {n: [np.array(v, dtype=object)] for n, v in values.items()}
    return _finish(head, columns, [np.array(numbers, dtype=np.int32)], None, None)

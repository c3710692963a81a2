"""What a spreadsheet's CSV looks like: reading its bytes, and cells it cannot run.

Reading: the text is decoded as UTF-8 (a BOM is dropped), then Windows-1252, then Latin-1; a
file that starts with a UTF-16 byte-order mark is read as UTF-16, and so is one without the
mark whose zero bytes fall every other byte (other zero bytes mean binary). The separator is
the one of comma, semicolon and tab under which the header names the most wanted columns.
Writing: ``csv_safe`` keeps exported text cells from running as formulas.
"""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Collection

import pandas as pd

from recsys.catalog import spreadsheet_rows

#: Tried in order; utf-8-sig reads plain UTF-8 too and drops a BOM. Windows-1252 is what Excel
#: on Windows saves; it leaves five bytes undefined, which Latin-1 (any byte) then reads.
ENCODINGS = ("utf-8-sig", "cp1252", "latin-1")
ENCODING_NAMES = {
    "cp1252": "Windows-1252",
    "latin-1": "Latin-1",
    "utf-16": "UTF-16",
    "utf-16-le": "UTF-16",
    "utf-16-be": "UTF-16",
}
#: Separators a spreadsheet may save, by the word the visitor's notice uses.
SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs"}
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def _decode_utf16_without_bom(data: bytes) -> tuple[str | None, str]:
    """UTF-16 saved without a byte-order mark, told by its zero bytes: in mostly-Latin text
    every other byte is 0 (the odd ones little-endian, the even ones big-endian) and the
    other bytes almost never are. Anything else with a zero byte is binary: (None, "")."""
    if len(data) % 2:
        return None, ""
    half = len(data) // 2
    even_zeros, odd_zeros = data[0::2].count(0), data[1::2].count(0)
    for codec, zeros, others in (
        ("utf-16-le", odd_zeros, even_zeros),
        ("utf-16-be", even_zeros, odd_zeros),
    ):
        if zeros >= half / 2 and others <= half / 100:
            return _utf16_text(data, codec)
    return None, ""


def _utf16_text(data: bytes, codec: str) -> tuple[str | None, str]:
    """``data`` read with a UTF-16 ``codec``, or (None, "") if it is not UTF-16 text."""
    try:
        text = data.decode(codec)
    except UnicodeDecodeError:
        return None, ""
    return (None, "") if "\x00" in text else (text, codec)


def decode(data: bytes) -> tuple[str | None, str]:
    """The text and the encoding it was read with; (None, "") for binary data."""
    if data.startswith(_UTF16_BOMS):
        return _utf16_text(data, "utf-16")
    if b"\x00" in data:
        return _decode_utf16_without_bom(data)
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None, ""  # unreachable: Latin-1 reads any byte


def header_names(line: str, separator: str) -> list[str]:
    return [name.strip().lower() for name in next(csv.reader([line], delimiter=separator), [])]


def best_separator(header_line: str, wanted: Collection[str]) -> str:
    """The separator under which the header line names the most ``wanted`` columns, then has
    the most cells; a tie goes to the comma (the first in ``SEPARATORS``)."""

    def fit(separator: str) -> tuple[int, int]:
        names = header_names(header_line, separator)
        return sum(name in wanted for name in names), len(names)

    return max(SEPARATORS, key=fit)


def is_blank(record: list[str]) -> bool:
    """A line pandas skips: empty, or only spaces."""
    return not record or (len(record) == 1 and not record[0].strip())


def wide_rows(text: str, separator: str, max_cell: int) -> tuple[int, list[int], list[int]]:
    """The header's width, and the 0-based data rows with cells beyond it: those whose extra
    cells are all empty, and those with something in them. ``max_cell``: the longest cell
    to accept (one quoted cell may be nearly the whole file)."""
    if csv.field_size_limit() < max_cell:
        csv.field_size_limit(max_cell)  # process-wide, but only ever raised, to one value
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    records = [record for record in reader if not is_blank(record)]
    width = len(records[0]) if records else 0
    empty_extra, filled_extra = [], []
    for row, record in enumerate(records[1:]):
        if len(record) > width:
            extra = record[width:]
            (filled_extra if any(cell.strip() for cell in extra) else empty_extra).append(row)
    return width, empty_extra, filled_extra


def starts_rows(rows: list[int]) -> str:
    """'Row 3 has' or 'Rows 3, 4 have', for the start of a sentence."""
    return spreadsheet_rows(rows).capitalize() + (" have" if len(rows) > 1 else " has")


def csv_safe(items: pd.DataFrame) -> pd.DataFrame:
    """A copy whose text cells cannot run as spreadsheet formulas: a cell starting with
    ``= + - @``, tab or carriage return gets a leading apostrophe."""
    safe = items.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            text = safe[column].astype(str)
            risky = text.str.startswith(FORMULA_PREFIXES)
            safe[column] = text.where(~risky, "'" + text)
    return safe

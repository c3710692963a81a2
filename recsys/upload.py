"""A visitor's own catalogue: read and check an uploaded CSV, and the upload's template.

Required columns: ``title`` and ``description``. Optional: ``item_id`` (when absent made as
``u1a2b3c-0001``, ..., the six hex digits from the file's sha256, so the made-up ids of two
files never collide in one session's ratings), ``domain`` (default ``uploaded``),
``category`` (``General``), ``tags`` (empty), ``quality`` and ``hook`` (0.5 each: no claim
either way); blank ``domain``, ``category``, ``quality`` and ``hook`` cells get the same
defaults. Column names are matched without regard to case or surrounding spaces; other
columns are ignored.

Reading the bytes (encoding, separator, row widths) is ``recsys.spreadsheet``; a data row never
shifts the columns: empty cells beyond the header's width are dropped with a notice, and a row
with a filled cell there is refused (most often an unquoted comma inside a description).
What the visitor is told about an accepted file is ``recsys.upload_notices``.

Every problem that refuses a file is a sentence naming it, with spreadsheet row numbers (the
header is row 1) where they help. Accepted files may come with notices: defaults filled in,
text truncated, the encoding or separator used, empty trailing cells dropped, markup that will
be shown as plain text.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import dataclass, field

import pandas as pd

from recsys.catalog import COLUMNS, Catalogue, make_catalogue, row_problems, spreadsheet_rows
from recsys.spreadsheet import (
    ENCODING_NAMES,
    SEPARATORS,
    best_separator,
    csv_safe,
    decode,
    header_names,
    starts_rows,
    wide_rows,
)
from recsys.upload_notices import (
    DEFAULTS,
    cut_long_descriptions,
    defaults_notice,
    note_markup,
    shown_default,
)

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
#: About what all-MiniLM-L6-v2 reads (256 word pieces) once title and category are added.
MAX_DESCRIPTION_CHARS = 1000
REQUIRED_COLUMNS = ("title", "description")
_NEEDS_COLUMNS = (
    "A catalogue needs at least title and description (download the template to see the format)."
)


@dataclass(frozen=True)
class UploadResult:
    """``catalogue`` is None when ``problems`` refuse the file; ``notices`` are for the visitor
    either way."""

    catalogue: Catalogue | None
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


class _Refusal(Exception):
    """A problem that refuses the file: raised by a step of ``read_catalogue_csv``, which turns
    it into an ``UploadResult`` without a catalogue, keeping the notices gathered so far."""

    def __init__(self, *problems: str) -> None:
        super().__init__(*problems)
        self.problems = list(problems)


def read_catalogue_csv(
    data: bytes, filename: str, *, max_description_chars: int = MAX_DESCRIPTION_CHARS
) -> UploadResult:
    """Parse and check an uploaded catalogue; never raises for bad input.

    The steps below run in order (module docstring for what each accepts); a step that finds
    a problem refuses the file with a sentence, the later ones add notices only."""
    notices: list[str] = []
    try:
        _check_name_and_size(data, filename)
        text = _decoded_text(data, notices)
        header_line, separator = _header_andbest_separator(text, notices)
        items, width, empty_extra, filled_extra = _parsed(text, separator)
        items = _named_columns(items, header_line, separator)
        _check_rows(items)
        _check_required_columns(items)
        _check_width(width, empty_extra, filled_extra, notices)
        items, filled, blank_cells = _with_defaults(items)
        _check_values(items)
    except _Refusal as refusal:
        return UploadResult(None, refusal.problems, notices)
    _add_ids_and_numbers(items, data)
    notices.extend(defaults_notice(filled, blank_cells))
    cut_long_descriptions(items, max_description_chars, notices)
    note_markup(items, notices)
    return UploadResult(make_catalogue(items), [], notices)


def _check_name_and_size(data: bytes, filename: str) -> None:
    """Refuses a file whose name does not end in .csv, or larger than ``MAX_BYTES``."""
    if not filename.lower().endswith(".csv"):
        raise _Refusal(f"“{filename}” is not a CSV file: please upload a .csv file.")
    if len(data) > MAX_BYTES:
        raise _Refusal(
            f"The file is {len(data) / 2**20:.1f} MB; the limit is {MAX_BYTES // 2**20} MB."
        )


def _decoded_text(data: bytes, notices: list[str]) -> str:
    """The file's text (``decode``); refuses binary data and a blank file, and notes an
    encoding other than UTF-8."""
    text, encoding = decode(data)
    if text is None:
        raise _Refusal("The file contains binary data, so it is not a CSV text file.")
    if not text.strip():
        raise _Refusal("The file is empty.")
    if encoding in ENCODING_NAMES:
        tried = " or Windows-1252" if encoding == "latin-1" else ""
        notices.append(
            f"The file is not UTF-8{tried}, so it was read as {ENCODING_NAMES[encoding]}."
        )
    return text


def _header_andbest_separator(text: str, notices: list[str]) -> tuple[str, str]:
    """The first non-blank line and the separator it implies (``best_separator``); notes a
    separator other than the comma, and refuses JSON (text opening with ``{`` or ``[`` whose
    comma-separated header names neither required column)."""
    header_line = next(line for line in text.splitlines() if line.strip())
    separator = best_separator(header_line, REQUIRED_COLUMNS)
    if separator != ",":
        notices.append(
            f"The file is separated by {SEPARATORS[separator]}, not commas, so it was read that "
            "way."
        )
    elif text.lstrip().startswith(("{", "[")) and not set(REQUIRED_COLUMNS) & set(
        header_names(header_line, ",")
    ):
        raise _Refusal(
            "The file looks like JSON, not CSV: please upload a CSV file whose header row "
            "names at least title and description (download the template to see the format)."
        )
    return header_line, separator


def _parsed(text: str, separator: str) -> tuple[pd.DataFrame, int, list[int], list[int]]:
    """Every cell as text, no value taken for missing, only the header's width of columns;
    with that width and the rows wider than it (``wide_rows``). Refuses what csv or pandas
    cannot read."""
    try:
        width, empty_extra, filled_extra = wide_rows(text, separator, MAX_BYTES)
        items = pd.read_csv(
            io.StringIO(text),
            sep=separator,
            dtype=str,
            keep_default_na=False,
            index_col=False,  # never take the first column as the index when rows are wider
            usecols=range(width),  # cells beyond the header: dropped or refused in _check_width
        )
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error, ValueError) as error:
        raise _Refusal(f"The file could not be read as CSV ({error}).") from None
    return items, width, empty_extra, filled_extra


def _named_columns(items: pd.DataFrame, header_line: str, separator: str) -> pd.DataFrame:
    """``items`` with the header's names, lower-cased and stripped, and without the unnamed
    columns spreadsheets add; refuses a name that appears twice."""
    header = header_names(header_line, separator)
    if len(header) != len(items.columns):  # defensive: fall back to pandas' own names
        header = [str(column).strip().lower() for column in items.columns]
    named = [i for i, name in enumerate(header) if name]  # spreadsheets add unnamed columns
    items, header = items.iloc[:, named], [header[i] for i in named]
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        raise _Refusal(f"Columns appear twice: {', '.join(repeated)}.")
    items.columns = header
    return items


def _check_rows(items: pd.DataFrame) -> None:
    """Refuses a file without data rows, or with more than ``MAX_ROWS``."""
    if len(items) == 0:
        raise _Refusal("The file has a header but no rows.")
    if len(items) > MAX_ROWS:
        raise _Refusal(f"The file has {len(items):,} rows; the limit is {MAX_ROWS:,}.")


def _check_required_columns(items: pd.DataFrame) -> None:
    """Refuses a file without every one of ``REQUIRED_COLUMNS``, naming the missing ones."""
    missing = [column for column in REQUIRED_COLUMNS if column not in items.columns]
    if missing:
        raise _Refusal(
            f"Missing required column{'s' if len(missing) > 1 else ''}: "
            f"{', '.join(missing)}. {_NEEDS_COLUMNS}"
        )


def _check_width(
    width: int, empty_extra: list[int], filled_extra: list[int], notices: list[str]
) -> None:
    """Refuses rows with filled cells beyond the header's ``width``; notes the rows whose
    cells beyond it were empty (and dropped by ``_parsed``)."""
    columns = f"column{'s' if width > 1 else ''}"
    if filled_extra:
        raise _Refusal(
            f"{starts_rows(filled_extra)} more cells than the header's {width} {columns}, "
            "most likely because a text such as a description contains a comma: put such "
            "text in double quotes."
        )
    if empty_extra:
        notices.append(
            f"{starts_rows(empty_extra)} empty cells after the header's {width} {columns}; "
            "they were dropped."
        )


def _with_defaults(items: pd.DataFrame) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Only the ``COLUMNS`` of ``items``, cells stripped, a missing column or blank cell of
    ``DEFAULTS`` given its default. Also returns the ``COLUMNS`` that were missing, and the
    filled blank cells as "column = default in rows ..." phrases."""
    items = items.loc[:, [c for c in COLUMNS if c in items.columns]]
    for column in items.columns:
        items[column] = items[column].str.strip()
    filled = [column for column in COLUMNS if column not in items.columns]
    blank_cells = []
    for column, value in DEFAULTS.items():  # a missing column, or a blank cell: the default
        if column not in items.columns:
            items[column] = value
        elif value != "" and (blank := items[column] == "").any():
            items.loc[blank, column] = str(value)
            rows = spreadsheet_rows(items.index[blank].tolist())
            blank_cells.append(f"{column} = {shown_default(column)} in {rows}")
    return items, filled, blank_cells


def _check_values(items: pd.DataFrame) -> None:
    """Refuses the file with every problem ``row_problems`` finds in its cells."""
    problems = row_problems(items, ("title", "description", "item_id"))
    if problems:
        raise _Refusal(*problems)


def _add_ids_and_numbers(items: pd.DataFrame, data: bytes) -> None:
    """In place: made-up ids when the file has none (module docstring), and ``quality`` and
    ``hook`` as numbers."""
    if "item_id" not in items.columns:
        prefix = _id_prefix(data)  # a sha256 of the whole file: once, not once per row
        items["item_id"] = [f"{prefix}-{i:04d}" for i in range(1, len(items) + 1)]
    for column in ("quality", "hook"):
        items[column] = pd.to_numeric(items[column])


def _id_prefix(data: bytes) -> str:
    return "u" + hashlib.sha256(data).hexdigest()[:6]


def template_csv(catalogue: Catalogue, rows: int = 3) -> str:
    """The upload format, by example: the full header and a few shipped items, with ids of
    their own (``my-001``, ...) so an item built on the template never takes the id of a
    shipped item the visitor may have rated."""
    sample = catalogue.items.head(rows)
    sample = sample.assign(item_id=[f"my-{i:03d}" for i in range(1, len(sample) + 1)])
    return csv_safe(sample).to_csv(index=False)

"""A visitor's own catalogue: read and check an uploaded CSV, and make CSV exports safe.

Required columns: ``title`` and ``description``. Optional: ``item_id`` (when absent made as
``u1a2b3c-0001``, ..., the six hex digits from the file's sha256, so the made-up ids of two
files never collide in one session's ratings), ``domain`` (default ``uploaded``),
``category`` (``General``), ``tags`` (empty), ``quality`` and ``hook`` (0.5 each: no claim
either way). Column names are matched
without regard to case or surrounding spaces; other columns are ignored.

Every problem that refuses a file is a sentence naming it, with spreadsheet row numbers (the
header is row 1) where they help. Accepted files may come with notices: defaults filled in,
text truncated, the encoding used, markup that will be shown as plain text.
"""

from __future__ import annotations

import csv
import hashlib
import io
import re
from dataclasses import dataclass, field

import pandas as pd

from recsys.catalog import COLUMNS, Catalogue, make_catalogue, row_problems, spreadsheet_rows

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
#: About what all-MiniLM-L6-v2 reads (256 word pieces) once title and category are added.
MAX_DESCRIPTION_CHARS = 1000
REQUIRED_COLUMNS = ("title", "description")
DEFAULTS: dict[str, object] = {
    "domain": "uploaded",
    "category": "General",
    "tags": "",
    "quality": 0.5,
    "hook": 0.5,
}
ENCODINGS = ("utf-8-sig", "latin-1")  # utf-8-sig reads plain UTF-8 too, and drops a BOM
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|javascript:", re.IGNORECASE)


@dataclass(frozen=True)
class UploadResult:
    """``catalogue`` is None when ``problems`` refuse the file; ``notices`` are for the visitor
    either way."""

    catalogue: Catalogue | None
    problems: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)


def _decode(data: bytes) -> tuple[str | None, str]:
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None, ""


def read_catalogue_csv(
    data: bytes, filename: str, *, max_description_chars: int = MAX_DESCRIPTION_CHARS
) -> UploadResult:
    """Parse and check an uploaded catalogue; never raises for bad input."""
    if not filename.lower().endswith(".csv"):
        return UploadResult(None, [f"“{filename}” is not a CSV file: please upload a .csv file."])
    if len(data) > MAX_BYTES:
        return UploadResult(
            None, [f"The file is {len(data) / 2**20:.1f} MB; the limit is {MAX_BYTES // 2**20} MB."]
        )
    if not data.strip():
        return UploadResult(None, ["The file is empty."])
    if b"\x00" in data:
        return UploadResult(None, ["The file contains binary data, so it is not a CSV text file."])
    text, encoding = _decode(data)
    if text is None:
        return UploadResult(None, ["The file is not text in UTF-8 or Latin-1."])
    notices = []
    if encoding == "latin-1":
        notices.append("The file is not UTF-8, so it was read as Latin-1.")
    try:
        items = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, csv.Error) as error:
        return UploadResult(None, [f"The file could not be read as CSV ({error})."])
    header = [name.strip().lower() for name in next(csv.reader(io.StringIO(text)), [])]
    if len(header) != len(items.columns):  # defensive: fall back to pandas' own names
        header = [str(column).strip().lower() for column in items.columns]
    named = [i for i, name in enumerate(header) if name]  # spreadsheets add unnamed columns
    items, header = items.iloc[:, named], [header[i] for i in named]
    repeated = sorted({name for name in header if header.count(name) > 1})
    if repeated:
        return UploadResult(None, [f"Columns appear twice: {', '.join(repeated)}."])
    items.columns = header
    if len(items) == 0:
        return UploadResult(None, ["The file has a header but no rows."])
    if len(items) > MAX_ROWS:
        return UploadResult(None, [f"The file has {len(items):,} rows; the limit is {MAX_ROWS:,}."])
    missing = [column for column in REQUIRED_COLUMNS if column not in items.columns]
    if missing:
        return UploadResult(
            None,
            [
                f"Missing required column{'s' if len(missing) > 1 else ''}: "
                f"{', '.join(missing)}. A catalogue needs at least title and description "
                "(download the template to see the format)."
            ],
        )
    items = items.loc[:, [c for c in COLUMNS if c in items.columns]]
    for column in items.columns:
        items[column] = items[column].str.strip()
    problems = row_problems(items, ("title", "description", "item_id"))
    if problems:
        return UploadResult(None, problems, notices)
    filled = [column for column in COLUMNS if column not in items.columns]
    if "item_id" not in items.columns:
        items["item_id"] = [f"{_id_prefix(data)}-{i:04d}" for i in range(1, len(items) + 1)]
    for column, value in DEFAULTS.items():
        if column not in items.columns:
            items[column] = value
        elif column in ("quality", "hook"):
            items[column] = pd.to_numeric(items[column])
    if filled:
        notices.append(
            "Columns not in the file were filled with defaults: "
            + ", ".join(f"{c} = {_shown_default(c)}" for c in filled)
            + "."
        )
    too_long = items["description"].str.len() > max_description_chars
    if too_long.any():
        items.loc[too_long, "description"] = (
            items.loc[too_long, "description"].str.slice(0, max_description_chars).str.rstrip()
            + "…"
        )
        notices.append(
            f"{int(too_long.sum())} description{'s were' if too_long.sum() > 1 else ' was'} "
            f"longer than the model reads and cut to {max_description_chars:,} characters "
            f"({spreadsheet_rows(items.index[too_long].tolist())})."
        )
    marked = items.apply(lambda column: column.astype(str).str.contains(_MARKUP)).any(axis=1)
    if marked.any():
        rows = items.index[marked].tolist()
        notices.append(
            f"HTML or script in {spreadsheet_rows(rows)} is shown as plain text and never run."
        )
    return UploadResult(make_catalogue(items), [], notices)


def _id_prefix(data: bytes) -> str:
    return "u" + hashlib.sha256(data).hexdigest()[:6]


def _shown_default(column: str) -> str:
    if column == "item_id":
        return "u…-0001, u…-0002, …"
    return str(DEFAULTS[column]) if DEFAULTS[column] != "" else "(none)"


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


def template_csv(catalogue: Catalogue, rows: int = 3) -> str:
    """The upload format, by example: the full header and a few shipped items."""
    return csv_safe(catalogue.items.head(rows)).to_csv(index=False)

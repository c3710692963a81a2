"""What a visitor is told about an uploaded catalogue the app accepts: the defaults filled
in, descriptions cut to what the model reads, markup shown as text, and ids they have rated.
"""

from __future__ import annotations

import re
from collections.abc import Collection

import pandas as pd

from recsys.catalog import Catalogue, spreadsheet_rows

DEFAULTS: dict[str, object] = {
    "domain": "uploaded",
    "category": "General",
    "tags": "",
    "quality": 0.5,
    "hook": 0.5,
}
_MARKUP = re.compile(r"<\s*/?\s*[a-zA-Z][^>]*>|javascript:", re.IGNORECASE)


def defaults_notice(filled: list[str], blank_cells: list[str]) -> list[str]:
    """The one notice naming the defaults ``_with_defaults`` used, or none."""
    defaults = []
    if filled:
        defaults.append(
            "Columns not in the file were filled with defaults: "
            + ", ".join(f"{c} = {shown_default(c)}" for c in filled)
            + "."
        )
    if blank_cells:
        defaults.append(
            f"Blank cells were filled with defaults{' too' if filled else ''}: "
            + "; ".join(blank_cells)
            + "."
        )
    return [" ".join(defaults)] if defaults else []


def cut_long_descriptions(items: pd.DataFrame, max_chars: int, notices: list[str]) -> None:
    """In place: a description longer than ``max_chars`` cut to that many characters, right
    spaces stripped, and "…" added; noted with the rows."""
    too_long = items["description"].str.len() > max_chars
    if too_long.any():
        items.loc[too_long, "description"] = (
            items.loc[too_long, "description"].str.slice(0, max_chars).str.rstrip() + "…"
        )
        notices.append(
            f"{int(too_long.sum())} description{'s were' if too_long.sum() > 1 else ' was'} "
            f"longer than the model reads and cut to {max_chars:,} characters "
            f"({spreadsheet_rows(items.index[too_long].tolist())})."
        )


def note_markup(items: pd.DataFrame, notices: list[str]) -> None:
    """Notes the rows with HTML tags or ``javascript:`` in any cell (shown as plain text)."""
    marked = items.apply(lambda column: column.astype(str).str.contains(_MARKUP)).any(axis=1)
    if marked.any():
        rows = items.index[marked].tolist()
        notices.append(
            f"HTML or script in {spreadsheet_rows(rows)} is shown as plain text and never run."
        )


def already_rated_notice(
    catalogue: Catalogue, rated_ids: Collection[str], shown: int = 3
) -> str | None:
    """A sentence when items of ``catalogue`` have ids the visitor has already rated (such
    items are never recommended again), naming up to ``shown`` of them; else None."""
    clashes = [item_id for item_id in catalogue.item_ids if item_id in rated_ids]
    if not clashes:
        return None
    named = ", ".join(f"“{item_id}”" for item_id in clashes[:shown])
    more = f" and {len(clashes) - shown:,} more" if len(clashes) > shown else ""
    if len(clashes) == 1:
        return (
            f"1 item in this file has an id you have already rated in this session ({named}): "
            "it counts as already rated and will not be recommended unless you undo that "
            "rating on the Recommend page or give the item another id."
        )
    return (
        f"{len(clashes):,} items in this file have ids you have already rated in this session "
        f"({named}{more}): they count as already rated and will not be recommended unless you "
        "undo those ratings on the Recommend page or give the items other ids."
    )


def shown_default(column: str) -> str:
    if column == "item_id":
        return "u…-0001, u…-0002, …"
    return str(DEFAULTS[column]) if DEFAULTS[column] != "" else "(none)"

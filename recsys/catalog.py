"""The item catalogue and the personas shipped in assets/.

The catalogue is a CSV with one row per item and the columns in ``COLUMNS``:
``item_id`` (stable, unique), ``title``, ``domain`` (a key of ``DOMAINS``), ``category``,
``tags`` (``"; "``-separated), ``description`` (20-60 words), ``quality`` (long-term value,
0-1) and ``hook`` (short-term click appeal, 0-1). Row order is the catalogue's index order:
row ``i`` of the embedding matrix is item ``i``.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

_log = logging.getLogger(__name__)

ASSETS_DIR = Path(__file__).resolve().parent.parent / "assets"
CATALOGUE_PATH = ASSETS_DIR / "catalogue.csv"
PERSONAS_PATH = ASSETS_DIR / "personas.json"

DOMAINS: dict[str, str] = {
    "ecommerce": "E-commerce",
    "news": "News",
    "movies": "Movies & videos",
    "music": "Music & podcasts",
    "books": "Books",
    "courses": "Online courses",
}
COLUMNS = ("item_id", "title", "domain", "category", "tags", "description", "quality", "hook")


@dataclass(frozen=True)
class Catalogue:
    """A read-only catalogue: ``items`` has a 0..n-1 index and the columns in ``COLUMNS``.

    ``fingerprint`` is the sha256 of what the embeddings depend on (ids and embedding texts),
    so a change to ``quality`` or ``hook`` does not invalidate the shipped embeddings.
    """

    items: pd.DataFrame
    fingerprint: str
    _positions: dict[str, int] = field(repr=False, compare=False)

    def __len__(self) -> int:
        return len(self.items)

    @property
    def item_ids(self) -> list[str]:
        return self.items["item_id"].tolist()

    def __contains__(self, item_id: object) -> bool:
        return item_id in self._positions

    def position(self, item_id: str) -> int:
        """Row index of ``item_id``; raises ``KeyError`` for an unknown id."""
        return self._positions[item_id]

    def embedding_texts(self) -> list[str]:
        return embedding_texts(self.items)

    def embedding_text(self, position: int) -> str:
        """The text row ``position`` is embedded from."""
        return embedding_texts(self.items.iloc[[position]])[0]

    def domain_label(self, domain: str) -> str:
        return DOMAINS.get(domain, domain)


def embedding_texts(items: pd.DataFrame) -> list[str]:
    """The text each item is embedded from: title, category, description and tags."""
    return [
        f"{row.title}. {row.category}. {row.description} Tags: {row.tags}."
        for row in items.itertuples(index=False)
    ]


def catalogue_fingerprint(items: pd.DataFrame) -> str:
    """sha256 over ``item_id`` and the embedding text of every row, in order."""
    digest = hashlib.sha256()
    for item_id, text in zip(items["item_id"], embedding_texts(items), strict=True):
        digest.update(f"{item_id}\t{text}\n".encode())
    return digest.hexdigest()


def make_catalogue(items: pd.DataFrame) -> Catalogue:
    """Wrap a validated frame (columns ``COLUMNS``) as a ``Catalogue`` with a fresh index."""
    items = items.loc[:, list(COLUMNS)].reset_index(drop=True)
    items["quality"] = items["quality"].astype(float)
    items["hook"] = items["hook"].astype(float)
    positions = {item_id: i for i, item_id in enumerate(items["item_id"])}
    return Catalogue(items=items, fingerprint=catalogue_fingerprint(items), _positions=positions)


def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue:
    """Read and validate the catalogue CSV; raises ``ValueError`` listing every problem."""
    items = pd.read_csv(path, dtype={"item_id": str}, keep_default_na=False)
    problems = validate_catalogue(items)
    if problems:
        raise ValueError(f"{path.name} is not a valid catalogue: " + "; ".join(problems))
    _log.info("loaded %d items from %s", len(items), path)
    return make_catalogue(items)


def validate_catalogue(items: pd.DataFrame) -> list[str]:
    """Every problem of the shipped catalogue format in ``items``, as sentences (empty: valid):
    all columns present, ``row_problems`` for every text column, only known domains."""
    missing = [c for c in COLUMNS if c not in items.columns]
    if missing:
        return [f"Missing columns: {', '.join(missing)}."]
    problems = row_problems(items, ("item_id", "title", "domain", "category", "description"))
    unknown = sorted(set(items["domain"]) - set(DOMAINS))
    if unknown:
        problems.append(f"Unknown domains: {', '.join(unknown)}.")
    return problems


def row_problems(items: pd.DataFrame, required_text: tuple[str, ...]) -> list[str]:
    """Row-level problems, each a sentence naming spreadsheet rows: empty cells in the
    ``required_text`` columns, repeated ``item_id``s, ``quality`` or ``hook`` outside [0, 1].
    Columns that are absent are not checked."""
    problems = []
    for column in required_text:
        if column in items.columns:
            empty = items.index[items[column].astype(str).str.strip() == ""].tolist()
            if empty:
                problems.append(f"Empty {column} in {spreadsheet_rows(empty)}.")
    if "item_id" in items.columns:
        ids = items["item_id"].astype(str)
        duplicated = ids[ids.duplicated(keep=False) & (ids.str.strip() != "")]
        if len(duplicated):
            first = duplicated.iloc[0]
            problems.append(
                f"Duplicate item_id values, for example “{first}” in "
                f"{spreadsheet_rows(duplicated.index[duplicated == first].tolist())}; each item "
                "needs its own id."
            )
    for column in ("quality", "hook"):
        if column in items.columns:
            values = pd.to_numeric(items[column], errors="coerce")
            bad = items.index[values.isna() | (values < 0) | (values > 1)].tolist()
            if bad:
                problems.append(
                    f"{column} must be a number from 0 to 1, which it is not in "
                    f"{spreadsheet_rows(bad)}."
                )
    return problems


def spreadsheet_rows(index: list[int]) -> str:
    """'row 3' or 'rows 3, 5 and 2 more': 0-based frame positions as a person counts rows in
    a spreadsheet, where the header is row 1."""
    shown = ", ".join(str(i + 2) for i in index[:8])
    more = f" and {len(index) - 8} more" if len(index) > 8 else ""
    return f"{'rows' if len(index) > 1 else 'row'} {shown}{more}"


@dataclass(frozen=True)
class Persona:
    """A ready-made visitor. ``stated_interests`` is what they would type; ``hidden_taste`` is
    what they really like (overlapping but different), and ``drift_towards`` where their taste
    moves over time. The simulation lab uses the hidden parts; the app shows only the stated."""

    persona_id: str
    name: str
    bio: str
    stated_interests: str
    hidden_taste: str
    drift_towards: str


def load_personas(path: Path = PERSONAS_PATH) -> list[Persona]:
    with path.open(encoding="utf-8") as f:
        return [Persona(**entry) for entry in json.load(f)]


def persona_for_text(personas: list[Persona], chosen_id: str | None, text: str) -> str | None:
    """The chosen persona's id while ``text`` is still its stated interests; None once the
    visitor has typed their own (or chose none)."""
    for persona in personas:
        if persona.persona_id == chosen_id and persona.stated_interests == text:
            return chosen_id
    return None


def categories_in(items: pd.DataFrame, domains: list[str]) -> list[str]:
    """The categories of the items in ``domains`` (every domain when empty), sorted."""
    shown = items[items["domain"].isin(domains)] if domains else items
    return sorted(shown["category"].unique())


def browse(
    items: pd.DataFrame, domains: list[str], categories: list[str], search: str
) -> pd.DataFrame:
    """The items in ``domains`` and ``categories`` (empty = all) whose title, description or
    tags contain ``search`` (case-insensitive, literal; blank = no search)."""
    shown = items[items["domain"].isin(domains)] if domains else items
    if categories:
        shown = shown[shown["category"].isin(categories)]
    if search.strip():
        text = shown["title"] + " " + shown["description"] + " " + shown["tags"]
        shown = shown[text.str.contains(search.strip(), case=False, regex=False)]
    return shown

import re

import numpy as np
import pandas as pd
import pytest

from recsys.catalog import (
    COLUMNS,
    DOMAINS,
    load_catalogue,
    load_personas,
    make_catalogue,
    validate_catalogue,
)
from recsys.embeddings import EMBEDDINGS_PATH


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue()


def test_catalogue_size_and_domains(catalogue):
    counts = catalogue.items["domain"].value_counts()
    assert len(catalogue) >= 720
    assert set(counts.index) == set(DOMAINS)
    assert counts.min() >= 120


def test_the_catalogue_is_deep_enough_to_answer_ordinary_queries(catalogue):
    """At least 2,400 items, 400 per domain and 30 per category (issue 12): a visitor who
    types something ordinary finds several answers of the kind they asked for."""
    items = catalogue.items
    assert len(items) >= 2400
    assert items["domain"].value_counts().min() >= 400
    assert items.groupby(["domain", "category"]).size().min() >= 30


def test_catalogue_schema(catalogue):
    items = catalogue.items
    assert tuple(items.columns) == COLUMNS
    assert items["item_id"].is_unique
    assert items["title"].str.lower().is_unique
    assert items["item_id"].str.fullmatch(r"[a-z]+-\d{3}").all()
    words = items["description"].str.split().str.len()
    assert words.between(20, 60).all(), items.loc[~words.between(20, 60), "item_id"].tolist()
    assert items["quality"].between(0, 1).all() and items["hook"].between(0, 1).all()
    tags = items["tags"].str.split("; ")
    assert tags.map(len).between(3, 6).all()
    assert items.groupby("domain")["category"].nunique().min() >= 5


def test_hook_and_quality_agree_with_the_text(catalogue):
    """Clickbait words in a title go with high hook and low quality, on average."""
    items = catalogue.items
    bait = items["title"].str.contains(
        r"viral|secret|shocking|insane|everyone|overnight|millionaire|you won't|"
        r"blow your mind|hacks?\b|\d+ (?:ways|things|reasons|gadgets|tricks)",
        flags=re.IGNORECASE,
    )
    assert bait.sum() >= 20
    assert items.loc[bait, "hook"].mean() > items.loc[~bait, "hook"].mean() + 0.2
    assert items.loc[bait, "quality"].mean() < items.loc[~bait, "quality"].mean() - 0.2


def test_no_two_items_are_near_duplicates(catalogue):
    """Pairwise cosine of the (manifest-checked) MiniLM embeddings stays below 0.95."""
    vectors = np.load(EMBEDDINGS_PATH)
    assert vectors.shape[0] == len(catalogue)
    similarity = vectors @ vectors.T
    np.fill_diagonal(similarity, -1.0)
    i, j = np.unravel_index(similarity.argmax(), similarity.shape)
    assert similarity[i, j] < 0.95, (catalogue.item_ids[i], catalogue.item_ids[j])


def test_fingerprint_ignores_quality_and_hook_but_not_text(catalogue):
    items = catalogue.items.copy()
    items.loc[0, "quality"] = 0.01
    assert make_catalogue(items).fingerprint == catalogue.fingerprint
    items.loc[0, "description"] += " Changed."
    assert make_catalogue(items).fingerprint != catalogue.fingerprint


def test_validation_names_every_problem_with_spreadsheet_rows():
    items = pd.DataFrame(
        {
            "item_id": ["a", "a", "c"],
            "title": ["A", "", "C"],
            "domain": ["books", "books", "space"],
            "category": ["x", "y", "z"],
            "tags": ["t", "t", "t"],
            "description": ["d", "d", "d"],
            "quality": [0.5, "high", 1.5],
            "hook": [0.1, 0.2, 0.3],
        }
    )
    problems = validate_catalogue(items)
    assert problems == [
        "Empty title in row 3.",
        "Duplicate item_id values, for example “a” in rows 2, 3; each item needs its own id.",
        "quality must be a number from 0 to 1, which it is not in rows 3, 4.",
        "Unknown domains: space.",
    ]
    assert validate_catalogue(items.drop(columns=["hook"])) == ["Missing columns: hook."]


def test_personas_are_complete_and_hide_a_different_taste():
    personas = load_personas()
    assert len(personas) >= 8
    assert len({p.persona_id for p in personas}) == len(personas)
    for persona in personas:
        assert all(getattr(persona, f).strip() for f in persona.__dataclass_fields__)
        assert persona.hidden_taste != persona.stated_interests

"""Cold start by picking: a varied grid of items to choose from, and what a pick says.

A visitor who would rather point than type picks a few items they like from a grid. The grid
holds ``per_domain`` items of each domain, chosen by MMR (``recsys.diversify``) so they are
spread out: relevance is the item's quality (a good first impression, no clickbait) plus a
small random jitter from ``rng`` (so "show me others" gives a new grid), and redundancy the
cosine between items, at ``GRID_LAMBDA``. A pick seeds the interests as if typed: each picked
item becomes one interest phrase made of its category and first tags.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from recsys.catalog import Catalogue
from recsys.diversify import mmr_rerank

GRID_LAMBDA = 0.5
JITTER = 0.3  # the random part of an item's relevance, against quality in [0, 1]
MIN_QUALITY = 0.5


def starter_grid(
    catalogue: Catalogue,
    item_vectors: NDArray[np.float32],
    per_domain: int,
    rng: np.random.Generator,
) -> dict[str, list[int]]:
    """Domain -> ``per_domain`` item positions, spread out by MMR (module docstring).
    ``item_vectors`` (n, dim) unit rows."""
    items = catalogue.items
    quality = items["quality"].to_numpy(dtype=np.float64)
    jitter = rng.random(len(items)) * JITTER
    grid = {}
    for domain in sorted(items["domain"].unique()):
        in_domain = (items["domain"] == domain).to_numpy()
        pool = np.flatnonzero(in_domain & (quality >= MIN_QUALITY))
        if len(pool) < per_domain:
            pool = np.flatnonzero(in_domain)
        relevance = quality[pool] + jitter[pool]

        def pair(picked: NDArray[np.intp], candidates: NDArray[np.intp]) -> NDArray:
            return np.einsum("md,mcd->mc", item_vectors[picked], item_vectors[candidates])

        chosen = mmr_rerank(pool[None, :], relevance[None, :], pair, per_domain, GRID_LAMBDA)[0]
        grid[str(domain)] = [int(p) for p in chosen if p >= 0]
    return grid


def picked_phrase(catalogue: Catalogue, position: int, tags: int = 3) -> str:
    """What a picked item says about the visitor's taste, as one interest phrase: its
    category and first ``tags`` tags, e.g. "Studio Albums: jazz piano trio"."""
    item = catalogue.items.iloc[position]
    words = " ".join(tag.strip() for tag in str(item["tags"]).split(";")[:tags] if tag.strip())
    return f"{item['category']}: {words}" if words else str(item["category"])


def interests_from_picks(catalogue: Catalogue, positions: list[int]) -> str:
    """The interest text a set of picks stands for: their phrases, comma-separated."""
    return ", ".join(dict.fromkeys(picked_phrase(catalogue, p) for p in positions))

"""Measures of a recommendation list as a whole: beyond accuracy.

Intra-list similarity of k items with unit vectors x_1..x_k is the mean cosine over the
k(k-1)/2 distinct pairs, ILS = 2 / (k(k-1)) * sum_{i<j} x_i . x_j; its complement 1 - ILS is
the list's intra-list diversity (ILD). A list of fewer than two items has no pairs, so no value.

Beyond accuracy, over the lists as shown (duplicates included):

    coverage = |union of all lists| / n_items
    novelty  = mean_{i in L} -log2 p_i, p_i = share of the n_users training users who
               interacted with item i (Zhou et al. 2010; Castells et al.). An item nobody
               interacted with gets p = 1 / (n_users + 1): the share it would have had with one
               more user, so it counts as slightly more novel than the rarest seen item.
    domain spread = (d, H / log d): d distinct domains in L, H = -sum_j s_j log s_j the Shannon
               entropy of the domain shares s_j; normalised by log d (evenness over the domains
               present: 0 for one domain, 1 for an even split), or by log n_domains if given.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

ItemList = Sequence[str] | NDArray[Any]


def pairwise_cosines(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    """(k, dim) unit rows -> (k, k) cosine of every pair (1 on the diagonal)."""
    return vectors @ vectors.T


def mean_pair_similarity(
    slates: NDArray[np.intp], item_similarity: NDArray[np.floating]
) -> NDArray[np.float64]:
    """(m, k) slates of item positions (-1 = empty slot), (n, n) item-item similarity ->
    (m,) mean similarity over the pairs of filled slots; NaN where a slate has under 2 items.
    The one intra-list measure of the package: the lab's slates and one visitor's list."""
    filled = slates >= 0
    safe = np.maximum(slates, 0)
    pair = item_similarity[safe[:, :, None], safe[:, None, :]]
    both = filled[:, :, None] & filled[:, None, :]
    off_diagonal = both & ~np.eye(slates.shape[1], dtype=bool)[None]
    count = off_diagonal.sum(axis=(1, 2))
    total = np.where(off_diagonal, pair, 0.0).sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def slate_diversity(slates: NDArray[np.intp], item_similarity: NDArray[np.floating]) -> NDArray:
    """(m, k) slates -> (m,) 1 - mean pairwise similarity over filled slots (NaN under 2)."""
    return 1.0 - mean_pair_similarity(slates, item_similarity)


def intra_list_similarity(vectors: NDArray[np.float32]) -> float | None:
    """Mean pairwise cosine of (k, dim) unit rows; None when k < 2 (``mean_pair_similarity``
    for one list)."""
    if len(vectors) < 2:
        return None
    slate = np.arange(len(vectors))[None, :]
    return float(mean_pair_similarity(slate, pairwise_cosines(vectors))[0])


def intra_list_diversity(vectors: NDArray[np.float32]) -> float | None:
    """1 - intra-list similarity of (k, dim) unit rows; None when k < 2."""
    similarity = intra_list_similarity(vectors)
    return None if similarity is None else 1.0 - similarity


def catalogue_coverage(lists: Iterable[ItemList], n_items: int) -> float:
    """Distinct items across all lists / ``n_items``. Truncate the lists to k first."""
    if n_items < 1:
        raise ValueError(f"Coverage needs a catalogue of at least one item, not {n_items}.")
    distinct: set[str] = set()
    for items in lists:
        distinct.update(items)
    return len(distinct) / n_items


def popularity_shares(histories: Mapping[str, Collection[str]]) -> dict[str, float]:
    """Share of users whose (training) history holds each item, for ``novelty``.

    ``histories`` maps user -> items; use ``len(histories)`` as novelty's ``n_users``."""
    counts = Counter(item for items in histories.values() for item in set(items))
    return {item: count / len(histories) for item, count in counts.items()}


def novelty(
    recommended: Sequence[str] | Sequence[int] | NDArray[Any],
    popularity: Mapping[str, float] | NDArray[np.floating],
    n_users: int,
) -> float | None:
    """Mean -log2(p_i) over the list, in bits; None for an empty list.

    ``popularity`` maps item id -> share of users in [0, 1] (missing means 0), or is an
    (n_items,) array indexed by the list's item positions. A share of 0 is smoothed to
    1 / (n_users + 1)."""
    if n_users < 1:
        raise ValueError(f"Novelty needs the number of users behind the shares, not {n_users}.")
    if len(recommended) == 0:
        return None
    bits = []
    for item in recommended:
        if isinstance(popularity, Mapping):
            share = float(popularity.get(item, 0.0))
        else:
            share = float(popularity[int(item)])
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"A popularity share must be between 0 and 1; {item!r} has {share}.")
        bits.append(-math.log2(share if share > 0 else 1.0 / (n_users + 1)))
    return sum(bits) / len(bits)


def domain_spread(domains: Sequence[str], n_domains: int | None = None) -> tuple[int, float]:
    """(distinct domains in the list, normalised Shannon entropy of their shares in [0, 1]).

    Normalised by log(distinct) by default, so an even split over the domains present is 1;
    pass ``n_domains`` (all domains there are) to normalise by log(n_domains) instead.
    An empty list or a single domain gives (d, 0.0)."""
    counts = Counter(domains)
    distinct = len(counts)
    if n_domains is not None and n_domains < distinct:
        raise ValueError(f"The list has {distinct} domains, more than n_domains = {n_domains}.")
    if distinct < 2:
        return distinct, 0.0
    shares = np.array(list(counts.values()), dtype=np.float64) / len(domains)
    entropy = float(-(shares * np.log(shares)).sum())
    return distinct, entropy / math.log(n_domains or distinct)

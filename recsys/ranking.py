"""Scoring and top-k selection over an L2-normalised item matrix.

With unit rows, one matrix-vector product gives every item's cosine similarity to the query.
``top_k`` selects with ``argpartition`` (O(n)) and sorts only the selected few; ties are
broken by catalogue position (lower first), so the same scores always give the same list.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def cosine_scores(
    item_vectors: NDArray[np.float32], query: NDArray[np.float32]
) -> NDArray[np.float32]:
    """(n_items, dim) unit rows, (dim,) unit query -> (n_items,) cosines in [-1, 1]."""
    return item_vectors @ query


def top_k(
    scores: NDArray[np.floating], k: int, exclude: NDArray[np.bool_] | None = None
) -> NDArray[np.intp]:
    """Indices of the ``k`` highest scores, best first, ties by lower index.

    ``scores`` (n,); ``exclude`` (n,) bool marks items that may not be returned (already
    rated, filtered out). NaN scores are never returned. Returns min(k, eligible) indices."""
    scores = np.asarray(scores, dtype=np.float64)
    eligible = ~np.isnan(scores)
    if exclude is not None:
        eligible &= ~exclude
    candidates = np.flatnonzero(eligible)
    k = min(max(k, 0), candidates.size)
    if k == 0:
        return np.zeros(0, dtype=np.intp)
    candidate_scores = scores[candidates]
    if k < candidates.size:
        # Everything scoring at least the k-th best value, ties at the boundary included.
        kth = np.partition(candidate_scores, candidates.size - k)[candidates.size - k]
        keep = candidate_scores >= kth
        candidates, candidate_scores = candidates[keep], candidate_scores[keep]
    order = np.lexsort((candidates, -candidate_scores))[:k]
    return candidates[order].astype(np.intp)


def display_score(cosine: float) -> float:
    """A cosine shown on a card: clipped to [0, 1] (a negative cosine means 'unrelated')."""
    return float(min(1.0, max(0.0, cosine)))

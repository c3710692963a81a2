"""Scoring and top-k selection over an L2-normalised item matrix.

With unit rows, one matrix-vector product gives every item's cosine similarity to the query.
``similarity`` offers three measures between rows a and b:

    cosine     a . b / (|a| |b|)                    in [-1, 1]
    dot        a . b                                 unbounded in general
    euclidean  1 / (1 + |a - b|),  |a - b|^2 = |a|^2 + |b|^2 - 2 a . b     in (0, 1]

For unit vectors (all the embeddings here) the three order items the same way, since
|a - b|^2 = 2 - 2 cos: they differ in scale, which matters where a similarity is weighed against
something else (MMR's redundancy term) and not after the hybrid's min-max rescaling.
``top_k`` selects with ``argpartition`` (O(n)) and sorts only the selected few; ties are
broken by catalogue position (lower first), so the same scores always give the same list.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from numpy.typing import NDArray

Similarity = Literal["cosine", "dot", "euclidean"]
SIMILARITY_LABELS: dict[str, str] = {
    "cosine": "cosine similarity",
    "dot": "dot product",
    "euclidean": "1 / (1 + Euclidean distance)",
}


def cosine_scores(
    item_vectors: NDArray[np.float32], query: NDArray[np.float32]
) -> NDArray[np.float32]:
    """(n_items, dim) unit rows, (dim,) unit query -> (n_items,) cosines in [-1, 1]."""
    return item_vectors @ query


def similarity(
    rows: NDArray[np.floating], queries: NDArray[np.floating], measure: Similarity = "cosine"
) -> NDArray[np.float32]:
    """(n, dim) rows, (m, dim) queries -> (n, m) similarities under ``measure`` (docstring
    above). Zero vectors have cosine 0 with everything."""
    rows = np.asarray(rows, dtype=np.float32)
    queries = np.asarray(queries, dtype=np.float32)
    dots = rows @ queries.T
    if measure == "dot":
        return dots
    row_norms = np.linalg.norm(rows, axis=1)[:, None]
    query_norms = np.linalg.norm(queries, axis=1)[None, :]
    if measure == "cosine":
        return dots / np.maximum(row_norms * query_norms, 1e-12)
    if measure == "euclidean":
        squared = np.maximum(row_norms**2 + query_norms**2 - 2.0 * dots, 0.0)
        return 1.0 / (1.0 + np.sqrt(squared))
    raise ValueError(f"unknown similarity measure {measure!r}")


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


#: Below this cosine, the interest text's closest item is not a real match. With
#: all-MiniLM-L6-v2 on the shipped catalogue, one-word interests it covers reach 0.30-0.57
#: ("cars" 0.30, "birdwatching" 0.57), while letters at random ("qwerty asdf" 0.23) and
#: text in a script the model cannot read (Japanese, 0.15-0.21) stay below.
WEAK_MATCH = 0.25


def closest_match(item_vectors: NDArray[np.float32], query: NDArray[np.float32]) -> float:
    """The highest cosine between ``query`` (dim,) and any row of ``item_vectors`` (n, dim),
    both L2-normalised; -1.0 for an empty catalogue."""
    if len(item_vectors) == 0:
        return -1.0
    return float(np.max(cosine_scores(item_vectors, query)))

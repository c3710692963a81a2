"""Scoring and top-k selection over an L2-normalised item matrix.

With unit rows, one matrix-vector product gives every item's cosine similarity to the query.
``similarity`` offers three measures between rows a and b:

    cosine     a . b / (|a| |b|)                    in [-1, 1]
    dot        a . b                                 unbounded in general
    euclidean  1 / (1 + |a - b|),  |a - b|^2 = |a|^2 + |b|^2 - 2 a . b     in (0, 1]

For unit vectors (all the embeddings here) the three order items the same way, since
|a - b|^2 = 2 - 2 cos: they differ in scale, which matters where a similarity is weighed against
something else (MMR's redundancy term) and not after the hybrid's min-max rescaling.
``top_k_rows`` selects with ``argpartition`` (O(n)) and sorts only the selected few; ties are
broken by catalogue position (lower first), so the same scores always give the same list.
It is the one top-k of the package: the ranker's candidates, the CF cold-start seeds, the
random order and diversity's plain order all call it (``top_k`` is its one-row form).
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


def minmax_over(values: NDArray[np.floating], eligible: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Rescale each row of (m, n) ``values`` (or one (1, n) row for everyone) to [0, 1] over
    its eligible entries; rows constant there give 0. Ineligible entries are rescaled too
    (they may fall outside [0, 1]). Returns (m, n)."""
    values = np.broadcast_to(np.asarray(values, dtype=np.float64), eligible.shape)
    low = np.min(values, axis=1, where=eligible, initial=np.inf, keepdims=True)
    high = np.max(values, axis=1, where=eligible, initial=-np.inf, keepdims=True)
    spread = high - low
    ok = np.isfinite(spread) & (spread > 1e-12)
    scaled = (values - np.where(ok, low, 0.0)) / np.where(ok, spread, 1.0)
    return np.where(ok, scaled, 0.0)


def top_k_rows(
    scores: NDArray[np.floating], eligible: NDArray[np.bool_], k: int
) -> NDArray[np.intp]:
    """Each row's ``k`` best eligible scores, best first: the one top-k of the package.

    ``scores`` (m, n); ``eligible`` (m, n) bool (NaN scores are never eligible). Returns
    (m, min(k, n)) positions, ties by lower position, ``-1`` padded where a row has fewer
    eligible items. ``argpartition`` selects in O(n) and only the selected few are sorted;
    the rare row whose k-th value is tied beyond the selection is sorted whole, so the tie
    goes to the lower positions exactly as a full stable sort would give."""
    scores = np.asarray(scores, dtype=np.float64)
    m, n = scores.shape
    k = min(max(k, 0), n)
    eligible = eligible & ~np.isnan(scores)
    masked = np.where(eligible, scores, -np.inf)
    if k == 0:
        return np.zeros((m, 0), dtype=np.intp)
    if k < n:
        chosen = np.sort(np.argpartition(-masked, k - 1, axis=1)[:, :k], axis=1)
        kth = np.min(np.take_along_axis(masked, chosen, axis=1), axis=1, keepdims=True)
        tied_beyond = (masked == kth).sum(axis=1) > (
            np.take_along_axis(masked, chosen, axis=1) == kth
        ).sum(axis=1)
        for row in np.flatnonzero(tied_beyond):
            chosen[row] = np.sort(np.argsort(-masked[row], kind="stable")[:k])
    else:
        chosen = np.broadcast_to(np.arange(n), (m, n))
    order = np.argsort(-np.take_along_axis(masked, chosen, axis=1), axis=1, kind="stable")
    chosen = np.take_along_axis(chosen, order, axis=1)
    return np.where(np.take_along_axis(eligible, chosen, axis=1), chosen, -1).astype(np.intp)


def top_k(
    scores: NDArray[np.floating], k: int, exclude: NDArray[np.bool_] | None = None
) -> NDArray[np.intp]:
    """Indices of the ``k`` highest scores, best first, ties by lower index: ``top_k_rows``
    for one row. ``scores`` (n,); ``exclude`` (n,) bool marks items that may not be returned
    (already rated, filtered out). NaN scores are never returned. Returns min(k, eligible)
    indices."""
    scores = np.asarray(scores, dtype=np.float64)
    eligible = np.ones(scores.shape, dtype=bool) if exclude is None else ~exclude
    chosen = top_k_rows(scores[None, :], eligible[None, :], k)[0]
    return chosen[chosen >= 0]


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

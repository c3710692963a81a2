"""Scoring and top-k selection over an L2-normalised item matrix.

With unit rows, one matrix-vector product gives every item's cosine similarity to the query.
``similarity`` offers three measures between rows a and b:

    cosine     a . b / (|a| |b|)                    in [-1, 1]
    dot        a . b                                 unbounded in general
    euclidean  1 / (1 + |a - b|),  |a - b|^2 = |a|^2 + |b|^2 - 2 a . b     in (0, 1]

For unit vectors (all the embeddings here) the three order items the same way, since
|a - b|^2 = 2 - 2 cos: they differ in scale, which matters where a similarity is weighed against
something else (MMR's redundancy term) and not after the hybrid's min-max rescaling.
``top_k_rows`` finds each row's k-th best value with ``partition`` (O(n)) and sorts only the
selected few; ties are broken by catalogue position (lower first), so the same scores always
give the same list.
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
    return measured(dots, row_norms(rows)[:, None], row_norms(queries)[None, :], measure)


def row_norms(vectors: NDArray[np.floating]) -> NDArray[np.float32]:
    """(n, dim) -> (n,) Euclidean length of each row, float32."""
    return np.linalg.norm(np.asarray(vectors, dtype=np.float32), axis=1)


def measured(
    dots: NDArray[np.float32],
    a_norms: NDArray[np.float32],
    b_norms: NDArray[np.float32],
    measure: Similarity,
) -> NDArray[np.float32]:
    """``similarity`` from the dot products (p, q) of two sets of rows and their norms, shaped
    to broadcast against ``dots`` ((p, 1) and (1, q)); ``dots`` may be overwritten."""
    if measure == "dot":
        return dots
    if measure == "cosine":
        return np.divide(dots, np.maximum(a_norms * b_norms, 1e-12), out=dots)
    if measure == "euclidean":
        squared = np.maximum(a_norms**2 + b_norms**2 - 2.0 * dots, 0.0)
        return 1.0 / (1.0 + np.sqrt(squared))
    raise ValueError(f"unknown similarity measure {measure!r}")


def minmax_over(values: NDArray[np.floating], eligible: NDArray[np.bool_]) -> NDArray[np.float32]:
    """Rescale each row of (m, n) ``values`` (or one (1, n) row for everyone) to [0, 1] over
    its eligible entries; rows constant there give 0. Ineligible entries are rescaled too
    (they may fall outside [0, 1]). Returns (m, n) float32 (a float32 score is as fine as the
    embeddings it comes from, and half the memory traffic of float64)."""
    values = np.asarray(values, dtype=np.float32)
    values, eligible = np.broadcast_arrays(values, eligible)
    low = np.min(values, axis=1, where=eligible, initial=np.inf, keepdims=True)
    high = np.max(values, axis=1, where=eligible, initial=-np.inf, keepdims=True)
    spread = high - low
    ok = np.isfinite(spread) & (spread > 1e-12)
    scaled = values - np.where(ok, low, 0.0)
    scaled /= np.where(ok, spread, 1.0)
    if not ok.all():
        scaled[~ok[:, 0]] = 0.0
    return scaled


def top_k_rows(
    scores: NDArray[np.floating], eligible: NDArray[np.bool_], k: int
) -> NDArray[np.intp]:
    """Each row's ``k`` best eligible scores, best first: the one top-k of the package.

    ``scores`` (m, n), float32 kept as float32 and anything else compared as float64;
    ``eligible`` (m, n) bool (NaN scores are never eligible). Returns (m, min(k, n))
    positions, ties by lower position, ``-1`` padded where a row has fewer eligible items.
    The k-th best value of each row comes from ``np.partition`` (O(n), values only); the
    items above it are taken, and of the items equal to it the lowest positions, so the tie
    goes exactly as a full stable sort would give; only those k are then sorted."""
    scores = np.asarray(scores)
    if scores.dtype != np.float32:
        scores = scores.astype(np.float64)
    m, n = scores.shape
    k = min(max(k, 0), n)
    eligible = eligible & ~np.isnan(scores)
    if k == 0:
        return np.zeros((m, 0), dtype=np.intp)
    live = eligible.any(axis=1)
    if not live.all():  # a row with nothing eligible is all padding: select in the others
        chosen = np.full((m, k), -1, dtype=np.intp)
        chosen[live] = top_k_rows(scores[live], eligible[live], k)
        return chosen
    masked = np.where(eligible, scores, -np.inf)
    if k < n:
        kth = np.partition(masked, n - k, axis=1)[:, n - k, None]  # (m, 1) k-th best
        taken = masked >= kth
        flat = np.flatnonzero(taken)  # (the flat form: 2-D nonzero is several times slower)
        if len(flat) > m * k:  # some rows have ties beyond the k-th: keep their first ones
            surplus = np.flatnonzero(taken.sum(axis=1) > k)
            tied = masked[surplus] == kth[surplus]
            wanted = k - (masked[surplus] > kth[surplus]).sum(axis=1, keepdims=True)
            taken[surplus] &= ~tied | (np.cumsum(tied, axis=1) <= wanted)
            flat = np.flatnonzero(taken)
        chosen = flat.reshape(m, k) - (np.arange(m) * n)[:, None]  # k per row, by position
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

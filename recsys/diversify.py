"""Re-ranking a candidate list for diversity: maximal marginal relevance (MMR).

Both re-rankers take, for each of m users, C candidate item positions (best first by
convention; ``-1`` pads a user with fewer real candidates), their relevance, and a
``pair_similarity(picked, candidates)`` callable, and return the k picks in pick order. They
are vectorised across users; only the k picks are a Python loop. Ties always go to the lower
column, so with candidates sorted best first a tie goes to the better-ranked item.

**MMR** (Carbonell & Goldstein 1998). The first pick is the most relevant candidate. Then,
with P the items picked so far, each step picks

    argmax_{i not in P}  lam * rel_i - (1 - lam) * max_{j in P} sim(i, j).

At lam = 1 that is plain relevance order (computed directly, without similarities).

**DPP** (determinantal point process, greedy MAP) is in ``recsys.dpp``; it shares this
module's checks, relevance order and similarity gather.

Cost per step: one ``pair_similarity`` call, and O(k * C) per user for the Cholesky update.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from recsys.ranking import top_k_rows

PairSimilarity = Callable[[NDArray[np.intp], NDArray[np.intp]], NDArray[np.float64]]
"""``pair_similarity(picked, candidates)``: picked (m,) item positions, candidates (m, C) item
positions -> (m, C) similarity of each user's picked item to each of that user's candidates.
Entries where a candidate is ``-1`` (padding) may hold anything, NaN included: they are masked.
``picked`` never holds ``-1``; users without a pick this step are left out of the call."""


def plain_order(
    candidates: NDArray[np.intp], relevance: NDArray[np.floating], k: int
) -> NDArray[np.intp]:
    """The candidates by relevance, best first, stable (ties by column), padding last.

    ``candidates`` (m, C) item positions, ``-1`` = padding; ``relevance`` (m, C), ignored at
    padding. Returns (m, min(k, C)) item positions; ``-1`` where a user runs out."""
    candidates, relevance, real, n_picks = checked_candidates(candidates, relevance, k, 1.0)
    return relevance_order(candidates, relevance, real, n_picks)


def mmr_rerank(
    candidates: NDArray[np.intp],
    relevance: NDArray[np.floating],
    pair_similarity: PairSimilarity,
    k: int,
    lam: float,
) -> NDArray[np.intp]:
    """Maximal marginal relevance: pick k of each user's candidates greedily (module docstring).

    ``candidates`` (m, C) item positions, ``-1`` = padding; ``relevance`` (m, C), finite at
    real candidates, ignored at padding; ``lam`` in [0, 1], 1 = relevance only. Returns
    (m, min(k, C)) item positions in pick order, ``-1`` after a user's real candidates run
    out. The first pick is the most relevant whatever ``lam``."""
    candidates, relevance, real, n_picks = checked_candidates(candidates, relevance, k, lam)
    if lam == 1.0 or n_picks == 0:
        return relevance_order(candidates, relevance, real, n_picks)
    m, n_candidates = candidates.shape
    first_of_row = np.arange(m) * n_candidates  # flat index = first_of_row + column
    picks = np.full((m, n_picks), -1, dtype=np.intp)
    blocked = np.where(real, 0.0, -np.inf)  # -inf once picked, and at padding
    relevance_part = lam * relevance
    score = relevance  # the first pick is the most relevant
    max_similarity = relevance  # replaced after the first pick
    for step in range(n_picks):
        flat = first_of_row + np.argmax(score + blocked, axis=1)
        picked_real = blocked.reshape(-1)[flat] == 0.0
        if not picked_real.any():
            break
        picked = np.where(picked_real, candidates.reshape(-1)[flat], -1)
        picks[:, step] = picked
        blocked.reshape(-1)[flat] = -np.inf  # already -inf where nothing was picked
        if step + 1 == n_picks:
            break
        similarity = similarity_to(pair_similarity, picked, candidates, picked_real, real)
        max_similarity = similarity if step == 0 else np.maximum(max_similarity, similarity)
        score = relevance_part - (1.0 - lam) * max_similarity
    return picks


def checked_candidates(
    candidates: NDArray[np.intp], relevance: NDArray[np.floating], k: int, lam: float
) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.bool_], int]:
    """(candidates as intp, relevance as float64 with 0 at padding, real mask, picks), checked."""
    candidates = np.asarray(candidates)
    relevance = np.asarray(relevance, dtype=np.float64)
    if candidates.ndim != 2 or relevance.shape != candidates.shape:
        raise ValueError(
            "candidates and relevance must both be (users, candidates) arrays of one shape; "
            f"got {candidates.shape} and {relevance.shape}."
        )
    if not 0.0 <= lam <= 1.0:
        raise ValueError(
            f"lam must be between 0 (diversity only) and 1 (relevance only); got {lam}."
        )
    candidates = np.ascontiguousarray(candidates, dtype=np.intp)  # flat views of rows below
    real = candidates >= 0
    if not real.all():
        relevance = np.where(real, relevance, 0.0)
    if not np.isfinite(relevance).all():
        raise ValueError("relevance must be a finite number for every real (not -1) candidate.")
    return candidates, relevance, real, min(max(k, 0), candidates.shape[1])


def relevance_order(
    candidates: NDArray[np.intp],
    relevance: NDArray[np.float64],
    eligible: NDArray[np.bool_],
    n_picks: int,
) -> NDArray[np.intp]:
    """(m, n_picks) eligible candidates by relevance, stable (ties by column), then -1: the
    package's top-k (``top_k_rows``) over columns, mapped to the item positions there."""
    columns = top_k_rows(relevance, eligible, n_picks)
    chosen = np.take_along_axis(candidates, np.maximum(columns, 0), axis=1)
    return np.where(columns >= 0, chosen, -1)


def similarity_to(
    pair_similarity: PairSimilarity,
    picked: NDArray[np.intp],
    candidates: NDArray[np.intp],
    active: NDArray[np.bool_],
    real: NDArray[np.bool_],
) -> NDArray[np.floating]:
    """(m, C) similarity of each active user's pick to their candidates; 0 for other users
    and at padding (where the callable may have returned anything)."""
    if active.all():
        similarity = np.asarray(pair_similarity(picked, candidates))
    else:
        similarity = np.zeros(candidates.shape)
        similarity[active] = pair_similarity(picked[active], candidates[active])
    if similarity.shape != candidates.shape:
        raise ValueError(
            f"pair_similarity returned shape {similarity.shape}; expected {candidates.shape}."
        )
    if not real.all():
        similarity = np.where(real, similarity, 0.0)
    return similarity

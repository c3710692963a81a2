"""Re-ranking a candidate list for diversity: maximal marginal relevance and a greedy DPP.

Both re-rankers take, for each of m users, C candidate item positions (best first by
convention; ``-1`` pads a user with fewer real candidates), their relevance, and a
``pair_similarity(picked, candidates)`` callable, and return the k picks in pick order. They
are vectorised across users; only the k picks are a Python loop. Ties always go to the lower
column, so with candidates sorted best first a tie goes to the better-ranked item.

**MMR** (Carbonell & Goldstein 1998). The first pick is the most relevant candidate. Then,
with P the items picked so far, each step picks

    argmax_{i not in P}  lam * rel_i - (1 - lam) * max_{j in P} sim(i, j).

At lam = 1 that is plain relevance order (computed directly, without similarities).

**DPP** (Chen, Zhang & Zhou 2018, "Fast greedy MAP inference for determinantal point process
to improve recommendation diversity"). The kernel is L_ij = r_i S_ij r_j with quality
r_i = exp(alpha * rel_i), alpha = lam / (2 (1 - lam)), and S a PSD Gram matrix with S_ii = 1
(cosines of unit vectors). Then

    (1 - lam) * log det L_Y = lam * sum_{i in Y} rel_i + (1 - lam) * log det S_Y,

relevance traded against the volume the picked vectors span. Greedy MAP adds the item with
the largest gain det L_{Y+i} / det L_Y = d_i^2, kept up to date by an incremental Cholesky
factorisation: with Y's rows c_i and after picking j,

    e_i = (L_ji - <c_j, c_i>) / d_j,    c_i <- [c_i, e_i],    d_i^2 <- d_i^2 - e_i^2,

starting from c_i = [], d_i^2 = L_ii = r_i^2. Writing c_i = r_i c'_i and d_i = r_i d'_i, the
r's cancel: c', d' follow the same recursion with S in place of L, and

    log d_i^2 = 2 * alpha * rel_i + log d'_i^2,

where d'_i^2 is the squared distance of item i's unit vector from the span of the picked ones.
The code runs the recursion on S and picks the argmax of r_i^2 d'_i^2 with each user's best
relevance subtracted inside the exp (so r_i <= 1, no overflow); for a user whose best product
is near underflow (2 * alpha * relevance gap beyond ~600) it compares the log gain instead.
Either way the argmax is that of d_i^2. An item with d'_i^2 <= eps (1e-10) lies numerically in
the span, so det L = 0 with it and the DPP step never picks it; once every remaining candidate
of a user is such an item the DPP stops for that user and **the remaining slots are filled in
relevance order** (ties by column) from the unpicked real candidates, then ``-1``.
lam = 1 (alpha infinite) is plain relevance order, handled as its own case.

Cost per step: one ``pair_similarity`` call, and O(k * C) per user for the Cholesky update.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from recsys.ranking import top_k_rows

_log = logging.getLogger(__name__)

PairSimilarity = Callable[[NDArray[np.intp], NDArray[np.intp]], NDArray[np.float64]]
"""``pair_similarity(picked, candidates)``: picked (m,) item positions, candidates (m, C) item
positions -> (m, C) similarity of each user's picked item to each of that user's candidates.
Entries where a candidate is ``-1`` (padding) may hold anything, NaN included: they are masked.
``picked`` never holds ``-1``; users without a pick this step are left out of the call."""

_UNDERFLOW = 1e-280  # products of normal floats above this keep full relative precision

DPP_EPS = 1e-10
"""Squared residual d'^2 at or below which an item counts as inside the span of the picks."""


def plain_order(
    candidates: NDArray[np.intp], relevance: NDArray[np.floating], k: int
) -> NDArray[np.intp]:
    """The candidates by relevance, best first, stable (ties by column), padding last.

    ``candidates`` (m, C) item positions, ``-1`` = padding; ``relevance`` (m, C), ignored at
    padding. Returns (m, min(k, C)) item positions; ``-1`` where a user runs out."""
    candidates, relevance, real, n_picks = _checked(candidates, relevance, k, 1.0)
    return _relevance_order(candidates, relevance, real, n_picks)


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
    candidates, relevance, real, n_picks = _checked(candidates, relevance, k, lam)
    if lam == 1.0 or n_picks == 0:
        return _relevance_order(candidates, relevance, real, n_picks)
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
        similarity = _similarity_to(pair_similarity, picked, candidates, picked_real, real)
        max_similarity = similarity if step == 0 else np.maximum(max_similarity, similarity)
        score = relevance_part - (1.0 - lam) * max_similarity
    return picks


def dpp_rerank(
    candidates: NDArray[np.intp],
    relevance: NDArray[np.floating],
    pair_similarity: PairSimilarity,
    k: int,
    lam: float,
    *,
    eps: float = DPP_EPS,
) -> NDArray[np.intp]:
    """Greedy MAP of a DPP with quality exp(alpha * rel), by incremental Cholesky (module docs).

    ``pair_similarity`` must be a PSD Gram matrix with unit diagonal (cosine of unit vectors).
    ``candidates`` (m, C) item positions, ``-1`` = padding; ``relevance`` (m, C), finite at
    real candidates, ignored at padding; ``lam`` in [0, 1], 1 = relevance only. Returns
    (m, min(k, C)) item positions in pick order. When a user's remaining candidates all lie in
    the span of the picks (d'^2 <= ``eps``), the rest of that user's slots are filled in
    relevance order, then ``-1`` once the real candidates run out."""
    candidates, relevance, real, n_picks = _checked(candidates, relevance, k, lam)
    if lam == 1.0 or n_picks == 0:
        return _relevance_order(candidates, relevance, real, n_picks)
    log_quality = _dpp_log_quality(relevance, real, lam)
    picks, pick_columns = _dpp_greedy(candidates, real, log_quality, pair_similarity, n_picks, eps)
    return _fill_in_relevance_order(picks, pick_columns, candidates, relevance, real)


def _dpp_log_quality(
    relevance: NDArray[np.float64], real: NDArray[np.bool_], lam: float
) -> NDArray[np.float64]:
    """(m, C) log r_i^2 = 2 alpha (rel_i - max_j rel_j), alpha = lam / (2 (1 - lam)), the max
    over the user's real candidates (0 for a user without any).

    Subtracting each user's best relevance scales the user's r by one constant, so L_Y by a
    constant per pick and every gain d_i^2 of a step by the same factor: the argmax sequence
    is unchanged. Now r_i <= 1, so exp cannot overflow, and alpha * rel cannot swamp
    log d'^2 in rounding when alpha is large."""
    alpha = lam / (2.0 * (1.0 - lam))
    best = np.max(relevance, axis=1, initial=-np.inf, where=real, keepdims=True)
    best[~np.isfinite(best)] = 0.0  # users without any real candidate
    return 2.0 * alpha * (relevance - best)


def _dpp_greedy(
    candidates: NDArray[np.intp],
    real: NDArray[np.bool_],
    log_quality: NDArray[np.float64],
    pair_similarity: PairSimilarity,
    n_picks: int,
    eps: float,
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """The DPP's own picks: (m, n_picks) item positions in pick order, -1 once a user has no
    candidate with d'^2 > ``eps`` left (a prefix of each row is picked), and (m, n_picks)
    the candidate columns they came from (0 where nothing was picked).

    Each step picks the argmax of r_i^2 d'_i^2 (``_dpp_argmax``), then extends the
    incremental Cholesky factorisation by the pick (``_extend_cholesky``)."""
    m, n_candidates = candidates.shape
    quality = np.exp(log_quality)  # r_i^2 in [0, 1]; underflow is handled in _dpp_argmax
    picks = np.full((m, n_picks), -1, dtype=np.intp)
    pick_columns = np.zeros((m, n_picks), dtype=np.intp)
    blocked = np.where(real, 0.0, -np.inf)  # -inf once picked, at padding, and when d'^2 <= eps
    residual = np.ones((m, n_candidates))  # d'_i^2, from S_ii = 1
    cholesky = np.zeros((m, n_picks, n_candidates))  # row t holds e'_i of pick t
    for step in range(n_picks):
        blocked[residual <= eps] = -np.inf
        column, flat, picked_real = _dpp_argmax(quality, log_quality, residual, blocked)
        if not picked_real.any():
            break
        picked = candidates.reshape(-1)[flat]
        residual_picked = residual.reshape(-1)[flat]
        if not picked_real.all():  # some users have no independent candidate left
            picked = np.where(picked_real, picked, -1)
            residual_picked[~picked_real] = 1.0
        picks[:, step] = picked
        pick_columns[:, step] = column
        blocked.reshape(-1)[flat] = -np.inf
        if step + 1 == n_picks:
            break
        similarity = _similarity_to(pair_similarity, picked, candidates, picked_real, real)
        _extend_cholesky(
            cholesky, residual, step, column, similarity, np.sqrt(residual_picked), picked_real
        )
    return picks, pick_columns


def _extend_cholesky(
    cholesky: NDArray[np.float64],
    residual: NDArray[np.float64],
    step: int,
    column: NDArray[np.intp],
    similarity: NDArray[np.floating],
    d_picked: NDArray[np.float64],
    picked_real: NDArray[np.bool_],
) -> None:
    """In place, after pick ``step`` (candidate ``column`` (m,), d'_j = ``d_picked`` (m,)):

        e'_i = (S_ji - <c'_j, c'_i>) / d'_j,   row ``step`` of ``cholesky`` = e',
        d'_i^2 <- d'_i^2 - e'_i^2   (``residual``),

    with ``similarity`` (m, C) the S_ji. Users without a real pick (``picked_real`` False)
    stay as they are (e' = 0)."""
    rows = np.arange(len(column))
    c_picked = cholesky[rows, :step, column]  # (m, step)
    e = similarity - np.matmul(c_picked[:, None, :], cholesky[:, :step, :])[:, 0, :]
    e /= d_picked[:, None]
    if not picked_real.all():
        e[~picked_real] = 0.0  # users the DPP has finished with stay as they are
    cholesky[:, step, :] = e
    e *= e
    residual -= e


def _fill_in_relevance_order(
    picks: NDArray[np.intp],
    pick_columns: NDArray[np.intp],
    candidates: NDArray[np.intp],
    relevance: NDArray[np.float64],
    real: NDArray[np.bool_],
) -> NDArray[np.intp]:
    """``picks`` (m, n_picks) with each user's slots after the DPP's picks (a prefix of the
    row) filled by the unpicked real candidates in relevance order (ties by column), then
    -1 once those run out."""
    m, n_picks = picks.shape
    dpp_picked = picks >= 0  # a prefix of each row
    n_dpp = dpp_picked.sum(axis=1)
    available = real.copy()
    available[np.nonzero(dpp_picked)[0], pick_columns[dpp_picked]] = False
    short = (n_dpp < n_picks) & available.any(axis=1)
    if short.any():
        _log.debug("DPP ran out of independent candidates for %d of %d users", short.sum(), m)
        fill = _relevance_order(candidates, relevance, available, n_picks)
        offset = np.arange(n_picks) - n_dpp[:, None]
        from_fill = np.take_along_axis(fill, np.maximum(offset, 0), axis=1)
        picks = np.where(offset >= 0, from_fill, picks)
    return picks


def _dpp_argmax(
    quality: NDArray[np.float64],
    log_quality: NDArray[np.float64],
    residual: NDArray[np.float64],
    blocked: NDArray[np.float64],
) -> tuple[NDArray[np.intp], NDArray[np.intp], NDArray[np.bool_]]:
    """(m,) column of the largest gain r_i^2 d'_i^2 among unblocked candidates, the same as a
    flat index into the (m, C) arrays, and (m,) whether the user had any unblocked candidate.

    The product keeps full relative precision while the winner's gain is far above underflow;
    a user whose best product is below _UNDERFLOW (only when 2 * alpha times a relevance gap
    exceeds ~600, e.g. lam > 0.997 with relevance in [0, 1]) is decided on the log gain
    log r_i^2 + log d'_i^2 instead."""
    gain = quality * residual
    gain += blocked
    column = np.argmax(gain, axis=1)
    first_of_row = np.arange(0, gain.size, gain.shape[1])
    best_gain = gain.reshape(-1)[first_of_row + column]
    any_left = best_gain >= 0.0  # unblocked gains are >= 0; blocked ones -inf
    tiny = any_left & (best_gain < _UNDERFLOW)
    if tiny.any():
        log_gain = log_quality[tiny] + np.log(np.maximum(residual[tiny], _UNDERFLOW))
        column[tiny] = np.argmax(log_gain + blocked[tiny], axis=1)
    return column, first_of_row + column, any_left


def _checked(
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


def _relevance_order(
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


def _similarity_to(
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

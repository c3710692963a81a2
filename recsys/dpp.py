"""The greedy DPP re-ranker: diversity as the volume the picked items span.

DPP (Chen, Zhang & Zhou 2018, "Fast greedy MAP inference for determinantal point process
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
The candidates, relevance and ``pair_similarity`` are as in ``recsys.diversify``.
"""

from __future__ import annotations

import logging

import numpy as np
from numpy.typing import NDArray

from recsys.diversify import PairSimilarity, checked_candidates, relevance_order, similarity_to

_log = logging.getLogger(__name__)

_UNDERFLOW = 1e-280  # products of normal floats above this keep full relative precision

DPP_EPS = 1e-10
"""Squared residual d'^2 at or below which an item counts as inside the span of the picks."""


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
    candidates, relevance, real, n_picks = checked_candidates(candidates, relevance, k, lam)
    if lam == 1.0 or n_picks == 0:
        return relevance_order(candidates, relevance, real, n_picks)
    log_quality = _dpp_log_quality(relevance, real, lam)
    picks, pick_columns = _dpp_greedy(candidates, real, log_quality, pair_similarity, n_picks, eps)
    return _fill_inrelevance_order(picks, pick_columns, candidates, relevance, real)


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
        similarity = similarity_to(pair_similarity, picked, candidates, picked_real, real)
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


def _fill_inrelevance_order(
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
        fill = relevance_order(candidates, relevance, available, n_picks)
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

"""Exploration: showing items the ranking would not, batched over ``m`` users.

**Epsilon-greedy.** Each filled slot of a slate, independently with probability ``epsilon``,
is given to an item drawn uniformly, without replacement, from the user's *spare* items:
eligible and not already in the slate. One call draws for all users at once: every user gets
a row of random keys ``r_ij ~ U[0, 1)``, set to -1 where item j is not spare; the spare items
with the largest keys, taken in key order, are a uniform sample without replacement in uniform
random order (the order of i.i.d. keys is a uniform permutation). The i-th exploring slot of
a slate (counting from the best) takes the i-th draw. A user with fewer spare items than
exploring slots keeps the items of the last exploring slots, unmarked.

**Thompson-style exploration around a learned profile.** Model a user's thumbs ``y`` on unit
item vectors ``x`` (dim d) as Bayesian linear regression::

    y = theta . x + noise,   noise ~ N(0, sigma^2),   theta ~ N(mean, sigma0^2 I)

With the rated item vectors stacked in ``X`` (t, d), the posterior covariance of theta is::

    Sigma = (I / sigma0^2 + X^T X / sigma^2)^{-1}

which is sigma0^2 I in directions nothing rated touches and shrinks along rated ones (rated
n times along a unit x alone: x^T Sigma x = 1 / (1 / sigma0^2 + n / sigma^2)). For a unit
item x the score noise ``x . xi`` has variance ``x^T Sigma x <= sigma0^2``, so ``sigma0``
(``prior_scale``) is the score noise of an item unlike anything rated.

The exploring query is ``theta = q + xi`` with ``xi ~ N(0, Sigma)`` and ``q`` the profile's
ranking query. To be honest about the name: Thompson sampling proper draws theta from the
whole posterior, centred on the posterior mean ``Sigma (mean / sigma0^2 + X^T y / sigma^2)``.
Here the centre is the adaptive profile ``q`` instead (which has already learned from the
same thumbs, by its own rule), and only the spread comes from the linear model; and thumbs
are +-1, not Gaussian. The draw is a calibrated perturbation, wide where the user has said
nothing and narrow where they have, not an exact posterior sample.

``xi`` is drawn without forming a d x d matrix, by Matheron's rule (the "pathwise" posterior
sample): with ``theta0 ~ N(0, sigma0^2 I_d)``, ``eps ~ N(0, sigma^2 I_t)`` and
``K = sigma0^2 X X^T + sigma^2 I_t`` (t x t)::

    xi = theta0 - sigma0^2 X^T K^{-1} (X theta0 + eps)

xi is linear in Gaussians with mean 0, and since Cov(theta0, X theta0 + eps) = sigma0^2 X^T
and Cov(X theta0 + eps) = K, Cov(xi) = sigma0^2 I - sigma0^4 X^T K^{-1} X, which is Sigma by
the Woodbury identity. Cost O(t^2 d + t^3) per user; users are batched as (m, t, t) solves.

Users rate different numbers of items, so X comes padded to (m, t, d) with a mask; padded
rows are set to zero, and a zero row changes nothing: it adds ``0 0^T`` to ``X^T X``, so
Sigma is the same, and in the sampler it zeroes row and column j of ``X X^T``, making K
block-diagonal with ``K_jj = sigma^2``; its weight ``eps_j / sigma^2`` then multiplies the
zero column j of ``X^T``. (A padded row's contents, even NaN, are never read.)
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from recsys.ranking import top_k_rows

_log = logging.getLogger(__name__)


def epsilon_greedy(
    slate: NDArray[np.intp],
    eligible: NDArray[np.bool_],
    epsilon: float,
    rng: np.random.Generator,
) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    """Replace each filled slot, with probability ``epsilon``, by a uniform spare item.

    ``slate`` (m, k) distinct item positions per row, best first, -1 for an empty slot (kept
    as -1); ``eligible`` (m, n) bool: items that may be shown (not yet rated, in the chosen
    domains). A replacement is drawn uniformly from the user's eligible items that are neither
    in the slate nor drawn for another of its slots. Returns ``(new_slate, exploring)``, both
    (m, k), ``exploring`` marking the replaced slots; a slot whose user has no spare item left
    keeps its item and is not marked. Same rng state and inputs -> same output."""
    slate, eligible = _checked_slate(slate, eligible, epsilon)
    new_slate = slate.copy()
    exploring = np.zeros(slate.shape, dtype=np.bool_)
    coins = (rng.random(slate.shape) < epsilon) & (slate >= 0)
    users = np.flatnonzero(coins.any(axis=1))
    if users.size == 0:
        return new_slate, exploring
    coins, user_slate = coins[users], slate[users]  # only users with an exploring slot draw
    keys = _spare_keys(user_slate, eligible[users], rng)
    picks, n_usable = _draws_in_key_order(keys, min(int(coins.sum(axis=1).max()), keys.shape[1]))
    replaced = _place_draws(user_slate, coins, picks, n_usable)
    new_slate[users] = user_slate
    exploring[users] = replaced
    if _log.isEnabledFor(logging.DEBUG):
        short = int((replaced != coins).any(axis=1).sum())
        _log.debug("epsilon-greedy: %d of %d users ran out of spare items", short, len(slate))
    return new_slate, exploring


def _checked_slate(
    slate: NDArray[np.intp], eligible: NDArray[np.bool_], epsilon: float
) -> tuple[NDArray[np.intp], NDArray[np.bool_]]:
    """``slate`` as intp and ``eligible`` as bool, after checking shapes, ``epsilon`` and that
    the slate holds item positions or -1."""
    slate = np.asarray(slate, dtype=np.intp)
    eligible = np.asarray(eligible, dtype=np.bool_)
    if slate.ndim != 2 or eligible.ndim != 2 or slate.shape[0] != eligible.shape[0]:
        raise ValueError(
            f"slate must be (m, k) and eligible (m, n) for the same m users; got "
            f"{slate.shape} and {eligible.shape}"
        )
    if not 0.0 <= epsilon <= 1.0:
        raise ValueError(f"epsilon is a probability and must be in [0, 1], got {epsilon}")
    n = eligible.shape[1]
    if slate.size and (slate.min() < -1 or slate.max() >= n):
        raise ValueError(f"slate entries must be item positions in [0, {n}) or -1 for empty")
    return slate, eligible


def _spare_keys(
    slate: NDArray[np.intp], eligible: NDArray[np.bool_], rng: np.random.Generator
) -> NDArray[np.float64]:
    """(u, n) random keys r_ij ~ U[0, 1) for the u users of ``slate`` (u, k), set to -1 where
    item j is not spare (not ``eligible`` (u, n), or already in the slate)."""
    spare = eligible.copy()
    rows, cols = np.nonzero(slate >= 0)
    spare[rows, slate[rows, cols]] = False
    keys = rng.random(spare.shape)
    keys[~spare] = -1.0
    return keys


def _draws_in_key_order(
    keys: NDArray[np.float64], draws: int
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """(u, draws) item positions of each row's ``draws`` largest ``keys``, largest first, and
    (u,) how many of them are spare (key >= 0): the usable draws, a prefix of each row."""
    picks = top_k_rows(keys, keys >= 0.0, draws)
    return picks, (picks >= 0).sum(axis=1)


def _place_draws(
    slate: NDArray[np.intp],
    coins: NDArray[np.bool_],
    picks: NDArray[np.intp],
    n_usable: NDArray[np.intp],
) -> NDArray[np.bool_]:
    """In place: the i-th exploring slot (``coins`` (u, k), counted from the best) of each row
    of ``slate`` takes draw i of ``picks``, while the row's ``n_usable`` draws last. Returns
    (u, k) the slots replaced."""
    slot_draw = np.cumsum(coins, axis=1) - 1
    replaced = coins & (slot_draw < n_usable[:, None])
    rows, cols = np.nonzero(replaced)
    slate[rows, cols] = picks[rows, slot_draw[rows, cols]]
    return replaced


def thompson_spread(
    rated_vectors: NDArray[np.floating],
    item_vectors: NDArray[np.floating],
    prior_scale: float = 0.08,
    noise_scale: float = 0.5,
) -> NDArray[np.float64]:
    """The standard deviation of the Thompson draw's score noise for each item, sqrt(x^T Sigma
    x), for one user who rated ``rated_vectors`` X (t, d), t may be 0; ``item_vectors`` (n, d).
    By Woodbury, x^T Sigma x = sigma0^2 (|x|^2 - sigma0^2 (X x)^T K^{-1} (X x)) with
    K = sigma0^2 X X^T + sigma^2 I_t: ``prior_scale`` for an item unlike anything rated
    (X x = 0), less along what was rated. Returns (n,)."""
    _check_scales(prior_scale, noise_scale)
    x = np.asarray(rated_vectors, dtype=np.float64)
    items = np.asarray(item_vectors, dtype=np.float64)
    norms = np.einsum("nd,nd->n", items, items)
    if x.shape[0] == 0:
        return prior_scale * np.sqrt(norms)
    system = prior_scale**2 * (x @ x.T) + noise_scale**2 * np.eye(x.shape[0])
    projected = x @ items.T  # X x for every item, (t, n)
    explained = np.einsum("tn,tn->n", projected, np.linalg.solve(system, projected))
    return prior_scale * np.sqrt(np.maximum(norms - prior_scale**2 * explained, 0.0))


@dataclass(frozen=True)
class DrawSpread:
    """How wide a visitor's Thompson draw is now: ``prior`` sigma0 (an item unlike anything
    rated), ``in_list`` the mean spread of the items in their list, ``thumbs`` the ratings
    the draw conditions on, ``prior_thumbs`` (sigma / sigma0)^2, what the prior is worth in
    thumbs along one direction."""

    prior: float
    in_list: float
    thumbs: int
    prior_thumbs: float

    @classmethod
    def of(
        cls,
        rated_vectors: NDArray[np.floating],
        listed_vectors: NDArray[np.floating],
        prior_scale: float,
        noise_scale: float,
    ) -> DrawSpread:
        """``rated_vectors`` (t, d) the thumbs the draw conditions on, ``listed_vectors``
        (k, d) the list's items (k >= 1)."""
        spread = thompson_spread(rated_vectors, listed_vectors, prior_scale, noise_scale)
        return cls(
            prior=prior_scale,
            in_list=float(spread.mean()),
            thumbs=len(rated_vectors),
            prior_thumbs=(noise_scale / prior_scale) ** 2,
        )


def posterior_covariance(
    rated_vectors: NDArray[np.floating], prior_scale: float = 0.08, noise_scale: float = 0.5
) -> NDArray[np.float64]:
    """Sigma = (I / sigma0^2 + X^T X / sigma^2)^{-1} for one user (module docstring).

    ``rated_vectors`` X (t, d), t may be 0; returns (d, d). Explicit d x d inverse: for tests
    and small checks, not for the hot path (``thompson_queries`` never forms it)."""
    x = np.asarray(rated_vectors, dtype=np.float64)
    _check_scales(prior_scale, noise_scale)
    precision = np.eye(x.shape[1]) / prior_scale**2 + x.T @ x / noise_scale**2
    return np.linalg.inv(precision)


def thompson_queries(
    queries: NDArray[np.float32],
    rated_vectors: NDArray[np.float32],
    rated_mask: NDArray[np.bool_],
    rng: np.random.Generator,
    prior_scale: float = 0.08,
    noise_scale: float = 0.5,
) -> NDArray[np.float32]:
    """Exploring queries ``q + xi``, ``xi ~ N(0, Sigma)`` per user, by Matheron's rule.

    ``queries`` q (m, d), unit rows; ``rated_vectors`` (m, t, d), t may be 0, user i's rated
    item vectors in rows where ``rated_mask`` (m, t) is True (other rows are padding, ignored);
    ``prior_scale`` sigma0, ``noise_scale`` sigma. Returns (m, d) float32, NOT normalised:
    score items by the dot product. Draws theta0 (m, d) then eps (m, t) from ``rng``, so the
    same rng state and inputs give the same draws."""
    queries = np.asarray(queries, dtype=np.float32)
    rated = np.asarray(rated_vectors, dtype=np.float32)
    mask = np.asarray(rated_mask, dtype=np.bool_)
    if queries.ndim != 2 or rated.ndim != 3 or rated.shape[::2] != queries.shape:
        raise ValueError(
            f"queries must be (m, d) and rated_vectors (m, t, d); got {queries.shape} and "
            f"{rated.shape}"
        )
    if mask.shape != rated.shape[:2]:
        raise ValueError(f"rated_mask must be (m, t) = {rated.shape[:2]}, got {mask.shape}")
    _check_scales(prior_scale, noise_scale)
    m, t, _ = rated.shape

    theta0 = rng.standard_normal(queries.shape, dtype=np.float32)
    theta0 *= np.float32(prior_scale)
    if t == 0:
        return queries + theta0
    eps = noise_scale * rng.standard_normal((m, t))

    if not mask.all():
        rated = np.where(mask[:, :, None], rated, np.float32(0.0))
    gram = np.matmul(rated, rated.transpose(0, 2, 1)).astype(np.float64)  # X X^T, (m, t, t)
    system = prior_scale**2 * gram
    system[:, np.arange(t), np.arange(t)] += noise_scale**2  # K
    residual = np.matmul(rated, theta0[:, :, None])[:, :, 0] + eps  # X theta0 + eps, (m, t)
    weights = np.linalg.solve(system, residual[:, :, None])  # K^{-1} (...), (m, t, 1)
    pull = np.matmul(weights.transpose(0, 2, 1).astype(np.float32), rated)[:, 0, :]  # X^T w
    return queries + theta0 - np.float32(prior_scale**2) * pull


def _check_scales(prior_scale: float, noise_scale: float) -> None:
    if not (prior_scale > 0.0 and noise_scale > 0.0):
        raise ValueError(
            f"prior_scale and noise_scale are standard deviations and must be positive; got "
            f"{prior_scale} and {noise_scale}"
        )

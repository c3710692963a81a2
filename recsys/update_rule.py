"""The profile's update rule: thumbs move the interest vector; the words anchor the query.

Vectors live in the catalogue's embedding space, unit length. With ``u`` the interest vector,
``h`` the embedding of the rated item, ``a`` the learning rate and ``b`` the weight of
negative feedback, one step is::

    thumbs up:    u' = normalise(u + a * (h - u))      (move a share a of the way toward h)
    thumbs down:  u' = normalise(u - b * (h - u))      (the mirror image: away from h)

and ``normalise(x) = x / |x|``. (Should ``x`` vanish, which needs h = -u and a = 1/2 exactly,
``u`` is kept.) The interest text's embedding is the *anchor* ``c``: the profile starts at
``u = c``, and the vector that ranks is ``q = normalise((1 - rho) * u + rho * c)``, so however
long the feedback runs, the visitor's own words keep a share ``rho`` of the query and the
vector cannot drift to nonsense.

Each function has a batched form for m users (the simulation) beside the one-user form.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from recsys.encoder import l2_normalise

_EPS = 1e-9


def normalise(vector: NDArray[np.floating]) -> NDArray[np.float32]:
    """A (dim,) vector scaled to unit length (``l2_normalise``); a zero vector is an error."""
    if float(np.linalg.norm(vector)) < _EPS:
        raise ValueError("cannot normalise a zero vector")
    return l2_normalise(vector)


def update_interest(
    interest: NDArray[np.float32],
    item: NDArray[np.float32],
    liked: bool,
    learning_rate: float,
    negative_weight: float,
) -> NDArray[np.float32]:
    """One feedback step (module docstring): (dim,) unit, (dim,) unit -> (dim,) unit."""
    thumbs = np.array([1 if liked else -1])
    return update_interests(
        interest[None, :], item[None, :], thumbs, learning_rate, negative_weight
    )[0]


def update_interests(
    interests: NDArray[np.float32],
    items: NDArray[np.float32],
    thumbs: NDArray[np.integer],
    learning_rate: float,
    negative_weight: float,
) -> NDArray[np.float32]:
    """The same step for m users at once: (m, dim) unit interests, (m, dim) rated items,
    (m,) thumbs +1 / -1 / 0 (0 leaves the row as it is) -> (m, dim) unit rows."""
    interests = np.asarray(interests, dtype=np.float32)
    step = np.where(thumbs > 0, learning_rate, np.where(thumbs < 0, -negative_weight, 0.0))
    moved = interests + step[:, None].astype(np.float32) * (items - interests)
    norms = np.linalg.norm(moved, axis=1, keepdims=True)
    keep = (norms < _EPS) | (step[:, None] == 0)
    return np.where(keep, interests, moved / np.maximum(norms, _EPS)).astype(np.float32)


def ranking_query(
    interest: NDArray[np.float32], anchor: NDArray[np.float32], anchor_weight: float
) -> NDArray[np.float32]:
    """q = normalise((1 - rho) u + rho c); falls back to the anchor if the blend vanishes."""
    return ranking_queries(interest[None, :], anchor[None, :], anchor_weight)[0]


def ranking_queries(
    interests: NDArray[np.float32], anchors: NDArray[np.float32], anchor_weight: float
) -> NDArray[np.float32]:
    """``ranking_query`` for m users: (m, dim), (m, dim) -> (m, dim) unit rows."""
    blend = (1.0 - anchor_weight) * interests + anchor_weight * anchors
    norms = np.linalg.norm(blend, axis=1, keepdims=True)
    return np.where(norms < _EPS, anchors, blend / np.maximum(norms, _EPS)).astype(np.float32)


def queries_for(
    learns: bool,
    interests: NDArray[np.float32],
    anchors: NDArray[np.float32],
    anchor_weight: float,
) -> NDArray[np.float32]:
    """The (m, dim) vectors a strategy ranks by: the learned query
    q = normalise((1 - rho) u + rho c) (above), or the interest text c alone for a strategy
    that does not learn (``learns`` False). ``interests`` u and ``anchors`` c are (m, dim)."""
    if not learns:
        return anchors
    return ranking_queries(interests, anchors, anchor_weight)

"""A profile of several interests: one vector per stated interest, each moved by its own thumbs.

One averaged vector cannot hold three tastes: "jazz, hiking in the mountains, Italian cooking"
lands between them and ranks hiking-and-cooking crossovers. Following PinnerSage (Pal et al.
2020) and MIND (Li et al. 2019), the profile keeps J interests (J <= ``MAX_INTERESTS``), each
with an anchor c_j (the embedding of the stated phrase), a learned vector u_j (starting at
c_j), and its thumbs-up and thumbs-down counts L_j, D_j. Interest j ranks by

    q_j = normalise((1 - rho) u_j + rho c_j)                    (``recsys.update_rule``)

A thumb on item h goes to the live interest it is nearest, j* = argmax_j h . q_j (ties to the
lower j), and moves only u_j* by the page's rule (up: u + a (h - u); down: u - b (h - u)),
counting L_j* or D_j*. An interest's weight is the posterior mean of its approval under a
uniform prior, and an interest the visitor keeps rejecting retires::

    w_j = (1 + L_j) / (2 + L_j + D_j),      live_j = D_j - L_j < RETIRE_AFTER

(if every interest would retire, the one with the highest weight stays live). A list of k
slots is composed so that every live interest keeps a place in proportion to its weight:
``allocate`` gives each live interest one slot (the strongest first when k < J), then the
other k - J by the largest remainder of w_j / sum(w) * (k - J) (ties to the lower j).
``compose`` takes each interest's own ranked list and fills its slots with its best items not
already taken (an interest that runs out leaves its slots to the others in weight order),
then orders the list by score, each slot remembering the interest it serves.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from recsys.update_rule import ranking_queries, update_interests

MAX_INTERESTS = 5
RETIRE_AFTER = 3  # thumbs-down beyond thumbs-up that retire an interest


@dataclass
class Interests:
    """m users' interests, padded to J: ``anchors`` and ``vectors`` (m, J, dim) unit rows
    (zero rows at padding); ``present`` (m, J) bool, a stated interest (False = padding);
    ``likes`` and ``dislikes`` (m, J) counts."""

    anchors: NDArray[np.float32]
    vectors: NDArray[np.float32]
    present: NDArray[np.bool_]
    likes: NDArray[np.int64]
    dislikes: NDArray[np.int64]

    @classmethod
    def start(cls, anchors: NDArray[np.float32], present: NDArray[np.bool_]) -> Interests:
        """Every interest at its anchor, with no thumbs yet."""
        m, j = present.shape
        return cls(
            anchors=anchors.astype(np.float32, copy=True),
            vectors=anchors.astype(np.float32, copy=True),
            present=present.copy(),
            likes=np.zeros((m, j), dtype=np.int64),
            dislikes=np.zeros((m, j), dtype=np.int64),
        )

    def select(self, users: NDArray[np.intp] | slice) -> Interests:
        """The interests of ``users`` (a copy)."""
        return Interests(
            self.anchors[users].copy(),
            self.vectors[users].copy(),
            self.present[users].copy(),
            self.likes[users].copy(),
            self.dislikes[users].copy(),
        )

    @property
    def weights(self) -> NDArray[np.float64]:
        """(m, J) w_j for live interests, 0 for retired ones and padding (module docstring)."""
        approval = (1.0 + self.likes) / (2.0 + self.likes + self.dislikes)
        live = self.present & (self.dislikes - self.likes < RETIRE_AFTER)
        nobody = ~live.any(axis=1) & self.present.any(axis=1)  # keep the best one alive
        if nobody.any():
            best = np.argmax(np.where(self.present, approval, -1.0), axis=1)
            live[np.flatnonzero(nobody), best[nobody]] = True
        return np.where(live, approval, 0.0)

    def queries(self, anchor_weight: float) -> NDArray[np.float32]:
        """(m, J, dim) q_j = normalise((1 - rho) u_j + rho c_j); zero rows at padding."""
        m, j, dim = self.vectors.shape
        flat = ranking_queries(
            self.vectors.reshape(m * j, dim), self.anchors.reshape(m * j, dim), anchor_weight
        )
        return np.where(self.present[:, :, None], flat.reshape(m, j, dim), 0.0).astype(np.float32)

    def for_ranking(
        self, learns: bool, anchor_weight: float
    ) -> tuple[NDArray[np.float32], NDArray[np.float64]]:
        """What a ranker needs: (m, J, dim) queries and (m, J) weights; a strategy that does
        not learn ranks by the anchors alone, every stated interest weighted alike."""
        if not learns:
            return self.anchors, self.present.astype(np.float64)
        return self.queries(anchor_weight), self.weights

    def nearest(self, items: NDArray[np.float32], anchor_weight: float) -> NDArray[np.intp]:
        """(m,) the live interest each user's item (m, dim) is nearest (ties to the lower j)."""
        similarity = np.einsum("mjd,md->mj", self.queries(anchor_weight), items)
        return np.argmax(np.where(self.weights > 0, similarity, -np.inf), axis=1)

    def record(
        self,
        users: NDArray[np.intp],
        items: NDArray[np.float32],
        thumbs: NDArray[np.int8],
        learning_rate: float,
        negative_weight: float,
        anchor_weight: float,
    ) -> NDArray[np.intp]:
        """Thumbs (len(users),) +1/-1 on item vectors (len(users), dim): each moves the
        user's nearest live interest and counts there. Returns the interests moved."""
        if len(users) == 0:
            return np.zeros(0, dtype=np.intp)
        chosen = self.select(users).nearest(items, anchor_weight)
        self.vectors[users, chosen] = update_interests(
            self.vectors[users, chosen], items, thumbs, learning_rate, negative_weight
        )
        self.likes[users, chosen] += thumbs > 0
        self.dislikes[users, chosen] += thumbs < 0
        return chosen


def allocate(weights: NDArray[np.float64], k: int) -> NDArray[np.int64]:
    """(m, J) weights (0 = not live) -> (m, J) slots per interest summing to min(k, ...) as in
    the module docstring: one each for the live ones (strongest first if k is short), then
    the rest by largest remainder. Vectorised over the m users."""
    m, j = weights.shape
    live = weights > 0
    n_live = live.sum(axis=1, keepdims=True)
    if k <= 0 or j == 0:
        return np.zeros((m, j), dtype=np.int64)
    # short of slots: the k strongest live interests (ties to the lower j) get one each
    strongest = _ranks(np.where(live, weights, -np.inf)) < k
    short = np.where(live & strongest, 1, 0)
    # enough: one each, the whole parts of the shares, then one more by largest remainder
    spare = np.maximum(k - n_live, 0)
    total = np.where(live, weights, 0.0).sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        share = np.where(live, weights / total * spare, 0.0)
    whole = np.floor(share).astype(np.int64)
    left = spare - whole.sum(axis=1, keepdims=True)
    extra = _ranks(np.where(live, share - whole, -np.inf)) < left
    enough = np.where(live, 1 + whole + extra, 0)
    return np.where(k <= n_live, short, enough).astype(np.int64)


def _ranks(values: NDArray[np.float64]) -> NDArray[np.intp]:
    """(m, J) each entry's place in its row from the highest (0), ties to the lower j."""
    order = np.argsort(-values, axis=1, kind="stable")
    ranks = np.empty_like(order)
    np.put_along_axis(ranks, order, np.arange(values.shape[1])[None, :], axis=1)
    return ranks


def compose(
    lists: NDArray[np.intp],
    scores: NDArray[np.float64],
    slots: NDArray[np.int64],
    weights: NDArray[np.float64],
    k: int,
) -> tuple[NDArray[np.intp], NDArray[np.intp]]:
    """Each user's list from their interests' own lists.

    ``lists`` (m, J, L) item positions best first (-1 padded), ``scores`` (m, J, L) their
    scores, ``slots`` (m, J) from ``allocate``, ``weights`` (m, J). Returns (m, k) positions
    ordered by score (ties by the interest's weight order), -1 padded, and (m, k) the interest
    each slot serves (-1 where empty)."""
    m = len(lists)
    positions = np.full((m, k), -1, dtype=np.intp)
    serves = np.full((m, k), -1, dtype=np.intp)
    orders = np.argsort(-weights, axis=1, kind="stable").tolist()
    rows = zip(
        lists.tolist(), scores.tolist(), slots.tolist(), weights.tolist(), orders, strict=True
    )
    for row, (items, values, slot, weight, order) in enumerate(rows):
        live = [j for j in order if weight[j] > 0]
        chosen = _compose_one(items, values, slot, live, k)
        for column, (item, j) in enumerate(chosen):
            positions[row, column], serves[row, column] = item, j
    return positions, serves


def _compose_one(
    lists: list[list[int]],
    scores: list[list[float]],
    slots: list[int],
    order: list[int],
    k: int,
) -> list[tuple[int, int]]:
    """One user's (item, interest) pairs, best score first: ``compose`` for (J, L) lists
    (as Python lists: one user's few dozen items are quicker there than in numpy), with
    ``order`` the live interests, strongest first."""
    picked: dict[int, tuple[float, int, int]] = {}  # item -> (score, rank of interest, j)
    cursor = dict.fromkeys(order, 0)
    width = len(lists[0]) if lists else 0

    def take(rank: int, j: int) -> bool:
        items, values = lists[j], scores[j]
        while cursor[j] < width:
            item, score = items[cursor[j]], values[cursor[j]]
            cursor[j] += 1
            if item >= 0 and item not in picked:
                picked[item] = (score, rank, j)
                return True
        return False

    for rank, j in enumerate(order):
        for _ in range(slots[j]):
            take(rank, j)
    while len(picked) < k and any(take(rank, j) for rank, j in enumerate(order)):
        pass  # one more from the strongest interest that has one, until the list is full
    ranked = sorted(picked.items(), key=lambda pair: (-pair[1][0], pair[1][1]))[:k]
    return [(item, j) for item, (_, _, j) in ranked]

"""What the recommender knows of m simulated users, kept exactly as the Recommend page keeps
it for one visitor: the stated-interest vectors, the learned interest vectors (one averaged,
and one per stated interest), the thumbs, and the most recent rated items."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from recsys.multi_interest import Interests
from recsys.profile import ProfileSettings
from recsys.ranker import THOMPSON_WINDOW
from recsys.slates import SlateRequest
from recsys.strategy import Strategy
from recsys.update_rule import queries_for, update_interests


@dataclass
class RecommenderState:
    """What the recommender knows of m users, exactly what the Recommend page keeps for one:
    ``anchors`` (m, dim) the stated-interest vectors c; ``interests`` (m, dim) the learned u;
    ``feedback`` (m, n) +1 / -1 / 0 thumbs; ``rated`` (m, THOMPSON_WINDOW) the most recent
    rated items, -1 padded, newest last; ``multi`` one vector per stated interest
    (``recsys.multi_interest``), moved by the same thumbs."""

    anchors: NDArray[np.float32]
    interests: NDArray[np.float32]
    feedback: NDArray[np.float32]
    rated: NDArray[np.intp]
    multi: Interests

    @classmethod
    def start(
        cls,
        anchors: NDArray[np.float32],
        n_items: int,
        phrases: NDArray[np.float32] | None = None,
        phrase_present: NDArray[np.bool_] | None = None,
    ) -> RecommenderState:
        """Before any thumb: ``anchors`` (m, dim) the typed texts, and ``phrases`` (m, J,
        dim) the typed interests one by one (None: the text is the one interest)."""
        m = len(anchors)
        if phrases is None:
            phrases, phrase_present = anchors[:, None, :], np.ones((m, 1), dtype=bool)
        return cls(
            anchors=anchors,
            interests=anchors.astype(np.float32, copy=True),
            feedback=np.zeros((m, n_items), dtype=np.float32),
            rated=np.full((m, THOMPSON_WINDOW), -1, dtype=np.intp),
            multi=Interests.start(phrases, phrase_present),
        )

    def record(
        self,
        chosen: NDArray[np.intp],
        thumbs: NDArray[np.int8],
        item_vectors: NDArray[np.float32],
        profile: ProfileSettings,
        per_interest: bool = True,
    ) -> None:
        """One round's thumbs (m,) on the chosen items (m,): the interest vectors move by the
        page's update rule, and the thumbs join the feedback rows and the recent window.
        ``per_interest`` False leaves ``multi`` as it is (a strategy that never reads it)."""
        rows = np.flatnonzero(thumbs != 0)
        items = chosen[rows]
        self.interests[rows] = update_interests(
            self.interests[rows],
            item_vectors[items],
            thumbs[rows],
            profile.learning_rate,
            profile.negative_weight,
        )
        if per_interest:
            self.multi.record(
                rows,
                item_vectors[items],
                thumbs[rows],
                profile.learning_rate,
                profile.negative_weight,
                profile.anchor_weight,
            )
        self.feedback[rows, items] = thumbs[rows]
        self.rated[rows] = np.concatenate([self.rated[rows, 1:], items[:, None]], axis=1)

    def request(
        self,
        strategy: Strategy,
        eligible: NDArray[np.bool_],
        anchor_weight: float,
        users: NDArray[np.intp] | slice = slice(None),
    ) -> SlateRequest:
        """The ranker's request for ``users``: the learned query q, or the anchor alone for a
        strategy that does not learn."""
        queries = queries_for(
            strategy.learns, self.interests[users], self.anchors[users], anchor_weight
        )
        interest_queries, interest_weights = (
            self.multi.select(users).for_ranking(strategy.learns, anchor_weight)
            if strategy.multi_interest
            else (None, None)
        )
        return SlateRequest(
            queries=queries,
            feedback=self.feedback[users] if strategy.cf_weight > 0 else _no_thumbs(eligible),
            eligible=eligible,
            rated_positions=self.rated[users],
            interest_queries=interest_queries,
            interest_weights=interest_weights,
        )


def _no_thumbs(eligible: NDArray[np.bool_]) -> sparse.csr_matrix:
    """(m, n) no thumbs, for a strategy without CF (only CF reads them): no copy of the rows."""
    return sparse.csr_matrix(eligible.shape, dtype=np.float32)

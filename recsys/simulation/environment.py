"""The simulation loop: a strategy's ranker serves slates to a population, round after round.

Per round t = 1..T, for every active user: the ranker (``recsys.ranker.build_ranker``, the
same code the Recommend page uses) builds a slate of k items the user has not consumed, from
the user's ranking query; the user responds (``recsys.simulation.users.respond``); a thumb
moves the recommender's interest vector exactly as on the page,
u <- normalise(u + a (x - u)) up, normalise(u - b (x - u)) down, and the query is
q = normalise((1 - rho) u + rho c) with c the user's stated-interest vector.

Every strategy meets the same users (a copy of one population) and the same random stream
(common random numbers), so differences between strategies are not differences of luck.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from recsys.context import RankingContext
from recsys.list_measures import slate_diversity
from recsys.multi_interest import Interests
from recsys.profile import ProfileSettings
from recsys.ranker import THOMPSON_WINDOW, build_ranker
from recsys.simulation.users import Population, UserParameters, respond
from recsys.slates import SlateRequest
from recsys.strategy import Strategy
from recsys.update_rule import queries_for, update_interests


@dataclass(frozen=True)
class LabSettings:
    """How a lab run is set up; the user model's parameters live in ``UserParameters``."""

    n_users: int = 200
    rounds: int = 50
    slate_size: int = 10
    seed: int = 7
    profile: ProfileSettings = field(default_factory=ProfileSettings)


@dataclass(frozen=True)
class StrategyRun:
    """One strategy's run, arrays (rounds, n_users) unless stated: ``satisfaction`` after the
    round (frozen once a user has left); ``active`` whether the user was still there at the
    start of the round; ``chosen`` item position or -1; ``thumbs`` +1/-1/0; ``diversity`` the
    slate's intra-list diversity 1 - mean pairwise cosine (NaN if the user was gone);
    ``shown`` (n_items,) how often each item was shown."""

    name: str
    satisfaction: NDArray[np.float64]
    active: NDArray[np.bool_]
    chosen: NDArray[np.intp]
    thumbs: NDArray[np.int8]
    diversity: NDArray[np.float64]
    shown: NDArray[np.int64]


Progress = Callable[[float], None]


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
    ) -> None:
        """One round's thumbs (m,) on the chosen items (m,): the interest vectors move by the
        page's update rule, and the thumbs join the feedback rows and the recent window."""
        rows = np.flatnonzero(thumbs != 0)
        items = chosen[rows]
        self.interests[rows] = update_interests(
            self.interests[rows],
            item_vectors[items],
            thumbs[rows],
            profile.learning_rate,
            profile.negative_weight,
        )
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
            feedback=self.feedback[users],
            eligible=eligible,
            rated_positions=self.rated[users],
            interest_queries=interest_queries,
            interest_weights=interest_weights,
        )


def simulate(
    strategy: Strategy,
    context: RankingContext,
    population: Population,
    quality: NDArray[np.float64],
    settings: LabSettings,
    params: UserParameters,
    rng: np.random.Generator,
    progress: Progress | None = None,
) -> StrategyRun:
    """Run ``strategy`` on ``population`` (changed in place: pass a copy) for
    ``settings.rounds`` rounds. ``quality`` (n,) in [0, 1]; the hook comes from ``context``."""
    ranker = build_ranker(strategy, context)
    vectors = context.item_vectors
    cosines = context.pair_matrix("cosine")
    m, n = population.size, context.n_items
    rounds = settings.rounds
    profile = settings.profile
    state = RecommenderState.start(
        population.stated, n, population.phrases, population.phrase_present
    )
    record = {
        "satisfaction": np.zeros((rounds, m)),
        "active": np.zeros((rounds, m), dtype=bool),
        "chosen": np.full((rounds, m), -1, dtype=np.intp),
        "thumbs": np.zeros((rounds, m), dtype=np.int8),
        "diversity": np.full((rounds, m), np.nan),
    }
    shown = np.zeros(n, dtype=np.int64)
    for t in range(rounds):
        active = population.active.copy()
        eligible = ~population.consumed & active[:, None]
        request = state.request(strategy, eligible, profile.anchor_weight)
        slates = ranker(request, settings.slate_size, rng, mark_exploring=False).positions
        slates = np.where(active[:, None], slates, -1)
        np.add.at(shown, slates[slates >= 0], 1)
        responses = respond(
            population, slates, vectors, cosines, quality, context.hook, params, rng
        )
        thumbs = responses.thumbs
        state.record(responses.chosen, thumbs, vectors, profile)
        record["satisfaction"][t] = population.satisfaction
        record["active"][t] = active
        record["chosen"][t] = responses.chosen
        record["thumbs"][t] = thumbs
        record["diversity"][t] = np.where(active, slate_diversity(slates, cosines), np.nan)
        if progress is not None:
            progress((t + 1) / rounds)
    return StrategyRun(name=strategy.name, shown=shown, **record)


def run_lab(
    strategies: Sequence[Strategy],
    context: RankingContext,
    population: Population,
    quality: NDArray[np.float64],
    settings: LabSettings,
    params: UserParameters,
    progress: Progress | None = None,
) -> list[StrategyRun]:
    """Every strategy on a copy of the same population with the same random stream."""
    runs = []
    for index, strategy in enumerate(strategies):

        def step(share: float, index: int = index) -> None:
            if progress is not None:
                progress((index + share) / len(strategies))

        rng = np.random.default_rng([settings.seed, 1])
        runs.append(
            simulate(strategy, context, population.copy(), quality, settings, params, rng, step)
        )
    return runs

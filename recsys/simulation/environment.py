"""The simulation loop: a strategy's ranker serves slates to a population, round after round.

Per round t = 1..T, for every active user: the ranker (``recsys.ranker.build_ranker``, the
same code the Recommend page uses) builds a slate of k items the user has not consumed, from
the user's ranking query; the user responds (``recsys.simulation.users.respond``); a thumb
moves the recommender's interest vector exactly as on the page,
u <- normalise(u + a (x - u)) up, normalise(u - b (x - u)) down, and the query is
q = normalise((1 - rho) u + rho c) with c the user's stated-interest vector.

**Common random numbers, kept apart.** A lab run is ``replicates`` independent populations
(replicate r draws its users from ``[seed, r, POPULATION]``). Within a replicate every
strategy meets a copy of the same users, and two separate random streams:

- the *users'* stream ``[seed, r, USERS]`` (their choices and utility noise): every user
  draws the same number of values every round whatever they were shown, so under every
  strategy user u gets the very same noise in round t;
- the *ranker's* stream ``[seed, r, RANKER]`` (random order, epsilon-greedy's coins and
  items, Thompson's draws): what a stochastic strategy consumes never shifts the users' luck.

So differences between strategies within a replicate are not differences of luck, and the
replicates are independent repetitions of the whole experiment.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from recsys.context import RankingContext
from recsys.list_measures import slate_diversity
from recsys.profile import ProfileSettings
from recsys.ranker import build_ranker
from recsys.simulation.state import RecommenderState
from recsys.simulation.users import (
    PersonaVectors,
    Population,
    UserParameters,
    make_population,
    respond,
)
from recsys.strategy import Strategy

POPULATION, USERS, RANKER = 0, 1, 2  # the streams of a replicate: [seed, replicate, stream]


@dataclass(frozen=True)
class LabSettings:
    """How a lab run is set up; the user model's parameters live in ``UserParameters``.
    ``replicates`` independent populations of ``n_users`` each."""

    n_users: int = 200
    rounds: int = 50
    slate_size: int = 10
    seed: int = 7
    replicates: int = 5
    profile: ProfileSettings = field(default_factory=ProfileSettings)

    def __post_init__(self) -> None:
        if min(self.n_users, self.rounds, self.slate_size, self.replicates) < 1:
            raise ValueError("users, rounds, slate size and replicates must each be at least 1")


@dataclass(frozen=True)
class Streams:
    """The two random streams of one strategy's run: ``users`` for the simulated users'
    draws, ``ranker`` for the strategy's own (module docstring)."""

    users: np.random.Generator
    ranker: np.random.Generator

    @classmethod
    def of(cls, seed: int, replicate: int = 0) -> Streams:
        """Fresh streams for replicate ``replicate`` of a run with ``seed``: every strategy
        gets its own fresh pair, equal to every other strategy's."""
        return cls(
            users=np.random.default_rng([seed, replicate, USERS]),
            ranker=np.random.default_rng([seed, replicate, RANKER]),
        )


def population_rng(seed: int, replicate: int = 0) -> np.random.Generator:
    """The stream replicate ``replicate``'s users are drawn from."""
    return np.random.default_rng([seed, replicate, POPULATION])


@dataclass(frozen=True)
class StrategyRun:
    """One strategy's run, arrays (rounds, n_users) unless stated: ``satisfaction`` after the
    round (frozen once a user has left); ``active`` whether the user was still there at the
    start of the round; ``chosen`` item position or -1; ``thumbs`` +1/-1/0; ``diversity`` the
    slate's intra-list diversity 1 - mean pairwise cosine (NaN if the user was gone);
    ``slates`` (rounds, n_users, k) the items shown, -1 for an empty slot or a user gone;
    ``shown`` (replicates, n_items) how often each item was shown in each replicate;
    ``replicate`` (n_users,) which replicate each user belongs to (all 0 for one run)."""

    name: str
    satisfaction: NDArray[np.float64]
    active: NDArray[np.bool_]
    chosen: NDArray[np.intp]
    thumbs: NDArray[np.int8]
    diversity: NDArray[np.float64]
    slates: NDArray[np.intp]
    shown: NDArray[np.int64]
    replicate: NDArray[np.intp]

    @property
    def replicates(self) -> int:
        return len(self.shown)

    def impressions(self) -> NDArray[np.int64]:
        """(rounds, n_users) items shown to each user each round (0 once gone)."""
        return (self.slates >= 0).sum(axis=2)

    @classmethod
    def joined(cls, runs: Sequence[StrategyRun]) -> StrategyRun:
        """One strategy's replicate runs side by side: users concatenated, replicate labels
        renumbered 0..R-1 in order, ``shown`` stacked."""
        return cls(
            name=runs[0].name,
            satisfaction=np.concatenate([r.satisfaction for r in runs], axis=1),
            active=np.concatenate([r.active for r in runs], axis=1),
            chosen=np.concatenate([r.chosen for r in runs], axis=1),
            thumbs=np.concatenate([r.thumbs for r in runs], axis=1),
            diversity=np.concatenate([r.diversity for r in runs], axis=1),
            slates=np.concatenate([r.slates for r in runs], axis=1),
            shown=np.concatenate([r.shown for r in runs], axis=0),
            replicate=np.concatenate(
                [np.full(r.satisfaction.shape[1], index, np.intp) for index, r in enumerate(runs)]
            ),
        )


Progress = Callable[[float], None]


def simulate(
    strategy: Strategy,
    context: RankingContext,
    population: Population,
    quality: NDArray[np.float64],
    settings: LabSettings,
    params: UserParameters,
    streams: Streams,
    progress: Progress | None = None,
) -> StrategyRun:
    """Run ``strategy`` on ``population`` (changed in place: pass a copy) for
    ``settings.rounds`` rounds. ``quality`` (n,) in [0, 1]; the hook comes from ``context``;
    the users draw from ``streams.users`` only, the ranker from ``streams.ranker`` only."""
    ranker = build_ranker(strategy, context)
    vectors = context.item_vectors
    cosines = context.pair_matrix("cosine")
    m, n, k = population.size, context.n_items, settings.slate_size
    rounds, profile = settings.rounds, settings.profile
    state = RecommenderState.start(
        population.stated, n, population.phrases, population.phrase_present
    )
    record = {
        "satisfaction": np.zeros((rounds, m)),
        "active": np.zeros((rounds, m), dtype=bool),
        "chosen": np.full((rounds, m), -1, dtype=np.intp),
        "thumbs": np.zeros((rounds, m), dtype=np.int8),
        "diversity": np.full((rounds, m), np.nan),
        "slates": np.full((rounds, m, k), -1, dtype=np.intp),
    }
    shown = np.zeros(n, dtype=np.int64)
    for t in range(rounds):
        active = population.active.copy()
        eligible = ~population.consumed & active[:, None]
        request = state.request(strategy, eligible, profile.anchor_weight)
        slates = ranker(request, k, streams.ranker, mark_exploring=False).positions
        slates = np.where(active[:, None], slates, -1)
        np.add.at(shown, slates[slates >= 0], 1)
        responses = respond(
            population, slates, vectors, cosines, quality, context.hook, params, streams.users
        )
        state.record(responses.chosen, responses.thumbs, vectors, profile)
        record["satisfaction"][t] = population.satisfaction
        record["active"][t] = active
        record["chosen"][t] = responses.chosen
        record["thumbs"][t] = responses.thumbs
        record["diversity"][t] = np.where(active, slate_diversity(slates, cosines), np.nan)
        record["slates"][t, :, : slates.shape[1]] = slates
        if progress is not None:
            progress((t + 1) / rounds)
    return StrategyRun(
        name=strategy.name, shown=shown[None, :], replicate=np.zeros(m, np.intp), **record
    )


def run_lab(
    strategies: Sequence[Strategy],
    context: RankingContext,
    personas: PersonaVectors,
    quality: NDArray[np.float64],
    settings: LabSettings,
    params: UserParameters,
    progress: Progress | None = None,
) -> list[StrategyRun]:
    """Every strategy on ``settings.replicates`` populations: in each replicate, a copy of
    the same users and the same two streams for every strategy (module docstring). One run
    per strategy, its users the replicates' side by side."""
    per_strategy: list[list[StrategyRun]] = [[] for _ in strategies]
    jobs = settings.replicates * len(strategies)
    for replicate in range(settings.replicates):
        population = make_population(
            personas,
            context.item_vectors,
            settings.n_users,
            params,
            population_rng(settings.seed, replicate),
        )
        for index, strategy in enumerate(strategies):
            done = replicate * len(strategies) + index

            def step(share: float, done: int = done) -> None:
                if progress is not None:
                    progress((done + share) / jobs)

            streams = Streams.of(settings.seed, replicate)
            per_strategy[index].append(
                simulate(
                    strategy, context, population.copy(), quality, settings, params, streams, step
                )
            )
    return [StrategyRun.joined(runs) for runs in per_strategy]

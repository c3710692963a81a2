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

import os
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from recsys.context import RankingContext
from recsys.list_measures import slate_diversity
from recsys.profile import ProfileSettings
from recsys.ranker import Ranker, build_ranker
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
        slates = _serve(ranker, state, population, active, k, streams.ranker, profile)
        np.add.at(shown, slates[slates >= 0], 1)
        responses = respond(
            population, slates, vectors, cosines, quality, context.hook, params, streams.users
        )
        state.record(responses.chosen, responses.thumbs, vectors, profile, strategy.multi_interest)
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


def _serve(
    ranker: Ranker,
    state: RecommenderState,
    population: Population,
    active: NDArray[np.bool_],
    k: int,
    rng: np.random.Generator,
    profile: ProfileSettings,
) -> NDArray[np.intp]:
    """(m, k) this round's slates, -1 for the users who have left. A ranker that draws
    ranks everyone, so that its stream moves the same whoever is left; one that does not
    ranks only the users still there (a user who left has nothing eligible: all -1)."""
    m = len(active)
    users = None if ranker.strategy.draws or active.all() else np.flatnonzero(active)
    if users is not None and len(users) == 0:
        return np.full((m, min(k, population.consumed.shape[1])), -1, dtype=np.intp)
    chosen = slice(None) if users is None else users
    eligible = ~population.consumed[chosen] & active[chosen, None]
    request = state.request(ranker.strategy, eligible, profile.anchor_weight, chosen)
    positions = ranker(request, k, rng, mark_exploring=False).positions
    if users is None:
        return np.where(active[:, None], positions, -1)
    slates = np.full((m, positions.shape[1]), -1, dtype=np.intp)
    slates[users] = positions
    return slates


def run_lab(
    strategies: Sequence[Strategy],
    context: RankingContext,
    personas: PersonaVectors,
    quality: NDArray[np.float64],
    settings: LabSettings,
    params: UserParameters,
    progress: Progress | None = None,
    workers: int | None = None,
) -> list[StrategyRun]:
    """Every strategy on ``settings.replicates`` populations: in each replicate, a copy of
    the same users and the same two streams for every strategy (module docstring). One run
    per strategy, its users the replicates' side by side.

    The (replicate, strategy) jobs run on ``workers`` threads (default: one per core; numpy
    lets go of the interpreter in its loops and products, so two threads come near twice
    the speed on two cores). Each job has its own copy of the users and its own streams, so
    the numbers are the same whatever the number of workers. ``progress`` is called from
    the calling thread only (a Streamlit page cannot draw from another thread)."""
    replicates = [
        make_population(
            personas,
            context.item_vectors,
            settings.n_users,
            params,
            population_rng(settings.seed, replicate),
        )
        for replicate in range(settings.replicates)
    ]
    jobs = [(r, i) for r in range(settings.replicates) for i in range(len(strategies))]
    shares = [0.0] * len(jobs)  # each job's progress, written by its worker
    stopped = threading.Event()  # set when the run ends early: the running jobs stop too

    def job(number: int) -> StrategyRun:
        replicate, index = jobs[number]

        def step(share: float) -> None:
            if stopped.is_set():
                raise _Stopped
            shares[number] = share

        return simulate(
            strategies[index],
            context,
            replicates[replicate].copy(),
            quality,
            settings,
            params,
            Streams.of(settings.seed, replicate),
            step,
        )

    _warm(context, strategies)  # the shared caches, filled before the threads share them
    workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
    with ThreadPoolExecutor(workers, thread_name_prefix="lab") as pool:
        futures = [pool.submit(job, number) for number in range(len(jobs))]
        pending = set(futures)
        try:
            while pending:
                done, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
                for future in done:
                    future.result()  # a job's error ends the run here
                if progress is not None:
                    progress(sum(shares) / len(jobs))
            runs = [future.result() for future in futures]
        finally:
            stopped.set()  # after a failure (or a page that stopped the run): stop the rest
            for future in futures:
                future.cancel()
    per_strategy: list[list[StrategyRun]] = [[] for _ in strategies]
    for (_, index), run in zip(jobs, runs, strict=True):
        per_strategy[index].append(run)
    return [StrategyRun.joined(one) for one in per_strategy]


class _Stopped(Exception):
    """A job told to stop because the run it belongs to ended early."""


def _warm(context: RankingContext, strategies: Sequence[Strategy]) -> None:
    """Fill the context's lazy caches the jobs read: the item norms, the cosine matrix the
    users' boredom and the slates' diversity read, and each diverse strategy's matrix."""
    context.item_norms  # noqa: B018 (computed on first use)
    context.pair_matrix("cosine")
    for strategy in strategies:
        if strategy.diversity != "none":
            context.pair_similarity(strategy.similarity)

"""Offline evaluation: every strategy replayed on a simulated log split by time.

1. **A fresh log.** ``n_users`` simulated users (``recsys.simulation``) meet the
   ``LOGGING_POLICY`` for ``rounds`` rounds: the items nearest their stated interests, half the
   slots random, exactly as the shipped interaction log was made. All randomness comes from
   the caller's ``rng``; ``evaluation_rng(seed)`` seeds it from ``[seed, EVALUATION_STREAM]``,
   a stream the log generator (``[LOG_SEED, 0]``, ``[LOG_SEED, 1]``) never uses, so whatever
   the seed, these are *different people* from the users collaborative filtering and
   popularity were fitted on: built on the same personas, but with their own noise, second
   personas and choices. CF is tested on users it never saw.
2. **The time split.** With T rounds and cut c = round(``train_share`` * T) (default 21 of
   30), rounds 1..c are each user's history; the user's relevant set is
   R_u = {items thumbed up in rounds c+1..T}, the held-out likes. A user consumes an item at
   most once, so no held-out item is in the history. Users with R_u empty (no later like, or
   gone before the cut) cannot be scored and are skipped, and counted.
3. **The state at the cut**, rebuilt as the app would hold it after those c rounds: the
   interest vector u replays the history's thumbs in order (``recsys.profile``: up
   u <- normalise(u + a (x - u)), down u <- normalise(u - b (x - u)), a, b from
   ``ProfileSettings``), starting from the stated-interest vector c_u; the ranking query is
   q = normalise((1 - rho) u + rho c_u) for a strategy that learns, c_u for one that does not;
   the feedback row is the history's thumbs (+1/-1); the eligible items are those not
   consumed (clicked) before the cut; the Thompson window is the last ``THOMPSON_WINDOW``
   rated items, most recent last.
4. **Lists and metrics.** Each strategy's ranker (``build_ranker``: on a catalogue without a
   log, CF and popularity fall back to content) makes top-k lists for all evaluated users in one
   batched call; every strategy draws from a fresh generator with the same seed, itself drawn
   from ``rng`` (common random numbers). ``recsys.metrics.evaluate_lists`` scores the lists
   against R_u: precision, recall, F1, NDCG (binary gains), MRR and hit rate at k, averaged
   over the evaluated users; catalogue coverage; intra-list diversity 1 - mean pairwise
   cosine; and novelty, the mean -log2 p_i with p_i the share of *all* evaluation users who
   clicked item i before the cut. Novelty's popularity comes from this log's training part,
   not from the CF log: it is what the evaluation knew at the cut, with no peeking at the
   held-out rounds, and it exists for an uploaded catalogue too.

**The known bias.** The held-out likes were chosen from slates the logging policy showed
(interest text only, half random). An item it never showed can never be relevant, however
good it is, so strategies that resemble the logging policy, above all "Static (interest text
only)", are favoured offline, and strategies that move away from the interest text (learning,
exploring, diversifying, popularity) are judged on the logging policy's terms. This is the
exposure bias of offline evaluation on logged data; the Simulation Lab exists because it
lets each strategy choose what its simulated users see (online, in simulation).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from recsys.catalog import Catalogue
from recsys.context import RankingContext
from recsys.interactions import LOGGING_POLICY
from recsys.metrics import evaluate_lists
from recsys.profile import ProfileSettings
from recsys.ranker import build_ranker
from recsys.simulation.environment import LabSettings, Streams, simulate
from recsys.simulation.personas import PersonaVectors
from recsys.simulation.state import RecommenderState
from recsys.simulation.users import UserParameters, make_population
from recsys.strategy import PRESETS, Strategy

_log = logging.getLogger(__name__)

EVALUATION_STREAM = 4099  # keeps the evaluation's random streams apart from the shipped log's
METRIC_COLUMNS = (
    "precision",
    "recall",
    "f1",
    "ndcg",
    "mrr",
    "hit_rate",
    "coverage",
    "diversity",
    "novelty",
)
"""The table's columns, in order (module docstring, 4); on every one a higher value is more
of what it measures."""


@dataclass(frozen=True)
class EvaluationSettings:
    """``n_users`` simulated users over ``rounds`` rounds of ``slate_size`` items shown by
    the logging policy; the first ``train_share`` of the rounds are history; lists of ``k``;
    ``profile`` rates a, b, rho for the rebuilt interest vectors."""

    n_users: int = 300
    rounds: int = 30
    train_share: float = 0.7
    k: int = 10
    slate_size: int = 10
    profile: ProfileSettings = field(default_factory=ProfileSettings)

    def __post_init__(self) -> None:
        if self.n_users < 1 or self.k < 1 or self.slate_size < 1:
            raise ValueError("users, k and the slate size must each be at least 1")
        if self.rounds < 2:
            raise ValueError("a time split needs at least 2 rounds")
        if not 0.0 < self.train_share < 1.0:
            raise ValueError(f"train_share must be between 0 and 1, got {self.train_share}")

    @property
    def train_rounds(self) -> int:
        """The cut c = round(train_share * rounds), kept within 1..rounds - 1."""
        return min(self.rounds - 1, max(1, round(self.train_share * self.rounds)))


@dataclass(frozen=True)
class EvaluationLog:
    """m users' rounds: ``stated`` (m, dim) unit rows, what each typed; ``chosen`` (T, m)
    item clicked in each round or -1; ``thumbs`` (T, m) +1, -1 or 0; ``phrases`` (m, J, dim)
    and ``phrase_present`` (m, J) what each typed interest by interest (None: one)."""

    stated: NDArray[np.float32]
    chosen: NDArray[np.intp]
    thumbs: NDArray[np.int8]
    phrases: NDArray[np.float32] | None = None
    phrase_present: NDArray[np.bool_] | None = None


@dataclass(frozen=True)
class StatesAtCut:
    """Every log user's state after the first ``train_rounds`` rounds (module docstring, 3):
    ``recommender`` what the recommender knows (interest vectors, thumbs, recent window),
    ``eligible`` (m, n) items not consumed; ``held_out`` (m, n) True for an item liked after
    the cut (the relevant set R_u)."""

    train_rounds: int
    recommender: RecommenderState
    eligible: NDArray[np.bool_]
    held_out: NDArray[np.bool_]

    @property
    def evaluated(self) -> NDArray[np.intp]:
        """Rows of the users with at least one held-out like."""
        return np.flatnonzero(self.held_out.any(axis=1))


@dataclass(frozen=True)
class OfflineEvaluation:
    """``table``: one row per strategy (index ``strategy``), columns ``METRIC_COLUMNS``;
    ``users`` evaluated, ``skipped`` without a held-out like; the cut and the rounds."""

    table: pd.DataFrame
    users: int
    skipped: int
    train_rounds: int
    rounds: int


def evaluation_rng(seed: int) -> np.random.Generator:
    """The generator an evaluation with ``seed`` runs on (apart from the shipped log's)."""
    return np.random.default_rng([seed, EVALUATION_STREAM])


def simulate_log(
    context: RankingContext,
    quality: NDArray[np.float64],
    personas: PersonaVectors,
    settings: EvaluationSettings,
    rng: np.random.Generator,
    params: UserParameters | None = None,
) -> EvaluationLog:
    """A fresh log of ``settings.n_users`` users meeting the logging policy; ``quality``
    (n,) in [0, 1]."""
    params = params or UserParameters()
    population = make_population(personas, context.item_vectors, settings.n_users, params, rng)
    stated = population.stated.copy()
    phrases = None if population.phrases is None else population.phrases.copy()
    present = None if population.phrase_present is None else population.phrase_present.copy()
    lab = LabSettings(
        n_users=settings.n_users,
        rounds=settings.rounds,
        slate_size=settings.slate_size,
        profile=settings.profile,
    )
    streams = Streams(*rng.spawn(2))  # users, ranker
    run = simulate(LOGGING_POLICY, context, population, quality, lab, params, streams)
    return EvaluationLog(stated, run.chosen, run.thumbs, phrases, present)


def states_at_cut(
    log: EvaluationLog,
    item_vectors: NDArray[np.float32],
    train_rounds: int,
    profile: ProfileSettings,
) -> StatesAtCut:
    """Replay the first ``train_rounds`` rounds of ``log`` as the app would (module docstring,
    3), and collect the likes of the rounds after them. ``item_vectors`` (n, dim) unit rows."""
    rounds, m = log.chosen.shape
    if not 1 <= train_rounds < rounds:
        raise ValueError(f"the cut must leave history and held-out rounds, got {train_rounds}")
    n = len(item_vectors)
    state = RecommenderState.start(log.stated, n, log.phrases, log.phrase_present)
    consumed = np.zeros((m, n), dtype=bool)
    for t in range(train_rounds):
        chosen, thumbs = log.chosen[t], log.thumbs[t]
        clicked = np.flatnonzero(chosen >= 0)
        consumed[clicked, chosen[clicked]] = True
        state.record(chosen, thumbs, item_vectors, profile)
    held_out = np.zeros((m, n), dtype=bool)
    later, users = np.nonzero(log.thumbs[train_rounds:] > 0)
    held_out[users, log.chosen[train_rounds:][later, users]] = True
    return StatesAtCut(train_rounds, state, ~consumed, held_out)


def top_k_lists(
    strategy: Strategy,
    context: RankingContext,
    states: StatesAtCut,
    users: NDArray[np.intp],
    settings: EvaluationSettings,
    rng: np.random.Generator,
) -> NDArray[np.intp]:
    """(len(users), min(k, n)) item rows, -1 padded: one batched ranker call for ``users``."""
    if len(users) == 0:
        return np.empty((0, settings.k), dtype=np.intp)
    request = states.recommender.request(
        strategy, states.eligible[users], settings.profile.anchor_weight, users
    )
    # No list can be longer than the catalogue.
    k = min(settings.k, context.n_items)
    return build_ranker(strategy, context)(request, k, rng, mark_exploring=False).positions


def evaluate_strategies(
    log: EvaluationLog,
    catalogue: Catalogue,
    context: RankingContext,
    settings: EvaluationSettings,
    rng: np.random.Generator,
    strategies: Sequence[Strategy] | None = None,
) -> OfflineEvaluation:
    """Score ``strategies`` (default: every preset) on ``log`` split at
    ``settings.train_rounds`` (module docstring, 2-4). The same inputs give the same table."""
    strategies = list(PRESETS.values()) if strategies is None else list(strategies)
    states = states_at_cut(log, context.item_vectors, settings.train_rounds, settings.profile)
    users = states.evaluated
    ids = np.asarray(catalogue.item_ids)
    relevant = {str(u): ids[np.flatnonzero(states.held_out[u])].tolist() for u in users}
    clicked_before = ~states.eligible
    shares = clicked_before.mean(axis=0)
    popularity = {item: float(share) for item, share in zip(ids, shares, strict=True)}
    vectors = dict(zip(ids, context.item_vectors, strict=True))
    ranking_seed = int(rng.integers(2**63))
    rows = {}
    for strategy in strategies:
        lists = top_k_lists(
            strategy,
            context,
            states,
            users,
            settings,
            np.random.default_rng(ranking_seed),
        )
        recommended = {
            str(u): ids[row[row >= 0]].tolist() for u, row in zip(users, lists, strict=True)
        }
        scores = evaluate_lists(
            recommended,
            relevant,
            settings.k,
            n_items=len(ids),
            popularity=popularity,
            n_users=len(clicked_before),
            item_vectors=vectors,
        )
        rows[strategy.name] = [scores[column] for column in METRIC_COLUMNS]
    table = pd.DataFrame.from_dict(rows, orient="index", columns=list(METRIC_COLUMNS))
    table.index.name = "strategy"
    skipped = len(clicked_before) - len(users)
    _log.info("offline evaluation: %d users scored, %d skipped", len(users), skipped)
    return OfflineEvaluation(
        table=table,
        users=len(users),
        skipped=skipped,
        train_rounds=settings.train_rounds,
        rounds=settings.rounds,
    )


def offline_evaluation(
    catalogue: Catalogue,
    context: RankingContext,
    personas: PersonaVectors,
    settings: EvaluationSettings,
    rng: np.random.Generator,
    strategies: Sequence[Strategy] | None = None,
    params: UserParameters | None = None,
) -> OfflineEvaluation:
    """Simulate a fresh log for ``catalogue`` and score every strategy on it (steps 1-4).
    The same ``rng`` state (``evaluation_rng(seed)``) gives the same table."""
    quality = catalogue.items["quality"].to_numpy(dtype=np.float64)
    log = simulate_log(context, quality, personas, settings, rng, params)
    return evaluate_strategies(log, catalogue, context, settings, rng, strategies)

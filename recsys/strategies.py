"""Strategies: one function turns a named preset into the ranker the app and the simulation use.

A ranker scores every item for each of m users as a weighted sum of normalised components
(the hybrid of Burke 2002 and of the product's literature, y = sum_c beta_c f_c(x))::

    final_u(i) = sum_c beta_c * norm_u(f_c(u, i)) / sum_c beta_c,   c in {content, cf,
                                                                     popularity, hook}

where ``norm_u`` rescales a component min-max over the items user u may be shown, so every
component lies in [0, 1] and ``final`` does too; a component that is constant there becomes 0.
The components:

- content: similarity of item i to the user's ranking query (``recsys.ranking.similarity``);
- cf: item-based collaborative filtering from the user's thumbs (``recsys.collaborative``);
  with no thumbs yet, the ``CF_SEED_ITEMS`` items nearest the query stand in as likes (cold
  start, reported per user);
- popularity: thumbs-up in the interaction log, log-scaled;
- hook: the item's click appeal (only the click-maximiser uses it).

Then: the ``candidates`` best by ``final`` are re-ranked for diversity (MMR or DPP, with
``final`` as relevance), and exploration may swap in items (epsilon-greedy) or rank by a query
drawn around the profile (Thompson). A "Random" ranker orders eligible items at random.
The same code serves m = 1 (a visitor) and m = 200 (a simulated population).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from recsys.collaborative import CollaborativeModel, item_based_scores, user_based_scores
from recsys.diversify import dpp_rerank, mmr_rerank
from recsys.explore import epsilon_greedy, thompson_queries
from recsys.profile import ranking_queries
from recsys.ranking import SIMILARITY_LABELS, Similarity, similarity, top_k_rows

COMPONENTS = ("content", "cf", "popularity", "hook")
COMPONENT_LABELS = {
    "content": "Content",
    "cf": "Collaborative",
    "popularity": "Popularity",
    "hook": "Click appeal",
}
CF_SEED_ITEMS = 5
THOMPSON_WINDOW = 30  # the most recent ratings the Thompson posterior conditions on
MAX_PRECOMPUTED_SIMILARITY = 6000  # items; above this, diversity computes similarities per pick

Diversity = Literal["none", "mmr", "dpp"]
Exploration = Literal["off", "epsilon", "thompson"]
CfMethod = Literal["item-cosine", "item-pearson", "user"]


@dataclass(frozen=True)
class Strategy:
    """Everything that decides a list, apart from the user. Weights are beta_c >= 0.

    ``learns``: rank by the profile's query (thumbs move it) or by the interest text alone.
    ``order``: "score" ranks by the hybrid, "random" shuffles the eligible items.
    ``diversity_lambda``: MMR/DPP trade-off, 1 = plain ranking. ``epsilon``: share of slots
    epsilon-greedy gives to random items. ``thompson_scale``: prior standard deviation sigma0
    of the Thompson draw. ``candidates``: how many top items diversity chooses from."""

    name: str = "Custom"
    learns: bool = True
    order: Literal["score", "random"] = "score"
    content_weight: float = 1.0
    cf_weight: float = 0.0
    popularity_weight: float = 0.0
    hook_weight: float = 0.0
    similarity: Similarity = "cosine"
    cf_method: CfMethod = "item-cosine"
    diversity: Diversity = "none"
    diversity_lambda: float = 0.7
    exploration: Exploration = "off"
    epsilon: float = 0.1
    thompson_scale: float = 0.08
    candidates: int = 200

    def __post_init__(self) -> None:
        weights = (self.content_weight, self.cf_weight, self.popularity_weight, self.hook_weight)
        if min(weights) < 0:
            raise ValueError("component weights must be >= 0")
        if self.order == "score" and sum(weights) == 0:
            raise ValueError("at least one component weight must be positive")
        if not 0.0 <= self.diversity_lambda <= 1.0 or not 0.0 <= self.epsilon <= 1.0:
            raise ValueError("lambda and epsilon must be in [0, 1]")

    @property
    def weights(self) -> dict[str, float]:
        return {
            "content": self.content_weight,
            "cf": self.cf_weight,
            "popularity": self.popularity_weight,
            "hook": self.hook_weight,
        }

    def describe(self) -> str:
        """One line for a page: what this strategy does."""
        if self.order == "random":
            return "Random order of the items you have not rated."
        parts = [
            f"{self.weights[c]:g} × {COMPONENT_LABELS[c].lower()}"
            for c in COMPONENTS
            if self.weights[c] > 0
        ]
        text = " + ".join(parts) + f" ({SIMILARITY_LABELS[self.similarity]})"
        text += "; learns from thumbs" if self.learns else "; interest text only"
        if self.diversity != "none":
            text += f"; {self.diversity.upper()} λ = {self.diversity_lambda:g}"
        if self.exploration == "epsilon":
            text += f"; ε-greedy ε = {self.epsilon:g}"
        elif self.exploration == "thompson":
            text += f"; Thompson σ0 = {self.thompson_scale:g}"
        return text


PRESETS: dict[str, Strategy] = {
    strategy.name: strategy
    for strategy in (
        Strategy("Static (interest text only)", learns=False),
        Strategy("Adaptive (feedback)"),
        Strategy("Adaptive + diverse", diversity="mmr", diversity_lambda=0.7),
        Strategy("Adaptive + explore", exploration="thompson"),
        Strategy("Hybrid (CF + content)", content_weight=0.6, cf_weight=0.3, popularity_weight=0.1),
        Strategy("Popular", learns=False, content_weight=0.0, popularity_weight=1.0),
        Strategy("Random", learns=False, order="random", content_weight=0.0),
        # Learns from thumbs like Adaptive, but gives click appeal as much weight as taste.
        Strategy("Click-maximiser", content_weight=0.5, hook_weight=0.5),
    )
}
VISITOR_DEFAULT = "Adaptive (feedback)"


@dataclass(frozen=True)
class RankingContext:
    """What every ranker of one catalogue shares, read-only: ``item_vectors`` (n, dim) unit
    rows, ``hook`` (n,) click appeal in [0, 1], ``popularity`` (n,) in [0, 1] or None, and the
    fitted collaborative models by ``CfMethod`` (None for a catalogue without a log)."""

    item_vectors: NDArray[np.float32]
    hook: NDArray[np.float64]
    popularity: NDArray[np.float64] | None = None
    collaborative: dict[str, CollaborativeModel] | None = None
    _similarities: dict[str, NDArray[np.float32]] = dataclasses.field(
        default_factory=dict, repr=False, compare=False
    )

    @property
    def n_items(self) -> int:
        return len(self.item_vectors)

    @property
    def has_log(self) -> bool:
        return self.collaborative is not None

    def pair_matrix(self, measure: Similarity) -> NDArray[np.float32]:
        """(n, n) item-item similarity under ``measure``, computed on first use."""
        if measure not in self._similarities:
            vectors = self.item_vectors
            self._similarities[measure] = similarity(vectors, vectors, measure)
        return self._similarities[measure]

    def pair_similarity(self, measure: Similarity) -> Callable[[NDArray, NDArray], NDArray]:
        """sim(picked (m,), candidates (m, C)) -> (m, C) under ``measure``: a gather from
        ``pair_matrix``, or computed per call for catalogues too large for an (n, n) matrix."""
        vectors = self.item_vectors
        if self.n_items <= MAX_PRECOMPUTED_SIMILARITY:
            matrix = self.pair_matrix(measure)
            return lambda picked, candidates: matrix[picked[:, None], candidates]

        def computed(picked: NDArray, candidates: NDArray) -> NDArray:
            return np.stack(
                [
                    similarity(vectors[row], vectors[one][None, :], measure)[:, 0]
                    for one, row in zip(picked, candidates, strict=True)
                ]
            )

        return computed


@dataclass(frozen=True)
class SlateRequest:
    """m users asking for lists: ``queries`` (m, dim) unit rows (the profile's ranking query,
    or the interest text alone for a strategy that does not learn); ``feedback`` (m, n) sparse,
    +1 liked, -1 disliked; ``eligible`` (m, n) bool; ``rated_positions`` (m, t) the most recent
    rated items, -1 padded (Thompson's posterior). ``feedback`` may be dense: it becomes sparse
    only where CF needs it."""

    queries: NDArray[np.float32]
    feedback: sparse.csr_matrix | NDArray[np.float32]
    eligible: NDArray[np.bool_]
    rated_positions: NDArray[np.intp]


@dataclass(frozen=True)
class Slates:
    """The lists: ``positions`` (m, k) item rows best first, -1 where a user has fewer eligible
    items; ``scores`` (m, k) the hybrid score; ``contributions`` (m, k, 4) each component's
    share beta_c * norm(f_c) / sum(beta), summing to ``scores``; ``similarity`` (m, k) the raw
    content similarity; ``exploring`` (m, k) slots put there by exploration;
    ``cf_cold_start`` (m,) users whose CF was seeded from their words."""

    positions: NDArray[np.intp]
    scores: NDArray[np.float64]
    contributions: NDArray[np.float64]
    similarity: NDArray[np.float64]
    exploring: NDArray[np.bool_]
    cf_cold_start: NDArray[np.bool_]


def minmax_over(values: NDArray[np.floating], eligible: NDArray[np.bool_]) -> NDArray[np.float64]:
    """Rescale each row of (m, n) ``values`` (or one (1, n) row for everyone) to [0, 1] over
    its eligible entries; rows constant there give 0. Ineligible entries are rescaled too
    (they may fall outside [0, 1]). Returns (m, n)."""
    values = np.broadcast_to(np.asarray(values, dtype=np.float64), eligible.shape)
    low = np.min(values, axis=1, where=eligible, initial=np.inf, keepdims=True)
    high = np.max(values, axis=1, where=eligible, initial=-np.inf, keepdims=True)
    spread = high - low
    ok = np.isfinite(spread) & (spread > 1e-12)
    scaled = (values - np.where(ok, low, 0.0)) / np.where(ok, spread, 1.0)
    return np.where(ok, scaled, 0.0)


class Ranker:
    """A strategy bound to a catalogue's context; call it with a request for (m, k) slates."""

    def __init__(self, strategy: Strategy, context: RankingContext) -> None:
        self.strategy = strategy
        self.context = context

    def components(
        self, queries: NDArray[np.float32], request: SlateRequest
    ) -> tuple[dict[str, NDArray[np.float64]], NDArray[np.float32], NDArray[np.bool_]]:
        """The normalised (m, n) component of every positive weight, the (m, n) raw content
        similarity, and (m,) CF cold start."""
        strategy, context = self.strategy, self.context
        m, n = request.eligible.shape
        content = similarity(context.item_vectors, queries, strategy.similarity).T
        weights = strategy.weights
        parts = {}
        if weights["content"] > 0:
            parts["content"] = minmax_over(content, request.eligible)
        cold = np.zeros(m, dtype=bool)
        if weights["cf"] > 0 and context.collaborative is not None:
            feedback, cold = self._cf_feedback(request, content)
            if strategy.cf_method == "user":
                cf = user_based_scores(context.collaborative["user"], feedback)
            else:
                cf = item_based_scores(context.collaborative[strategy.cf_method], feedback)
            parts["cf"] = minmax_over(cf, request.eligible)
        if weights["popularity"] > 0 and context.popularity is not None:
            parts["popularity"] = minmax_over(context.popularity[None, :], request.eligible)
        if weights["hook"] > 0:
            parts["hook"] = minmax_over(context.hook[None, :], request.eligible)
        return parts, content, cold

    def _cf_feedback(
        self, request: SlateRequest, content: NDArray[np.float32]
    ) -> tuple[sparse.csr_matrix, NDArray[np.bool_]]:
        """The users' thumbs; users without any get their CF_SEED_ITEMS nearest items as likes."""
        feedback = sparse.csr_matrix(request.feedback, dtype=np.float32)
        cold = np.diff(feedback.indptr) == 0
        if not cold.any():
            return feedback, cold
        rows = np.flatnonzero(cold)
        seeds = top_k_rows(content[rows], request.eligible[rows], CF_SEED_ITEMS)
        seed_rows, seed_cols = np.nonzero(seeds >= 0)
        seeded = sparse.csr_matrix(
            (np.ones(seed_rows.size, np.float32), (rows[seed_rows], seeds[seed_rows, seed_cols])),
            shape=feedback.shape,
        )
        return (feedback + seeded).tocsr(), cold

    def _slates(
        self, queries: NDArray[np.float32], request: SlateRequest, k: int
    ) -> tuple[NDArray[np.intp], dict[str, NDArray[np.float64]], NDArray, NDArray[np.bool_]]:
        """Slates (m, k) and, for every active component, its weighted (m, n) contribution."""
        strategy = self.strategy
        parts, content, cold = self.components(queries, request)
        total = sum(strategy.weights.values())
        contributions = {c: part * (strategy.weights[c] / total) for c, part in parts.items()}
        final = functools.reduce(np.add, contributions.values())
        wanted = k if strategy.diversity == "none" else max(strategy.candidates, k)
        candidates = top_k_rows(final, request.eligible, wanted)
        relevance = np.take_along_axis(final, np.maximum(candidates, 0), axis=1)
        if strategy.diversity == "mmr":
            pair = self.context.pair_similarity(strategy.similarity)
            positions = mmr_rerank(candidates, relevance, pair, k, strategy.diversity_lambda)
        elif strategy.diversity == "dpp":  # needs a PSD kernel: the cosine Gram matrix
            pair = self.context.pair_similarity("cosine")
            positions = dpp_rerank(candidates, relevance, pair, k, strategy.diversity_lambda)
        else:
            positions = candidates[:, :k]
        return positions, contributions, content, cold

    def __call__(
        self, request: SlateRequest, k: int, rng: np.random.Generator, mark_exploring: bool = True
    ) -> Slates:
        """(m, k) slates for ``request``. ``mark_exploring=False`` skips working out which
        Thompson slots differ from the unexplored list and reordering the others to read best
        first: the same items, in the draw's order (the simulated users have no position
        bias, so a simulation loses nothing)."""
        strategy = self.strategy
        m, n = request.eligible.shape
        if strategy.order == "random":
            positions = top_k_rows(rng.random((m, n)), request.eligible, k)
            empty = np.zeros(positions.shape)
            return Slates(
                positions,
                empty,
                np.zeros((*positions.shape, len(COMPONENTS))),
                empty,
                np.zeros(positions.shape, dtype=bool),
                np.zeros(m, dtype=bool),
            )
        thompson = strategy.exploration == "thompson"
        if thompson and not mark_exploring:
            positions = np.full((m, k), -1, dtype=np.intp)
            contributions, content, cold = {}, None, np.zeros(m, dtype=bool)
        else:
            positions, contributions, content, cold = self._slates(request.queries, request, k)
        exploring = np.zeros(positions.shape, dtype=bool)
        if strategy.exploration == "epsilon":
            positions, exploring = epsilon_greedy(
                positions, request.eligible, strategy.epsilon, rng
            )
        elif strategy.exploration == "thompson":
            rated = request.rated_positions
            drawn = thompson_queries(
                request.queries,
                self.context.item_vectors[np.maximum(rated, 0)],
                rated >= 0,
                rng,
                prior_scale=strategy.thompson_scale,
            )
            greedy = positions
            positions, explored, drawn_content, cold = self._slates(drawn, request, k)
            if mark_exploring:
                exploring = (positions >= 0) & ~(positions[:, :, None] == greedy[:, None, :]).any(2)
                positions = _greedy_order_around(positions, exploring, greedy)
            else:  # scores under the drawn query: nothing is shown, only the list matters
                contributions, content = explored, drawn_content
                exploring = np.zeros(positions.shape, dtype=bool)
        safe = np.maximum(positions, 0)
        filled = positions >= 0
        picked = np.zeros((*positions.shape, len(COMPONENTS)))
        for index, component in enumerate(COMPONENTS):
            if component in contributions:
                values = np.take_along_axis(contributions[component], safe, axis=1)
                picked[:, :, index] = np.where(filled, values, 0.0)
        return Slates(
            positions=positions,
            scores=picked.sum(axis=2),
            contributions=picked,
            similarity=np.where(filled, np.take_along_axis(content, safe, axis=1), 0.0),
            exploring=exploring & filled,
            cf_cold_start=cold,
        )


def without_log(strategy: Strategy) -> Strategy:
    """The strategy for a catalogue with no interaction log: no CF and no popularity (there
    is nothing to learn them from); a strategy left with no component ranks by content."""
    if strategy.cf_weight == 0 and strategy.popularity_weight == 0:
        return strategy
    content = strategy.content_weight
    if content + strategy.hook_weight == 0:
        content = 1.0
    return dataclasses.replace(
        strategy, content_weight=content, cf_weight=0.0, popularity_weight=0.0
    )


def _greedy_order_around(
    drawn: NDArray[np.intp], exploring: NDArray[np.bool_], greedy: NDArray[np.intp]
) -> NDArray[np.intp]:
    """The Thompson list as a visitor reads it: exploring items stay in the slots the draw
    gave them, and the other slots hold the remaining items in the unexplored list's order
    (so their scores read best first). The set of items is the draw's; (m, k) each."""
    result = drawn.copy()
    for row in range(len(drawn)):
        kept = set(drawn[row][~exploring[row]].tolist())
        ordered = [item for item in greedy[row].tolist() if item in kept]
        result[row, ~exploring[row]] = ordered + [-1] * (
            int((~exploring[row]).sum()) - len(ordered)
        )
    return result


def strategy_on(strategy: Strategy, context: RankingContext) -> Strategy:
    """``strategy`` as it runs on ``context``: on a catalogue without a log, CF and
    popularity drop out (``without_log``). A page describing the score asks this too."""
    return strategy if context.has_log else without_log(strategy)


def build_ranker(strategy: Strategy | str, context: RankingContext) -> Ranker:
    """The ranker for a preset name or a ``Strategy``: the one entry point the Recommend page
    and the simulation share. It ranks by ``strategy_on(strategy, context)``."""
    if isinstance(strategy, str):
        strategy = PRESETS[strategy]
    return Ranker(strategy_on(strategy, context), context)


def queries_for(
    strategy: Strategy,
    interests: NDArray[np.float32],
    anchors: NDArray[np.float32],
    anchor_weight: float,
) -> NDArray[np.float32]:
    """The (m, dim) vectors a strategy ranks by: the learned query
    q = normalise((1 - rho) u + rho c) (``recsys.profile``), or the interest text c alone for
    a strategy that does not learn. ``interests`` u and ``anchors`` c are (m, dim)."""
    if not strategy.learns:
        return anchors
    return ranking_queries(interests, anchors, anchor_weight)

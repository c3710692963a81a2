"""The ranker: a strategy bound to a catalogue's context, scoring m users at once.

For each of m users the ranker scores every item (``recsys.strategy``)::

    final_u(i) = sum_c beta_c * norm_u(f_c(u, i)) / sum_c beta_c

where ``norm_u`` (``recsys.ranking.minmax_over``) rescales a component min-max over the items
user u may be shown, so every component lies in [0, 1] and ``final`` does too; a component
that is constant there becomes 0. The components:

- content: similarity of item i to the user's ranking query (``recsys.ranking.similarity``);
- cf: item-based collaborative filtering from the user's thumbs (``recsys.collaborative``);
  until the user has ``CF_SEED_UNTIL`` thumbs, the ``CF_SEED_ITEMS`` eligible items nearest
  the query are added as likes (cold start, reported per user), so the first thumb joins
  them instead of replacing five likes with one;
- popularity: thumbs-up in the interaction log, log-scaled;
- hook: the item's click appeal.

A strategy with ``order`` "click" (the Click-maximiser) ranks instead by the predicted click
probability of the learned click model (``recsys.click_model``) on the raw content match, CF
score, popularity and hook (``Ranker.click_scores``); the card's score is that probability.

Then: the ``candidates`` best by ``final`` (``recsys.ranking.top_k_rows``) are re-ranked for
diversity (MMR or DPP, with ``final`` as relevance), and exploration may swap in items
(epsilon-greedy) or rank by a query drawn around the profile (Thompson). A "Random" ranker
orders eligible items at random. The same code serves m = 1 (a visitor) and m = 200 (a
simulated population).
"""

from __future__ import annotations

import dataclasses
import functools

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from recsys.click_model import feature_matrix, predict_proba
from recsys.collaborative import item_based_scores
from recsys.context import RankingContext
from recsys.diversify import mmr_rerank
from recsys.dpp import dpp_rerank
from recsys.explore import epsilon_greedy, thompson_queries
from recsys.lexical import fused_match
from recsys.multi_interest import allocate, compose
from recsys.neighbours import user_based_scores
from recsys.ranking import minmax_over, top_k_rows
from recsys.slates import SlateRequest, Slates
from recsys.strategy import COMPONENTS, PRESETS, Strategy, strategy_on

CF_SEED_ITEMS = 5
CF_SEED_UNTIL = 3  # real thumbs after which the seed likes are dropped
THOMPSON_WINDOW = 30  # the most recent ratings the Thompson posterior conditions on


class Ranker:
    """A strategy bound to a catalogue's context; call it with a request for (m, k) slates."""

    def __init__(self, strategy: Strategy, context: RankingContext) -> None:
        self.strategy = strategy
        self.context = context
        self._last: tuple[dict[bytes, int], NDArray[np.float32]] = ({}, np.zeros((0, 0)))
        self._single: Ranker | None = None

    def content(self, queries: NDArray[np.floating]) -> NDArray[np.float32]:
        """(m, dim) queries -> (m, n) content similarity under the strategy's measure. A row
        whose query equals one of the previous call's is copied from it: the lab asks every
        round for every user, and most users' queries have not moved since (a user who gave
        no thumb, a strategy that ranks by the typed text, the interests a thumb missed)."""
        queries = np.ascontiguousarray(queries, dtype=np.float32)
        keys = [row.tobytes() for row in queries]
        known, previous = self._last
        rows = np.array([known.get(key, -1) for key in keys], dtype=np.intp)
        fresh = rows < 0
        if len(rows) and len(rows) == len(previous) and (rows == np.arange(len(rows))).all():
            return previous  # the very queries of the last call (a strategy that cannot learn)
        if fresh.all():
            content = self.context.content_similarity(queries, self.strategy.similarity)
        else:
            content = np.empty((len(queries), self.context.n_items), dtype=np.float32)
            content[~fresh] = previous[rows[~fresh]]
            if fresh.any():
                measure = self.strategy.similarity
                content[fresh] = self.context.content_similarity(queries[fresh], measure)
        self._last = (dict(zip(keys, range(len(keys)), strict=True)), content)
        return content

    def components(
        self, queries: NDArray[np.float32], request: SlateRequest
    ) -> tuple[dict[str, NDArray[np.float32]], NDArray[np.float32], NDArray[np.bool_]]:
        """The normalised (m, n) component of every positive weight, the (m, n) raw content
        similarity, and (m,) CF cold start."""
        context, weights = self.context, self.strategy.weights
        content, cf, cold = self.raw_scores(queries, request, with_cf=weights["cf"] > 0)
        parts = {}
        if weights["content"] > 0:
            parts["content"] = minmax_over(content, request.eligible)
        if cf is not None:
            parts["cf"] = minmax_over(cf, request.eligible)
        if weights["popularity"] > 0 and context.popularity is not None:
            parts["popularity"] = minmax_over(context.popularity[None, :], request.eligible)
        if weights["hook"] > 0:
            parts["hook"] = minmax_over(context.hook[None, :], request.eligible)
        return parts, content, cold

    def raw_scores(
        self, queries: NDArray[np.float32], request: SlateRequest, with_cf: bool
    ) -> tuple[NDArray[np.float32], NDArray[np.float64] | None, NDArray[np.bool_]]:
        """The (m, n) raw content match (lexical words fused in), the (m, n) raw CF scores
        (None unless ``with_cf`` and the context has a log), and (m,) CF cold start."""
        strategy, context = self.strategy, self.context
        content = self.content(queries)
        if request.lexical is not None:  # exact words count, on the same fixed scale
            content = fused_match(content, request.lexical)
        cold = np.zeros(len(queries), dtype=bool)
        if not with_cf or context.collaborative is None:
            return content, None, cold
        feedback, cold = self._cf_feedback(request, content)
        if strategy.cf_method == "user":
            cf = user_based_scores(context.collaborative["user"], feedback)
        else:
            cf = item_based_scores(context.collaborative[strategy.cf_method], feedback)
        return content, cf, cold

    def click_scores(
        self, queries: NDArray[np.float32], request: SlateRequest
    ) -> tuple[NDArray[np.float64], NDArray[np.float32], NDArray[np.bool_]]:
        """(m, n) predicted click probabilities (``recsys.click_model``), the raw content
        match and cold start. The model without CF and popularity serves a catalogue without
        a log (``Strategy.click_uses_log`` False)."""
        context = self.context
        model = context.click_model.for_log(context.has_log and self.strategy.click_uses_log)
        content, cf, cold = self.raw_scores(queries, request, with_cf="cf" in model.features)
        columns = {"content": content, "cf": cf, "hook": context.hook[None, :]}
        columns["popularity"] = None if context.popularity is None else context.popularity[None]
        return predict_proba(model, feature_matrix(columns, model.features)), content, cold

    def _cf_feedback(
        self, request: SlateRequest, content: NDArray[np.float32]
    ) -> tuple[sparse.csr_matrix, NDArray[np.bool_]]:
        """The users' thumbs; users with fewer than ``CF_SEED_UNTIL`` get their CF_SEED_ITEMS
        nearest eligible items added as likes (their own thumbs are never overwritten)."""
        feedback = sparse.csr_matrix(request.feedback, dtype=np.float32)
        feedback.eliminate_zeros()
        cold = np.diff(feedback.indptr) < CF_SEED_UNTIL
        if not cold.any():
            return feedback, cold
        rows = np.flatnonzero(cold)
        seeds = top_k_rows(content[rows], request.eligible[rows], CF_SEED_ITEMS)
        seed_rows, seed_cols = np.nonzero(seeds >= 0)
        seeded = sparse.csr_matrix(
            (np.ones(seed_rows.size, np.float32), (rows[seed_rows], seeds[seed_rows, seed_cols])),
            shape=feedback.shape,
        )
        seeded = seeded - seeded.multiply(abs(feedback))  # never over a thumb the user gave
        seeded.eliminate_zeros()
        return (feedback + seeded).tocsr(), cold

    def _slates(
        self, queries: NDArray[np.float32], request: SlateRequest, k: int
    ) -> tuple[NDArray[np.intp], dict[str, NDArray[np.float32]], NDArray, NDArray[np.bool_]]:
        """Slates (m, k) and, for every active component, its weighted (m, n) contribution."""
        strategy = self.strategy
        if strategy.order == "click":  # the whole score is the click chance: no components
            final, content, cold = self.click_scores(queries, request)
            contributions = {"click": final}
        else:
            parts, content, cold = self.components(queries, request)
            total = sum(strategy.weights.values())
            shares = {c: strategy.weights[c] / total for c in parts}
            contributions = {  # (a share of 1: the part itself, the very same numbers)
                c: part if shares[c] == 1.0 else part * shares[c] for c, part in parts.items()
            }
            final = functools.reduce(np.add, contributions.values())
        if request.boost is not None:
            final = final + request.boost
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
        if strategy.multi_interest and request.interest_queries is not None:
            return self._multi_interest(request, k, rng, mark_exploring)
        if strategy.order == "random":
            return self._random(request, k, rng)
        if strategy.exploration == "thompson":
            return _explained(*self._thompson(request, k, rng, mark_exploring))
        positions, contributions, content, cold = self._slates(request.queries, request, k)
        exploring = np.zeros(positions.shape, dtype=bool)
        if strategy.exploration == "epsilon":
            positions, exploring = epsilon_greedy(
                positions, request.eligible, strategy.epsilon, rng
            )
        return _explained(positions, contributions, content, exploring, cold)

    def _multi_interest(
        self, request: SlateRequest, k: int, rng: np.random.Generator, mark_exploring: bool
    ) -> Slates:
        """Rank each live interest of each user as a user of its own (one batched call over
        the (user, interest) rows), then compose every user's list from them
        (``recsys.multi_interest``): each live interest keeps slots by its weight."""
        weights = request.interest_weights
        m, j = weights.shape
        users, interests = np.nonzero(weights > 0)
        lexical = request.interest_lexical
        flat = SlateRequest(
            queries=request.interest_queries[users, interests],
            feedback=(  # only CF reads the thumbs: a strategy without it is spared the copy
                request.feedback[users]
                if self.strategy.cf_weight > 0
                else sparse.csr_matrix((len(users), request.eligible.shape[1]), dtype=np.float32)
            ),
            eligible=request.eligible[users],
            rated_positions=request.rated_positions[users],
            lexical=None if lexical is None else lexical[users, interests],
            boost=(
                request.interest_boost[users, interests]
                if request.interest_boost is not None
                else None
                if request.boost is None
                else request.boost[users]
            ),
        )
        if self._single is None:  # one for the ranker's life: it keeps its last contents
            single = dataclasses.replace(self.strategy, multi_interest=False)
            self._single = Ranker(single, self.context)
        each = self._single(flat, k, rng, mark_exploring)
        width = each.positions.shape[1]
        lists = np.full((m, j, width), -1, dtype=np.intp)
        scores = np.zeros((m, j, width))
        # each interest gives its best items by its rank score; the list shows them by their
        # match (fixed scale), so it reads best first by the number each card leads with
        lists[users, interests], scores[users, interests] = each.positions, each.similarity
        positions, serves = compose(lists, scores, allocate(weights, k), weights, width)
        row_of = np.full((m, j), -1, dtype=np.intp)
        row_of[users, interests] = np.arange(len(users))
        rows = row_of[np.arange(m)[:, None], np.maximum(serves, 0)]  # (m, width) flat rows
        columns = np.argmax(each.positions[rows] == positions[:, :, None], axis=2)
        filled = positions >= 0
        cold = np.zeros(m, dtype=bool)
        np.logical_or.at(cold, users, each.cf_cold_start)

        def gathered(values: NDArray, empty: float | bool) -> NDArray:
            picked = values[rows, columns]
            mask = filled if picked.ndim == 2 else filled[:, :, None]
            return np.where(mask, picked, empty)

        return Slates(
            positions=positions,
            scores=gathered(each.scores, 0.0),
            contributions=gathered(each.contributions, 0.0),
            similarity=gathered(each.similarity, 0.0),
            exploring=gathered(each.exploring, False),
            cf_cold_start=cold,
            serves=np.where(filled, serves, -1),
        )

    def _random(self, request: SlateRequest, k: int, rng: np.random.Generator) -> Slates:
        """The random baseline: eligible items in a random order, with no scores."""
        m, n = request.eligible.shape
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

    def _thompson(
        self, request: SlateRequest, k: int, rng: np.random.Generator, mark_exploring: bool
    ) -> tuple[NDArray[np.intp], dict, NDArray, NDArray[np.bool_], NDArray[np.bool_]]:
        """Rank under a query drawn around each profile (``recsys.explore``). Marked, the
        slots the draw changed are "exploring" and the cards keep the unexplored scores;
        unmarked, the drawn query's scores go with the list."""
        if mark_exploring:
            greedy, contributions, content, _ = self._slates(request.queries, request, k)
        rated = request.rated_positions
        drawn = thompson_queries(
            request.queries,
            self.context.item_vectors[np.maximum(rated, 0)],
            rated >= 0,
            rng,
            prior_scale=self.strategy.thompson_scale,
            noise_scale=self.strategy.thompson_noise,
        )
        positions, explored, drawn_content, cold = self._slates(drawn, request, k)
        if not mark_exploring:  # scores under the drawn query: nothing is shown
            return positions, explored, drawn_content, np.zeros(positions.shape, bool), cold
        exploring = (positions >= 0) & ~(positions[:, :, None] == greedy[:, None, :]).any(2)
        positions = _greedy_order_around(positions, exploring, greedy)
        return positions, contributions, content, exploring, cold


def _explained(
    positions: NDArray[np.intp],
    contributions: dict[str, NDArray[np.float64]],
    content: NDArray,
    exploring: NDArray[np.bool_],
    cold: NDArray[np.bool_],
) -> Slates:
    """The slates with each slot's score, its parts by component and its raw similarity
    (under the click model, ``contributions`` holds only "click", the score, and no part)."""
    safe = np.maximum(positions, 0)
    filled = positions >= 0
    picked = np.zeros((*positions.shape, len(COMPONENTS)))
    for index, component in enumerate(COMPONENTS):
        if component in contributions:
            values = np.take_along_axis(contributions[component], safe, axis=1)
            picked[:, :, index] = np.where(filled, values, 0.0)
    scores = picked.sum(axis=2)
    if "click" in contributions:
        scores = np.where(filled, np.take_along_axis(contributions["click"], safe, axis=1), 0.0)
    return Slates(
        positions=positions,
        scores=scores,
        contributions=picked,
        similarity=np.where(filled, np.take_along_axis(content, safe, axis=1), 0.0),
        exploring=exploring & filled,
        cf_cold_start=cold,
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


def build_ranker(strategy: Strategy | str, context: RankingContext) -> Ranker:
    """The ranker for a preset name or a ``Strategy``: the one entry point the Recommend page
    and the simulation share. It ranks by ``strategy_on(strategy, context)``."""
    if isinstance(strategy, str):
        strategy = PRESETS[strategy]
    return Ranker(strategy_on(strategy, context), context)

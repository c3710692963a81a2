"""From a profile to the list a visitor sees: the strategy's ranker for one user, explained.

``recommend`` builds the one-user request (the profile's query or the interest text alone,
the thumbs as a feedback row, the items the visitor may see) and calls the same ranker the
simulation runs (``recsys.ranker.build_ranker``); each card then gets its reason, its
score split into the strategy's components, and an "exploring" mark where exploration put it.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from recsys.catalog import Catalogue
from recsys.context import RankingContext
from recsys.explain import explain, reasons
from recsys.intent_ranking import excluded_by_intent, interest_boosts, kind_boost
from recsys.list_measures import domain_spread, intra_list_diversity
from recsys.multi_interest import MAX_INTERESTS
from recsys.profile import ProfileSettings, UserProfile
from recsys.ranker import THOMPSON_WINDOW, build_ranker
from recsys.slates import SlateRequest
from recsys.strategy import COMPONENTS, PRESETS, VISITOR_DEFAULT, Strategy, strategy_on
from recsys.update_rule import queries_for


@dataclass(frozen=True)
class Recommendation:
    """One card: ``position`` is the catalogue row; ``score`` the strategy's score in [0, 1]
    and ``contributions`` its parts by component (they sum to ``score``); ``similarity`` the raw
    content similarity under the strategy's measure; ``exploring`` whether exploration put the
    item here rather than its score; ``interest`` the stated interest the item serves under a
    multi-interest strategy."""

    rank: int
    position: int
    item_id: str
    score: float
    contributions: dict[str, float]
    similarity: float
    exploring: bool
    reason: str
    interest: str | None = None


@dataclass(frozen=True)
class RecommendedList:
    """The list and what describes it as a whole: ``diversity`` is the intra-list diversity
    (1 - mean pairwise cosine, None under two items), ``domains`` the number of distinct
    domains and ``domain_entropy`` their normalised entropy; ``cf_cold_start`` says CF was
    seeded from the interest text because there are no thumbs yet; ``excluded`` how many
    catalogue items the visitor's exclusions took out."""

    items: list[Recommendation]
    diversity: float | None
    domains: int
    domain_entropy: float
    cf_cold_start: bool
    excluded: int = 0

    def __len__(self) -> int:
        return len(self.items)

    def __iter__(self) -> Iterator[Recommendation]:
        return iter(self.items)

    def __getitem__(self, index: int) -> Recommendation:
        return self.items[index]


def exclusion_mask(
    catalogue: Catalogue, rated_ids: Collection[str], domains: Collection[str] | None
) -> NDArray[np.bool_]:
    """(n_items,) True where an item may not be shown: already rated, or outside ``domains``
    (None or empty means every domain)."""
    mask = catalogue.items["item_id"].isin(list(rated_ids)).to_numpy(dtype=bool, copy=True)
    if domains:
        mask |= ~catalogue.items["domain"].isin(list(domains)).to_numpy()
    return mask


def slate_request(
    catalogue: Catalogue,
    context: RankingContext,
    profile: UserProfile,
    settings: ProfileSettings,
    strategy: Strategy,
    domains: Collection[str] | None,
    excluded: NDArray[np.bool_] | None = None,
) -> SlateRequest:
    """The profile as a one-user request (m = 1). ``excluded`` (n_items,) the items the
    intent takes out (``intent_exclusions``, worked out here when None)."""
    if profile.anchor is None:
        raise ValueError("the profile has no interests yet")
    if excluded is None:
        excluded = intent_exclusions(catalogue, context, profile)
    feedback, rated = _feedback_row(catalogue, profile)
    interests = profile.interests(settings) if strategy.multi_interest else None
    interest_queries, interest_weights = (
        interests.for_ranking(strategy.learns, settings.anchor_weight)
        if interests is not None
        else (None, None)
    )
    eligible = ~exclusion_mask(catalogue, profile.rated, domains) & ~excluded
    lexical, intent = context.lexical, profile.intent
    words = intent.query_text if intent is not None else profile.interest_text
    return SlateRequest(
        queries=queries_for(
            strategy.learns,
            profile.interest_vector[None, :],
            profile.anchor[None, :],
            settings.anchor_weight,
        ),
        feedback=feedback,
        eligible=eligible[None, :],
        rated_positions=rated,
        interest_queries=interest_queries,
        interest_weights=interest_weights,
        lexical=None if lexical is None else lexical.scores([words or profile.interest_text]),
        interest_lexical=(
            None if lexical is None or interests is None else lexical.scores(profile.phrases)[None]
        ),
        boost=kind_boost(catalogue, intent.kinds if intent is not None else ())[None, :],
        interest_boost=(
            None
            if interests is None or intent is None
            else interest_boosts(catalogue, intent, len(profile.phrases[:MAX_INTERESTS]))[None]
        ),
    )


def _feedback_row(
    catalogue: Catalogue, profile: UserProfile
) -> tuple[sparse.csr_matrix, NDArray[np.intp]]:
    """The thumbs as a (1, n) +1/-1 row and the (1, THOMPSON_WINDOW) latest rated positions,
    -1 padded. Rated items of another catalogue are left out (they have no column here)."""
    known = [
        (catalogue.position(event.item_id), 1.0 if event.liked else -1.0)
        for event in profile.feedback_log
        if event.item_id in catalogue
    ]
    columns = [position for position, _ in known]
    feedback = sparse.csr_matrix(
        ([value for _, value in known], ([0] * len(known), columns)),
        shape=(1, len(catalogue)),
        dtype=np.float32,
    )
    recent = columns[-THOMPSON_WINDOW:]
    rated = np.full((1, THOMPSON_WINDOW), -1, dtype=np.intp)
    if recent:
        rated[0, -len(recent) :] = recent
    return feedback, rated


def intent_exclusions(
    catalogue: Catalogue, context: RankingContext, profile: UserProfile
) -> NDArray[np.bool_]:
    """(n_items,) the items the visitor's intent excludes (``recsys.intent_ranking``)."""
    if context.labels is None or profile.intent is None:
        return np.zeros(len(catalogue), dtype=bool)
    return excluded_by_intent(
        catalogue, context.item_vectors, context.labels, profile.intent, profile.exclusion_vectors
    )


def recommend(
    catalogue: Catalogue,
    context: RankingContext,
    profile: UserProfile,
    settings: ProfileSettings,
    k: int,
    domains: Collection[str] | None = None,
    strategy: Strategy | None = None,
    rng: np.random.Generator | None = None,
) -> RecommendedList:
    """The ``strategy``'s top ``k`` unrated items (in ``domains``) for ``profile``, explained.
    ``rng`` drives exploration and the random order (a fixed seed when None)."""
    strategy = strategy or PRESETS[VISITOR_DEFAULT]
    rng = rng or np.random.default_rng(0)
    excluded = intent_exclusions(catalogue, context, profile)  # for the request and the count
    request = slate_request(catalogue, context, profile, settings, strategy, domains, excluded)
    slates = build_ranker(strategy, context)(request, k, rng)
    positions = slates.positions[0]
    filled = positions >= 0
    positions = positions[filled]
    vectors = context.item_vectors
    scores, similarity = slates.scores[0][filled], slates.similarity[0][filled]
    contributions, exploring = slates.contributions[0][filled], slates.exploring[0][filled]
    served = _served(profile, slates, filled)
    reasons = explained(
        context,
        strategy_on(strategy, context),
        profile,
        catalogue,
        positions,
        contributions,
        exploring,
        served,
        similarity,
        scores,
    )
    items = [
        Recommendation(
            rank=index + 1,
            position=int(position),
            item_id=catalogue.items.at[int(position), "item_id"],
            score=float(scores[index]),
            contributions={
                component: float(contributions[index, c]) for c, component in enumerate(COMPONENTS)
            },
            similarity=float(similarity[index]),
            exploring=bool(exploring[index]),
            reason=reason,
            interest=served[index],
        )
        for index, (position, reason) in enumerate(zip(positions, reasons, strict=True))
    ]
    count, entropy = domain_spread(catalogue.items["domain"].to_numpy()[positions].tolist())
    return RecommendedList(
        items=items,
        diversity=intra_list_diversity(vectors[positions]),
        domains=count,
        domain_entropy=entropy,
        cf_cold_start=bool(slates.cf_cold_start[0]),
        excluded=int(excluded.sum()),
    )


def _served(profile: UserProfile, slates, filled: NDArray[np.bool_]) -> list[str | None]:
    """The stated interest each filled slot serves (multi-interest), else None each."""
    if slates.serves is None:
        return [None] * int(filled.sum())
    return [profile.phrases[j] if j >= 0 else None for j in slates.serves[0][filled].tolist()]


def explained(
    context: RankingContext,
    ranked_by: Strategy,
    profile: UserProfile,
    catalogue: Catalogue,
    positions: NDArray[np.intp],
    contributions: NDArray[np.float64],
    exploring: NDArray[np.bool_],
    interests: list[str | None],
    matches: NDArray[np.float64],
    scores: NDArray[np.float64] | None = None,
) -> list[str]:
    """Each card's reason, from the component that put it there (``recsys.explain``):
    ``interests`` the stated interest each item serves (or None), ``matches`` its match,
    ``scores`` its rank score (the predicted click chance under the learned click model)."""
    served = [
        None if one is None else (one, float(match))
        for one, match in zip(interests, matches, strict=True)
    ]
    vectors = context.item_vectors
    dim = vectors.shape[1]
    liked = [event for event in profile.feedback_log if event.liked]
    content = explain(
        vectors[positions],
        profile.phrases,
        profile.phrase_vectors if profile.phrase_vectors is not None else np.zeros((0, dim)),
        [event.title for event in liked],
        np.array([event.item_vector for event in liked]).reshape(len(liked), dim),
    )
    if liked:  # an item nearer a liked item than its interest says so ("which you liked")
        nearest_liked = (vectors[positions] @ np.array([e.item_vector for e in liked]).T).max(1)
        served = [
            None if one is None or nearest_liked[i] > one[1] else one
            for i, one in enumerate(served)
        ]
    return reasons(
        content,
        contributions,
        exploring,
        ranked_by.order == "random",
        served,
        _cf_because(context, ranked_by, catalogue, liked, positions),
        scores if ranked_by.order == "click" and scores is not None else None,
    )


def _cf_because(
    context: RankingContext,
    ranked_by: Strategy,
    catalogue: Catalogue,
    liked: list,
    positions: NDArray[np.intp],
) -> list[str | None]:
    """For each item, the liked item whose co-raters liked it most (item-item CF), or None."""
    models = context.collaborative or {}
    model = models.get(ranked_by.cf_method) if ranked_by.cf_method != "user" else None
    known = [event for event in liked if event.item_id in catalogue]
    if model is None or not known or len(positions) == 0:
        return [None] * len(positions)
    rows = [catalogue.position(event.item_id) for event in known]
    similarity = model.item_similarity[np.ix_(rows, positions)]  # (liked, k)
    best = similarity.argmax(axis=0)
    return [
        known[best[i]].title if similarity[best[i], i] > 0 else None for i in range(len(positions))
    ]

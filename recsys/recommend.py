"""From a profile to the list a visitor sees: score, exclude, select, explain."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from recsys.catalog import Catalogue
from recsys.explain import explain
from recsys.profile import ProfileSettings, UserProfile
from recsys.ranking import cosine_scores, display_score, top_k


@dataclass(frozen=True)
class Recommendation:
    """One card: ``position`` is the catalogue row, ``cosine`` the raw similarity to the
    ranking query, ``score`` the same clipped to [0, 1] for display."""

    rank: int
    position: int
    item_id: str
    cosine: float
    score: float
    reason: str


def exclusion_mask(
    catalogue: Catalogue, rated_ids: Collection[str], domains: Collection[str] | None
) -> NDArray[np.bool_]:
    """(n_items,) True where an item may not be shown: already rated, or outside ``domains``
    (None or empty means every domain)."""
    mask = catalogue.items["item_id"].isin(list(rated_ids)).to_numpy(dtype=bool, copy=True)
    if domains:
        mask |= ~catalogue.items["domain"].isin(list(domains)).to_numpy()
    return mask


def recommend(
    catalogue: Catalogue,
    item_vectors: NDArray[np.float32],
    profile: UserProfile,
    settings: ProfileSettings,
    k: int,
    domains: Collection[str] | None = None,
) -> list[Recommendation]:
    """The top ``k`` unrated items (in ``domains``) by cosine to the profile's query, each with
    a reason. ``item_vectors`` is (n_items, dim) with unit rows."""
    scores = cosine_scores(item_vectors, profile.query(settings))
    chosen = top_k(scores, k, exclusion_mask(catalogue, profile.rated, domains))
    liked = [event for event in profile.feedback_log if event.liked]
    dim = item_vectors.shape[1]
    reasons = explain(
        item_vectors[chosen],
        profile.phrases,
        profile.phrase_vectors if profile.phrase_vectors is not None else np.zeros((0, dim)),
        [event.title for event in liked],
        np.array([event.item_vector for event in liked]).reshape(len(liked), dim),
    )
    return [
        Recommendation(
            rank=rank,
            position=int(position),
            item_id=catalogue.items.at[int(position), "item_id"],
            cosine=float(scores[position]),
            score=display_score(float(scores[position])),
            reason=reason,
        )
        for rank, (position, reason) in enumerate(zip(chosen, reasons, strict=True), start=1)
    ]

"""One line per recommendation saying why it is there: from the component that put it there.

``explain`` is the content reason. For item vector x, the candidates are the parts of the
interest text (phrases p_j) and the items the visitor liked (l_m); the reason names the one
with the highest cosine, x . p_j or x . l_m, and shows that cosine. Disliked items never serve
as a reason, and below ``WEAK_MATCH`` nothing is called close.

``reasons`` picks the component: a random pick says so; an exploring slot says it is there to
learn; under the learned click model (the Click-maximiser) the reason is the predicted click
chance; otherwise the component with the largest share of the item's score speaks:
collaborative filtering names the liked item whose co-raters liked this one most, popularity
says it is much liked, click appeal says so, and content gives ``explain``'s line (or, under a
multi-interest strategy, the stated interest the item serves).
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from recsys.ranking import WEAK_MATCH

MAX_PHRASES = 12
_SPLIT = re.compile(r"[,;\n]+|\.\s+|\s+/\s+|\s*\|\s*")


def split_phrases(text: str) -> list[str]:
    """The interest text's parts, split at commas, semicolons, line breaks and sentence ends;
    trimmed, de-duplicated in order, at most ``MAX_PHRASES``. Never empty for non-empty text."""
    parts = [part.strip(" .!?-\t") for part in _SPLIT.split(text)]
    phrases = list(dict.fromkeys(part for part in parts if part))
    return phrases[:MAX_PHRASES] or ([text.strip()] if text.strip() else [])


def _nearest(
    item_vectors: NDArray[np.float32], sources: NDArray[np.float32] | None
) -> tuple[NDArray[np.intp], NDArray[np.float64]]:
    """For (k, dim) items and (m, dim) sources: each item's nearest source and its cosine
    (index 0 and -inf for every item when there are no sources)."""
    if sources is None or len(sources) == 0:
        return np.zeros(len(item_vectors), dtype=np.intp), np.full(len(item_vectors), -np.inf)
    similarity = item_vectors @ sources.T
    return similarity.argmax(axis=1), similarity.max(axis=1)


def explain(
    item_vectors: NDArray[np.float32],
    phrases: Sequence[str],
    phrase_vectors: NDArray[np.float32],
    liked_titles: Sequence[str],
    liked_vectors: NDArray[np.float32],
) -> list[str]:
    """Reasons for (k, dim) ``item_vectors``, given (p, dim) phrase and (m, dim) liked vectors.

    Returns k sentences such as 'Close to your interest "jazz" (0.61)'."""
    if len(item_vectors) == 0:
        return []
    phrase_index, best_phrase = _nearest(item_vectors, phrase_vectors if len(phrases) else None)
    liked_index, best_liked = _nearest(item_vectors, liked_vectors if len(liked_titles) else None)
    reasons = []
    for i in range(len(item_vectors)):
        if best_liked[i] > best_phrase[i]:
            reasons.append(
                f"Similar to “{liked_titles[liked_index[i]]}”, which you liked "
                f"({best_liked[i]:.2f})"
            )
        elif np.isfinite(best_phrase[i]) and best_phrase[i] < WEAK_MATCH:
            reasons.append(
                f"The nearest there is to “{phrases[phrase_index[i]]}” "
                f"({best_phrase[i]:.2f}): nothing in the catalogue is close"
            )
        elif np.isfinite(best_phrase[i]):
            reasons.append(
                f"Close to your interest “{phrases[phrase_index[i]]}” ({best_phrase[i]:.2f})"
            )
        else:
            reasons.append("Close to your profile")
    return reasons


COMPONENT_ORDER = ("content", "cf", "popularity", "hook")  # as in recsys.strategy.COMPONENTS


def reasons(
    content_reasons: Sequence[str],
    contributions: NDArray[np.float64],
    exploring: NDArray[np.bool_],
    random_order: bool,
    served: Sequence[tuple[str, float] | None],
    cf_because: Sequence[str | None],
    click_chance: Sequence[float] | None = None,
) -> list[str]:
    """The reason of each of k items from the component that put it there.

    ``content_reasons`` (k,) from ``explain``; ``contributions`` (k, 4) each component's share
    of the score in ``COMPONENT_ORDER``; ``exploring`` (k,); ``served`` (k,) the interest an
    item serves and its cosine, or None; ``cf_because`` (k,) the liked title CF leaned on, or
    None (cold start: the items nearest the visitor's words stood in); ``click_chance`` (k,)
    the learned click model's predicted probabilities, when it ranked the list."""
    lines = []
    for i, content in enumerate(content_reasons):
        main = COMPONENT_ORDER[int(np.argmax(contributions[i]))]
        if random_order:
            lines.append("Random pick: the baseline, not chosen for you")
        elif exploring[i]:
            lines.append("Shown to learn more about your taste, not for its score")
        elif click_chance is not None:
            lines.append(
                f"Predicted click chance {click_chance[i]:.1%}: ranked by a click model "
                "learned from logged impressions"
            )
        elif main == "cf" and contributions[i, 1] > 0:
            because = cf_because[i]
            lines.append(
                f"People who liked “{because}” also liked this"
                if because
                else "Liked by people who liked the items nearest your words"
            )
        elif main == "popularity" and contributions[i, 2] > 0:
            lines.append("Popular: among the most liked items in the interaction log")
        elif main == "hook" and contributions[i, 3] > 0:
            lines.append("Ranked up for its click appeal (a catchy title or promise)")
        elif served[i] is not None and served[i][1] >= WEAK_MATCH:
            lines.append(f"For your interest “{served[i][0]}” ({served[i][1]:.2f})")
        else:
            lines.append(content)
    return lines

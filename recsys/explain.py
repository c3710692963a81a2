"""One line per recommendation saying why it is there.

For item vector x, the candidates are the parts of the interest text (phrases p_j) and the
items the visitor liked (l_m); the reason names the one with the highest cosine, x . p_j or
x . l_m, and shows that cosine. Disliked items never serve as a reason.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

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
        elif np.isfinite(best_phrase[i]):
            reasons.append(
                f"Close to your interest “{phrases[phrase_index[i]]}” ({best_phrase[i]:.2f})"
            )
        else:
            reasons.append("Close to your profile")
    return reasons

"""Kinds of item named by meaning: a sentence per kind, embedded once, against the phrase.

With unit rows, phrase p gets the domain argmax_d cos(p, k_d) when the best cosine is at
least ``KIND_THRESHOLD`` and beats the second best by ``KIND_MARGIN``, else none
("a good read about sailing" -> books; "birdwatching" -> none).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from recsys.catalog import DOMAINS
from recsys.encoder import l2_normalise

# Measured with all-MiniLM-L6-v2 on the labelled phrases of tests/recsys/test_intent.py:
# at threshold 0.35 and margin 0.05, 26/42 phrases that name a kind without kind words get
# their kind (0 get a wrong one) and 0/48 phrases that name no kind get one. The highest
# no-kind cosine was 0.31 ("birdwatching"), so the threshold keeps 0.04 of slack; pairs that
# found more (30/42 at 0.31) sat right at the edge of a false positive.
KIND_THRESHOLD = 0.35
KIND_MARGIN = 0.05
KIND_PROTOTYPES: dict[str, str] = {
    "ecommerce": "I want to buy something: a present, a product to order online, "
    "a gift for someone",
    "news": "the news: what happened today, the latest headlines, current events and reporting",
    "movies": "a film or a TV series to watch: a movie night, a show to stream or binge",
    "music": "something to listen to: music, songs, an album, a playlist, a podcast episode",
    "books": "something to read: a book, a novel, a page-turner, a story to get lost in",
    "courses": "learn a skill online: a course, lessons, a tutorial with exercises, step by step",
}
Encode = Callable[[list[str]], NDArray[np.float32]]


def kind_prototype_vectors(encode: Encode) -> NDArray[np.float32]:
    """(6, dim) unit rows: ``KIND_PROTOTYPES`` embedded, in ``DOMAINS`` order."""
    return l2_normalise(encode([KIND_PROTOTYPES[domain] for domain in DOMAINS]))


def kinds_from_embedding(
    phrase_vectors: NDArray[np.float32],
    prototypes: NDArray[np.float32],
    threshold: float = KIND_THRESHOLD,
    margin: float = KIND_MARGIN,
) -> list[str | None]:
    """Per phrase of (m, dim) unit rows, the domain of its nearest of the (6, dim) unit
    ``prototypes`` (``DOMAINS`` order), if that cosine is >= ``threshold`` and beats the
    runner-up by >= ``margin``; None otherwise."""
    cosines = np.asarray(phrase_vectors, dtype=np.float64) @ np.asarray(prototypes).T
    if len(cosines) == 0:
        return []
    ordered = np.sort(cosines, axis=1)
    best, second = ordered[:, -1], ordered[:, -2]
    domains = list(DOMAINS)
    return [
        domains[int(index)] if top >= threshold and top - runner >= margin else None
        for index, top, runner in zip(cosines.argmax(axis=1), best, second, strict=True)
    ]

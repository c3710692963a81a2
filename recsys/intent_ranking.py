"""What an intent does to a list: exclusions take items out, kinds raise their kind.

For the visitor's intent (``recsys.intent``) over a catalogue:

- an item is **excluded** when its domain is an excluded kind ("no courses"), when the intent
  asks for ``only`` some kinds and the item is of none of them, or, for each excluded phrase
  ("no horror"), when the item's title, category and tags hold every word of the phrase
  (folded as ``recsys.lexical`` folds them) or its embedding has cosine >= ``EXCLUDE_ABOVE``
  with the phrase's. Measured on the shipped catalogue with all-MiniLM-L6-v2: at 0.45 the items
  the similarity adds beyond the words are about the excluded topic ("ghosts": a haunted doll,
  an archivist who hears whispers; "celebrity gossip": a feud report); at 0.40 it adds 23
  pop-culture items for "celebrity gossip" and 8 for "ghosts" that are not all about it, and
  at 0.35 26 and 41, most not;
- an item of a kind the intent names gets ``KIND_BOOST`` added to its score (a soft boost,
  not a filter), per interest under the multi-interest profile. The hybrid's components each
  lie in [0, 1], so the boost is a share of the whole scale. On the relevance benchmark
  (``python -m recsys.benchmark --relevance``) kind precision@5 was 0.69, 0.86, 0.90 and 0.90
  at boosts 0.3, 0.5, 0.7 and 1.0 (nDCG@10 0.605, 0.624, 0.632, 0.632): 0.7 is the smallest
  that reaches the plateau. (The same 90 queries chose it; there is no held-out set.)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from recsys.catalog import Catalogue
from recsys.intent import Intent
from recsys.lexical import LexicalIndex

EXCLUDE_ABOVE = 0.45
KIND_BOOST = 0.7


def label_texts(catalogue: Catalogue) -> list[str]:
    """The words an exclusion is matched against: the item's whole text (title, category,
    description and tags): a visitor who says "nothing about murder" means an item whose
    description is about one too."""
    return catalogue.embedding_texts()


def excluded_by_intent(
    catalogue: Catalogue,
    item_vectors: NDArray[np.float32],
    labels: LexicalIndex,
    intent: Intent | None,
    exclusion_vectors: NDArray[np.float32] | None,
) -> NDArray[np.bool_]:
    """(n_items,) True for the items the intent excludes (module docstring). ``labels`` is the
    ``LexicalIndex`` of ``label_texts``; ``exclusion_vectors`` (n_exclusions, dim) unit rows
    in ``intent.exclusions`` order."""
    excluded = np.zeros(len(catalogue), dtype=bool)
    if intent is None:
        return excluded
    domains = catalogue.items["domain"].to_numpy()
    excluded |= np.isin(domains, list(intent.excluded_kinds))
    if intent.only and intent.kinds:
        excluded |= ~np.isin(domains, list(intent.kinds))
    vectors = exclusion_vectors if exclusion_vectors is not None else np.zeros((0, 0))
    for index, phrase in enumerate(intent.exclusions):
        excluded |= labels.containing_all(phrase)
        if index < len(vectors) and np.any(vectors[index]):
            excluded |= item_vectors @ vectors[index] >= EXCLUDE_ABOVE
    return excluded


def kind_boost(catalogue: Catalogue, kinds: tuple[str, ...]) -> NDArray[np.float64]:
    """(n_items,) ``KIND_BOOST`` for items of one of ``kinds`` (domain keys), else 0."""
    if not kinds:
        return np.zeros(len(catalogue))
    return np.where(catalogue.items["domain"].isin(list(kinds)), KIND_BOOST, 0.0)


def interest_boosts(catalogue: Catalogue, intent: Intent, count: int) -> NDArray[np.float64]:
    """(count, n_items) the boost of each of the first ``count`` interests: the kinds its own
    words named ("jazz, hiking books": books for hiking only), or every kind the intent
    names when no interest named one (``Intent.kinds_of``)."""
    return np.array([kind_boost(catalogue, intent.kinds_of(j)) for j in range(count)])

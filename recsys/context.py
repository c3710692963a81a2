"""The ranking context: what every ranker of one catalogue shares, read-only.

``ranking_context`` builds it once per catalogue: the item vectors and hooks, and, where the
catalogue has an interaction log, popularity and the collaborative-filtering models fitted
from the log (``recsys.collaborative``). Item-item similarity matrices for diversity are
computed on first use and kept with it, as are the items' norms the content similarity of
every query divides by.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from recsys.catalog import Catalogue
from recsys.click_model import ClickModel, shipped_click_model
from recsys.collaborative import CollaborativeModel, fit_collaborative, with_measure
from recsys.intent_ranking import label_texts
from recsys.lexical import LexicalIndex
from recsys.ranking import Similarity, measured, row_norms, similarity

MAX_PRECOMPUTED_SIMILARITY = 6000  # items; above this, diversity computes similarities per pick


@dataclass(frozen=True)
class RankingContext:
    """What every ranker of one catalogue shares, read-only: ``item_vectors`` (n, dim) unit
    rows, ``hook`` (n,) click appeal in [0, 1], ``popularity`` (n,) in [0, 1] or None, the
    fitted collaborative models by ``CfMethod`` (None for a catalogue without a log), the
    BM25 indexes of the items' texts (``lexical``, exact words) and of their title, category
    and tags (``labels``, what an exclusion is matched against), and the learned click model
    the Click-maximiser ranks by (``recsys.click_model``; None: it ranks by content)."""

    item_vectors: NDArray[np.float32]
    hook: NDArray[np.float64]
    popularity: NDArray[np.float64] | None = None
    collaborative: dict[str, CollaborativeModel] | None = None
    lexical: LexicalIndex | None = None
    labels: LexicalIndex | None = None
    click_model: ClickModel | None = None
    _similarities: dict[str, NDArray[np.float32]] = dataclasses.field(
        default_factory=dict, repr=False, compare=False
    )
    _norms: list[NDArray[np.float32]] = dataclasses.field(
        default_factory=list, repr=False, compare=False
    )

    @property
    def n_items(self) -> int:
        return len(self.item_vectors)

    @property
    def has_log(self) -> bool:
        return self.collaborative is not None

    @property
    def item_norms(self) -> NDArray[np.float32]:
        """(n,) the length of each item vector (1 for unit rows), computed on first use."""
        if not self._norms:
            self._norms.append(row_norms(self.item_vectors))
        return self._norms[0]

    def content_similarity(
        self, queries: NDArray[np.floating], measure: Similarity
    ) -> NDArray[np.float32]:
        """(m, dim) queries -> (m, n) similarity of each query to every item under ``measure``:
        ``recsys.ranking.similarity`` with the items' norms kept, laid out by query (rows
        contiguous, as everything after it reads them)."""
        queries = np.asarray(queries, dtype=np.float32)
        dots = queries @ self.item_vectors.T
        return measured(dots, row_norms(queries)[:, None], self.item_norms[None, :], measure)

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


def ranking_context(
    catalogue: Catalogue,
    item_vectors: NDArray[np.float32],
    log: pd.DataFrame | None = None,
    click_model: ClickModel | Literal["shipped"] | None = "shipped",
) -> RankingContext:
    """The ranker's view of a catalogue: its vectors and hooks, and, when ``log`` is an
    interaction log of this catalogue's items, popularity and the CF models fitted from it.
    ``click_model``: the shipped one (``assets/click_model.json``, None if it cannot be
    read), a fitted one, or None."""
    hook = catalogue.items["hook"].to_numpy(dtype=np.float64, copy=True)
    words = {
        "lexical": LexicalIndex(catalogue.embedding_texts()),
        "labels": LexicalIndex(label_texts(catalogue)),
        "click_model": shipped_click_model() if click_model == "shipped" else click_model,
    }
    if log is None:
        return RankingContext(item_vectors=item_vectors, hook=hook, **words)
    cosine = fit_collaborative(log, catalogue, "cosine")
    pearson = with_measure(cosine, "pearson")
    return RankingContext(
        item_vectors=item_vectors,
        hook=hook,
        popularity=cosine.popularity,
        collaborative={"item-cosine": cosine, "item-pearson": pearson, "user": cosine},
        **words,
    )

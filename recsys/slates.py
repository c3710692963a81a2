"""What a ranker is asked and what it answers: m users' requests and their lists.

Both are batched over m users (m = 1 for a visitor, hundreds in the lab); the shapes are in
each docstring. ``recsys.ranker`` turns a ``SlateRequest`` into ``Slates``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse


@dataclass(frozen=True)
class SlateRequest:
    """m users asking for lists: ``queries`` (m, dim) unit rows (the profile's ranking query,
    or the interest text alone for a strategy that does not learn); ``feedback`` (m, n) sparse,
    +1 liked, -1 disliked; ``eligible`` (m, n) bool; ``rated_positions`` (m, t) the most recent
    rated items, -1 padded (Thompson's posterior). ``feedback`` may be dense: it becomes sparse
    only where CF needs it. For a multi-interest strategy, ``interest_queries`` (m, J, dim) the
    query of each stated interest and ``interest_weights`` (m, J) their weights (0 = retired
    or padding); a request without them ranks by ``queries`` alone. ``lexical`` (m, n) BM25
    scores of the visitor's words (``interest_lexical`` (m, J, n) of each interest's), fused
    into the content component (``recsys.lexical.weighted_fusion``); ``boost`` (m, n) added to
    the final score (the kinds the visitor asked for, ``recsys.intent_ranking``), and
    ``interest_boost`` (m, J, n) each interest's own."""

    queries: NDArray[np.float32]
    feedback: sparse.csr_matrix | NDArray[np.float32]
    eligible: NDArray[np.bool_]
    rated_positions: NDArray[np.intp]
    interest_queries: NDArray[np.float32] | None = None
    interest_weights: NDArray[np.float64] | None = None
    lexical: NDArray[np.float64] | None = None
    interest_lexical: NDArray[np.float64] | None = None
    boost: NDArray[np.float64] | None = None
    interest_boost: NDArray[np.float64] | None = None


@dataclass(frozen=True)
class Slates:
    """The lists: ``positions`` (m, k) item rows best first, -1 where a user has fewer eligible
    items; ``scores`` (m, k) the hybrid score; ``contributions`` (m, k, 4) each component's
    share beta_c * norm(f_c) / sum(beta), summing to ``scores``; ``similarity`` (m, k) the raw
    content similarity; ``exploring`` (m, k) slots put there by exploration;
    ``cf_cold_start`` (m,) users whose CF was seeded from their words; ``serves`` (m, k) the
    interest each slot serves under a multi-interest strategy (-1 = none), else None."""

    positions: NDArray[np.intp]
    scores: NDArray[np.float64]
    contributions: NDArray[np.float64]
    similarity: NDArray[np.float64]
    exploring: NDArray[np.bool_]
    cf_cold_start: NDArray[np.bool_]
    serves: NDArray[np.intp] | None = None

"""Measures of a recommendation list.

Intra-list similarity of k items with unit vectors x_1..x_k is the mean cosine over the
k(k-1)/2 distinct pairs, ILS = 2 / (k(k-1)) * sum_{i<j} x_i . x_j; its complement 1 - ILS is
the list's intra-list diversity. A list of fewer than two items has no pairs, so no value.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray


def intra_list_similarity(vectors: NDArray[np.float32]) -> float | None:
    """Mean pairwise cosine of (k, dim) unit rows; None when k < 2."""
    if len(vectors) < 2:
        return None
    similarity = vectors @ vectors.T
    return float(similarity[np.triu_indices(len(vectors), k=1)].mean())

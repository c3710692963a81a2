"""User-based collaborative filtering: the logged users nearest a visitor's thumbs vote.

User-based scores: s_v = f . R[v] / (|f| |R[v]|) for every logged user v, and N the
``neighbours`` users with the largest s_v > 0 (ties at the cut go to the lower row)::

    cf(i) = sum_{v in N} s_v R[v, i] / (sum_{v in N} s_v [v rated i] + eps)
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from scipy import sparse

from recsys.collaborative import CollaborativeModel, FeedbackRows, feedback_rows, row_norms
from recsys.ranking import top_k_rows

_EPS = 1e-9  # keeps an item no neighbour rated at 0 / eps = 0


def user_based_scores(
    model: CollaborativeModel, feedback: FeedbackRows, neighbours: int = 50
) -> NDArray[np.float64]:
    """(m, n_items) feedback rows, dense or sparse -> (m, n_items) user-based scores in [-1, 1].

    Each row's ``neighbours`` most cosine-similar logged users (positive similarity only) vote
    with their thumbs. A 1-D row counts as m = 1. A feedback row is compared with every logged
    user, so if the session is itself in the log it is its own nearest neighbour."""
    rows = feedback_rows(feedback, model.n_items)
    scores = np.zeros(rows.shape, dtype=np.float64)
    k = min(max(neighbours, 0), model.n_users)
    if k == 0 or rows.nnz == 0:
        return scores

    cosines = rows @ model.ratings_by_item  # (m, n_users) dot products, sparse
    row_of_entry = np.repeat(np.arange(rows.shape[0]), np.diff(cosines.indptr))
    scale = row_norms(rows)[row_of_entry] * model.user_norms[cosines.indices]
    cosines.data = (cosines.data / scale).astype(np.float32)  # float32 partitions ties faster
    similarity = cosines.toarray()
    chosen = top_k_rows(similarity, similarity > 0, k)  # (m, k) users, -1 padded
    rows_of, slots = np.nonzero(chosen >= 0)
    votes = sparse.csr_matrix(
        (similarity[rows_of, chosen[rows_of, slots]], (rows_of, chosen[rows_of, slots])),
        shape=(rows.shape[0], model.n_users),
    )

    ratings = model.ratings
    rated = sparse.csr_matrix(
        (np.ones_like(ratings.data), ratings.indices, ratings.indptr), shape=ratings.shape
    )
    weighted = (votes @ ratings).toarray().astype(np.float64)
    support = (votes @ rated).toarray().astype(np.float64)
    np.divide(weighted, support + _EPS, out=scores)
    return scores

"""Collaborative filtering from a thumbs log: the ratings matrix and item-item neighbourhoods.

The log (columns ``user_id``, ``item_id``, ``thumbs`` in {+1, -1}, ``step``) becomes the
ratings matrix ``R`` (n_users, n_items): ``R[u, i]`` is user u's last thumbs on item i (highest
``step``; equal steps go to the later log row), 0 if u never rated i. Rows are the users in
sorted ``user_id`` order, columns the catalogue positions; events on items that are not in the
catalogue are dropped. Write ``r_i`` for column i of ``R`` and ``U_i`` for the users who rated i.

Item similarity, for i != j (the diagonal is 0, and so is a pair with an empty column)::

    cosine:   sim(i, j) = r_i . r_j / (|r_i| |r_j|)
    pearson:  the same on centred columns, c_ui = R[u, i] - mean_{v in U_i} R[v, i] for u in U_i
              and 0 for the users who did not rate i (only stored entries move)

On a fully observed matrix the centred cosine is exactly the Pearson correlation of the columns.
Thumbs data is mostly +1, so under plain cosine two popular items look alike merely because
nearly everyone likes both. Centring subtracts each item's own approval rate: what is left is
whether people who like j like i *more than usual*, which is the point of Pearson.

Shrinkage (Koren, 2008) damps similarities that rest on a few co-ratings. With
n_ij = |U_i ∩ U_j| and shrinkage lambda >= 0 (0 gives the plain measure)::

    sim'(i, j) = sim(i, j) * n_ij / (n_ij + lambda)

Item-based scores for a feedback row f (n_items,), +1 liked, -1 disliked, 0 unrated, are the
mean-centred neighbourhood prediction (Sarwar et al. 2001; Koren 2008's baseline form), with
a damped denominator::

    cf(i) = mu_i + sum_j sim(i, j) (f_j - mu_j) / (sum_j |sim(i, j)| |f_j| + delta)

clipped to [-1, 1]. ``mu_i`` is item i's own approval rate in the log, shrunk towards the
log's overall mean thumb mu by ``MEAN_PRIOR`` pseudo-ratings (an item two people rated is
not known to be loved or hated)::

    mu_i = (sum_{u in U_i} R[u, i] + MEAN_PRIOR * mu) / (|U_i| + MEAN_PRIOR)

so an item only ever disliked scores below one with mixed evidence, and an item no thumb of
the visitor reaches scores its own mean rather than a neutral 0. The damping ``delta``
(``DAMPING``, in units of similarity) keeps weak evidence weak: without it (delta -> 0) one
thumb on j gives every item i the score mu_i + sign(sim(i, j)) (f_j - mu_j) however tiny the
similarity, and shrinkage cancels between numerator and denominator. With delta = 1, one
neighbour of similarity s moves an item by s / (s + 1) of its deviation: half of it at s = 1.
The cold-start seed likes the ranker adds stay until ``recsys.ranker.CF_SEED_UNTIL`` real
thumbs exist, so one thumb does not replace them with a one-item row.

User-based scores (the nearest logged users) are in ``recsys.neighbours``.

Popularity, with likes_i the number of thumbs-up on i (after de-duplication)::

    pop(i) = log(1 + likes_i) / log(1 + max_j likes_j)     (all 0 for a log without likes)

The similarity matrix is dense float32, n_items^2 * 4 bytes: 2.7 MB for 819 items, 100 MB for
5,000. Everything else is sparse.
"""

from __future__ import annotations

import dataclasses
import logging
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import sparse

from recsys.catalog import Catalogue

_log = logging.getLogger(__name__)

DAMPING = 1.0  # delta: similarity mass that counts as much as the evidence (module docstring)
MEAN_PRIOR = 5.0  # pseudo-ratings at the overall mean that each item's own mean is shrunk by
LOG_COLUMNS = ("user_id", "item_id", "thumbs", "step")
Measure = Literal["cosine", "pearson"]
FeedbackRows = NDArray[np.floating] | NDArray[np.integer] | sparse.spmatrix | sparse.sparray


@dataclass(frozen=True, eq=False)
class CollaborativeModel:
    """Fitted once per (catalogue, log): read-only afterwards (arrays are not writeable).

    ``ratings`` (n_users, n_items) float32 in {-1, 0, +1}, rows in ``user_ids`` order, columns
    in catalogue order; ``item_similarity`` (n_items, n_items), symmetric, zero diagonal;
    ``popularity`` (n_items,) in [0, 1]; ``item_means`` (n_items,) the shrunk approval rates
    mu_i in [-1, 1] (module docstring). ``user_norms`` (n_users,) and ``ratings_by_item``
    (n_items, n_users), the transpose as CSR, are kept so scoring needs no conversions.
    ``catalogue_fingerprint`` says which catalogue the columns belong to."""

    ratings: sparse.csr_matrix = field(repr=False)
    item_similarity: NDArray[np.float32] = field(repr=False)
    measure: str
    popularity: NDArray[np.float64] = field(repr=False)
    shrinkage: float
    user_ids: tuple[str, ...] = field(repr=False)
    catalogue_fingerprint: str
    user_norms: NDArray[np.float64] = field(repr=False)
    ratings_by_item: sparse.csr_matrix = field(repr=False)
    item_means: NDArray[np.float64] = field(repr=False)

    @property
    def n_users(self) -> int:
        return int(self.ratings.shape[0])

    @property
    def n_items(self) -> int:
        return int(self.ratings.shape[1])


def rating_matrix(log: pd.DataFrame, catalogue: Catalogue) -> sparse.csr_matrix:
    """(n_users, n_items) float32 in {-1, 0, +1}: each user's last thumbs per item.

    Rows are the log's users (with at least one known item) in sorted ``user_id`` order,
    columns the catalogue positions. Raises ``ValueError`` for missing columns or thumbs
    other than +1/-1."""
    return _last_ratings(log, catalogue)[0]


def _last_ratings(
    log: pd.DataFrame, catalogue: Catalogue
) -> tuple[sparse.csr_matrix, tuple[str, ...]]:
    """``rating_matrix`` and the user id of each of its rows."""
    missing = [column for column in LOG_COLUMNS if column not in log.columns]
    if missing:
        raise ValueError(
            f"The interaction log has no {', '.join(missing)} column; it needs the columns "
            f"{', '.join(LOG_COLUMNS)}."
        )
    catalogue_ids = pd.Index(catalogue.items["item_id"].astype(str))
    positions = catalogue_ids.get_indexer(log["item_id"].astype(str))
    known = positions >= 0
    if not known.all():
        _log.info(
            "dropped %d of %d log events on items not in the catalogue", (~known).sum(), len(log)
        )
    positions = positions[known]
    thumbs = log["thumbs"].to_numpy()[known]
    if not np.isin(thumbs, (-1, 1)).all():
        raise ValueError("thumbs must be +1 (up) or -1 (down) in every row of the interaction log.")
    steps = log["step"].to_numpy()[known]
    user_codes, user_ids = pd.factorize(log["user_id"].astype(str).to_numpy()[known], sort=True)
    n_users, n_items = len(user_ids), len(catalogue)

    # Sort by (user, item), then step; lexsort is stable, so equal steps keep log order.
    keys = user_codes.astype(np.int64) * n_items + positions
    order = np.lexsort((steps, keys))
    sorted_keys = keys[order]
    is_last = np.ones(sorted_keys.size, dtype=bool)
    is_last[:-1] = sorted_keys[1:] != sorted_keys[:-1]
    chosen = order[is_last]
    if chosen.size < keys.size:
        _log.debug(
            "kept the last of repeated ratings: %d events superseded", keys.size - chosen.size
        )

    rows = user_codes[chosen]
    indptr = np.zeros(n_users + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n_users), out=indptr[1:])
    ratings = sparse.csr_matrix(
        (thumbs[chosen].astype(np.float32), positions[chosen], indptr), shape=(n_users, n_items)
    )
    return ratings, tuple(str(user_id) for user_id in user_ids)


def item_similarity(
    ratings: sparse.spmatrix | sparse.sparray | NDArray[np.floating],
    measure: Measure = "cosine",
    shrinkage: float = 10.0,
) -> NDArray[np.float32]:
    """(n_users, n_items) ratings, 0 = unrated -> (n_items, n_items) float32 in [-1, 1].

    Symmetric with a zero diagonal; ``measure`` and ``shrinkage`` as in the module docstring.
    Co-rating counts come from one sparse product of the binary matrix."""
    if measure not in ("cosine", "pearson"):
        raise ValueError(f"measure must be 'cosine' or 'pearson', got {measure!r}")
    if shrinkage < 0:
        raise ValueError(f"shrinkage must be >= 0, got {shrinkage}")
    matrix = sparse.csr_matrix(ratings, dtype=np.float64, copy=True)
    matrix.sum_duplicates()
    matrix.eliminate_zeros()
    n_items = matrix.shape[1]
    if measure == "pearson":
        counts = np.bincount(matrix.indices, minlength=n_items)
        sums = np.bincount(matrix.indices, weights=matrix.data, minlength=n_items)
        matrix.data -= (sums / np.maximum(counts, 1))[matrix.indices]
    norms = np.sqrt(np.bincount(matrix.indices, weights=matrix.data**2, minlength=n_items))
    inverse_norms = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
    products = matrix.T.tocsr() @ matrix  # r_i . r_j, stored where some user rated both
    rows = np.repeat(np.arange(n_items), np.diff(products.indptr))
    # (Setting .data: astype() on a product with unsorted indices costs a sort.)
    scale = inverse_norms[rows] * inverse_norms[products.indices]
    products.data = (products.data * scale).astype(np.float32)
    similarity = products.toarray()
    if shrinkage > 0:
        ones = np.ones(matrix.nnz, dtype=np.float32)  # the pattern of R, whatever centring did
        rated = sparse.csr_matrix((ones, matrix.indices, matrix.indptr), shape=matrix.shape)
        co_counts = rated.T.tocsr() @ rated  # n_ij, stored where some user rated both
        rows = np.repeat(np.arange(n_items), np.diff(co_counts.indptr))
        factor = co_counts.data / (co_counts.data + shrinkage)
        similarity[rows, co_counts.indices] *= factor.astype(np.float32)
    np.fill_diagonal(similarity, 0.0)
    np.clip(similarity, -1.0, 1.0, out=similarity)
    return similarity


def popularity(ratings: sparse.spmatrix | sparse.sparray) -> NDArray[np.float64]:
    """(n_users, n_items) ratings -> (n_items,) log(1 + likes) / log(1 + max likes) in [0, 1]."""
    matrix = sparse.csr_matrix(ratings)
    likes = np.bincount(matrix.indices[matrix.data > 0], minlength=matrix.shape[1])
    most = likes.max(initial=0)
    if most == 0:
        return np.zeros(matrix.shape[1], dtype=np.float64)
    return np.log1p(likes) / np.log1p(most)


def item_means(
    ratings: sparse.spmatrix | sparse.sparray, prior: float = MEAN_PRIOR
) -> NDArray[np.float64]:
    """(n_users, n_items) ratings -> (n_items,) mu_i, each item's mean thumb shrunk towards
    the overall mean by ``prior`` pseudo-ratings (module docstring); all 0 for an empty log."""
    matrix = sparse.csr_matrix(ratings)
    n_items = matrix.shape[1]
    counts = np.bincount(matrix.indices, minlength=n_items).astype(np.float64)
    sums = np.bincount(matrix.indices, weights=matrix.data, minlength=n_items)
    overall = sums.sum() / max(counts.sum(), 1.0)
    return (sums + prior * overall) / (counts + prior)


def fit_collaborative(
    log: pd.DataFrame, catalogue: Catalogue, measure: Measure = "cosine", shrinkage: float = 10.0
) -> CollaborativeModel:
    """Ratings, item similarity and popularity of ``log`` over ``catalogue``'s items."""
    ratings, user_ids = _last_ratings(log, catalogue)
    similarity = item_similarity(ratings, measure, shrinkage)
    model = CollaborativeModel(
        ratings=ratings,
        item_similarity=similarity,
        measure=measure,
        popularity=popularity(ratings),
        shrinkage=float(shrinkage),
        user_ids=user_ids,
        catalogue_fingerprint=catalogue.fingerprint,
        user_norms=row_norms(ratings),
        ratings_by_item=ratings.T.tocsr(),
        item_means=item_means(ratings),
    )
    for array in (model.item_similarity, model.popularity, model.user_norms, model.item_means):
        array.setflags(write=False)
    for matrix in (model.ratings, model.ratings_by_item):
        for array in (matrix.data, matrix.indices, matrix.indptr):
            array.setflags(write=False)
    _log.info(
        "fitted %s collaborative model: %d users, %d items, %d ratings, shrinkage %g",
        measure,
        model.n_users,
        model.n_items,
        ratings.nnz,
        shrinkage,
    )
    return model


def with_measure(model: CollaborativeModel, measure: Measure) -> CollaborativeModel:
    """The same ratings, popularity and shrinkage with item similarity under ``measure``:
    a second model without reading the log again."""
    similarity = item_similarity(model.ratings, measure, model.shrinkage)
    similarity.setflags(write=False)
    return dataclasses.replace(model, item_similarity=similarity, measure=measure)


def item_based_scores(
    model: CollaborativeModel, feedback: FeedbackRows, damping: float = DAMPING
) -> NDArray[np.float64]:
    """(m, n_items) feedback rows, dense or sparse -> (m, n_items) item-based scores in [-1, 1]:
    the mean-centred, damped prediction of the module docstring. A 1-D row counts as m = 1;
    a row without thumbs scores every item its mean mu_i.

    The cost is two sparse-by-dense products, about 2 * nnz(feedback) * n_items multiply-adds,
    plus one copy of the k rated similarity rows."""
    if damping <= 0:
        raise ValueError(f"damping must be positive, got {damping}")
    rows = feedback_rows(feedback, model.n_items)
    means = model.item_means
    scores = np.repeat(means[None, :], rows.shape[0], axis=0)
    rated = np.unique(rows.indices)
    if rated.size == 0:
        return scores
    # float32 products (the similarity is float32 and scores only rank); the signed product
    # reads the similarity in place, the support needs |sim| of the rated rows only.
    centred = (rows.data - means[rows.indices]).astype(np.float32)  # f_j - mu_j
    signed = sparse.csr_matrix((centred, rows.indices, rows.indptr), shape=rows.shape)
    weights = sparse.csr_matrix(
        (np.ones(rows.nnz, np.float32), np.searchsorted(rated, rows.indices), rows.indptr),
        shape=(rows.shape[0], rated.size),
    )
    neighbours = model.item_similarity[rated]  # (k, n_items), a copy
    np.abs(neighbours, out=neighbours)
    weighted = (signed @ model.item_similarity).astype(np.float64)
    support = (weights @ neighbours).astype(np.float64)
    scores += weighted / (support + damping)
    return np.clip(scores, -1.0, 1.0, out=scores)


def feedback_rows(feedback: FeedbackRows, n_items: int) -> sparse.csr_matrix:
    """Feedback as a float64 CSR copy with no stored zeros; raises on a wrong width."""
    if sparse.issparse(feedback):
        rows = sparse.csr_matrix(feedback, dtype=np.float64, copy=True)
    else:
        rows = sparse.csr_matrix(np.atleast_2d(np.asarray(feedback, dtype=np.float64)))
    if rows.shape[1] != n_items:
        raise ValueError(
            f"feedback rows have {rows.shape[1]} columns but the model has {n_items} items; "
            "pass one column per catalogue item, in catalogue order."
        )
    rows.sum_duplicates()
    rows.eliminate_zeros()
    return rows


def row_norms(matrix: sparse.csr_matrix) -> NDArray[np.float64]:
    """(n_rows, n_cols) CSR -> (n_rows,) Euclidean norms of the rows."""
    row_of_entry = np.repeat(np.arange(matrix.shape[0]), np.diff(matrix.indptr))
    squares = np.asarray(matrix.data, dtype=np.float64) ** 2
    return np.sqrt(np.bincount(row_of_entry, weights=squares, minlength=matrix.shape[0]))

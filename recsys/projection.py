"""2-D maps of the catalogue's embedding space, and of the visitor's path through it.

PCA: with X the (n, dim) item matrix and mean m, the map is (X - m) W for the top two
principal directions W (dim, 2); any other vector v lands at (v - m) W, so the visitor's path
is projected with exactly the fitted map. The share of variance each axis explains is kept,
because two axes of a 384-dimensional space show only a small part of it.

t-SNE: a non-linear map that keeps neighbours together but has no formula for new points. A
path point v is placed at a weighted mean of the map positions of its ``k`` nearest items
(cosine), with softmax weights w_i = exp(cos(v, x_i) / tau) / sum_j exp(cos(v, x_j) / tau)
and tau = 0.02: in practice next to its best match, moving smoothly as the vector moves. (A
plain mean would drop a vector whose neighbours lie in two clusters halfway between them.)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from recsys.ranking import top_k_rows

MIN_TSNE_ITEMS = 5


@dataclass(frozen=True)
class Projection:
    """``coordinates`` (n_items, 2). For PCA, ``mean`` (dim,), ``axes`` (dim, 2) and
    ``explained_variance`` (2,) shares; for t-SNE those are None and ``item_vectors`` (n, dim)
    places new points by their neighbours."""

    method: str
    coordinates: NDArray[np.float32]
    mean: NDArray[np.float32] | None = None
    axes: NDArray[np.float32] | None = None
    explained_variance: NDArray[np.float64] | None = None
    item_vectors: NDArray[np.float32] | None = None

    def place(
        self, vectors: NDArray[np.float32], k: int = 10, tau: float = 0.02
    ) -> NDArray[np.float32]:
        """Map positions of (m, dim) ``vectors`` -> (m, 2) (module docstring)."""
        vectors = np.atleast_2d(vectors)
        if self.axes is not None and self.mean is not None:
            return ((vectors - self.mean) @ self.axes).astype(np.float32)
        similarity = vectors @ self.item_vectors.T
        k = min(k, similarity.shape[1])
        nearest = top_k_rows(similarity, np.ones(similarity.shape, dtype=bool), k)
        logits = np.take_along_axis(similarity, nearest, axis=1) / tau
        weights = np.exp(logits - logits.max(axis=1, keepdims=True))
        weights /= weights.sum(axis=1, keepdims=True)
        return np.einsum("mk,mkd->md", weights, self.coordinates[nearest]).astype(np.float32)


def fit_pca(item_vectors: NDArray[np.float32]) -> Projection:
    """Top-two principal components of (n, dim) item vectors (exact SVD, deterministic).

    Fewer than two directions of variation (one item, one dimension, identical items) leave
    the missing axes at zero and their explained share 0."""
    mean = item_vectors.mean(axis=0)
    centred = item_vectors - mean
    _, singular, right = np.linalg.svd(centred, full_matrices=False)
    axes = np.zeros((item_vectors.shape[1], 2), dtype=np.float64)
    shares = np.zeros(2, dtype=np.float64)
    total = float((singular**2).sum())
    # Variation below float32 rounding of the data (the mean of identical rows is not always
    # exactly that row) is no variation: it would show as "PC1 explains 100%" of noise.
    noise = 1e-5 * max(1.0, float(np.linalg.norm(item_vectors)))
    for k in range(min(2, len(singular))):
        if singular[k] <= noise:
            break
        # Fix each axis' sign (largest loading positive) so the picture never flips.
        axes[:, k] = right[k] * np.sign(right[k][np.abs(right[k]).argmax()])
        shares[k] = singular[k] ** 2 / total
    return Projection(
        method="PCA",
        coordinates=(centred @ axes).astype(np.float32),
        mean=mean.astype(np.float32),
        axes=axes.astype(np.float32),
        explained_variance=shares,
    )


def fit_tsne(item_vectors: NDArray[np.float32], seed: int = 0) -> Projection:
    """t-SNE (cosine metric, PCA initialisation) of (n, dim) item vectors; same seed, same map.
    Needs at least ``MIN_TSNE_ITEMS`` items (its perplexity must stay below the item count)."""
    from sklearn.manifold import TSNE

    if len(item_vectors) < MIN_TSNE_ITEMS:
        raise ValueError(f"t-SNE needs at least {MIN_TSNE_ITEMS} items")
    perplexity = float(min(30, max(2, (len(item_vectors) - 1) // 3)))
    coordinates = TSNE(
        n_components=2, metric="cosine", init="pca", perplexity=perplexity, random_state=seed
    ).fit_transform(item_vectors)
    return Projection(
        method="t-SNE",
        coordinates=coordinates.astype(np.float32),
        item_vectors=np.asarray(item_vectors, dtype=np.float32),
    )


def focus_box(
    points: NDArray[np.float32],
    everything: NDArray[np.float32],
    padding: float = 0.15,
    min_share: float = 0.2,
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """(low, high) corners of a view around (m, 2) ``points``: their bounding box, padded by
    ``padding`` of its size on each side, and at least ``min_share`` of the span of (n, 2)
    ``everything`` in each direction, so a short path still shows its neighbourhood."""
    low, high = points.min(axis=0), points.max(axis=0)
    span = np.maximum((high - low) * (1 + 2 * padding), min_share * np.ptp(everything, axis=0))
    centre = (low + high) / 2
    return centre - span / 2, centre + span / 2

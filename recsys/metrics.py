"""Measures of a recommendation list, and offline top-k metrics over a log split by time.

Intra-list similarity of k items with unit vectors x_1..x_k is the mean cosine over the
k(k-1)/2 distinct pairs, ILS = 2 / (k(k-1)) * sum_{i<j} x_i . x_j; its complement 1 - ILS is
the list's intra-list diversity (ILD). A list of fewer than two items has no pairs, so no value.

Accuracy of one user's list L = (l_1, l_2, ...) against the set R of items the user went on to
interact with (the held-out later part of the log), with T = the first k entries of L:

    P@k   = |T ∩ R| / k            (divided by k even when L is shorter than k)
    R@k   = |T ∩ R| / |R|          (None when R is empty: nothing to recall)
    F1@k  = 2 P R / (P + R)        (0 when P = R = 0; None when R is empty)
    RR@k  = 1 / rank of the first item of T in R, 0 when there is none;  MRR = mean RR
    HR@k  = 1 if T ∩ R is non-empty, else 0
    DCG@k = sum_{i=1..k} g(l_i) / log2(i + 1),  with g(item) >= 0 its gain (0 if absent)
    NDCG@k = DCG@k / IDCG@k, IDCG@k the DCG of the user's gains sorted best first (0 if IDCG = 0)

k must be at least 1 (``ValueError`` otherwise: P@0 would be 0 / 0). An item repeated within
T counts once, at its first (best) rank. The matrix form ``ndcg_scores`` ranks n items by
predicted scores and, like ``sklearn.metrics.ndcg_score`` (ignore_ties=False), averages over
ties: every item of a group of equal scores gets the group's mean gain, and the group covers
the ranks (and discounts) it spans (McSherry & Najork 2008). It keeps a row whose gains are all
zero as NDCG 0, as sklearn does; ``evaluate_lists`` instead skips users with no relevant item.

Beyond accuracy, over the lists as shown (duplicates included):

    coverage = |union of all lists| / n_items
    novelty  = mean_{i in L} -log2 p_i, p_i = share of the n_users training users who
               interacted with item i (Zhou et al. 2010; Castells et al.). An item nobody
               interacted with gets p = 1 / (n_users + 1): the share it would have had with one
               more user, so it counts as slightly more novel than the rarest seen item.
    domain spread = (d, H / log d): d distinct domains in L, H = -sum_j s_j log s_j the Shannon
               entropy of the domain shares s_j; normalised by log d (evenness over the domains
               present: 0 for one domain, 1 for an even split), or by log n_domains if given.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

ItemList = Sequence[str] | NDArray[Any]
"""Item ids, best first. Ids are strings in this project; a numpy array of them works too."""


def pairwise_cosines(vectors: NDArray[np.float32]) -> NDArray[np.float32]:
    """(k, dim) unit rows -> (k, k) cosine of every pair (1 on the diagonal)."""
    return vectors @ vectors.T


def mean_pair_similarity(
    slates: NDArray[np.intp], item_similarity: NDArray[np.floating]
) -> NDArray[np.float64]:
    """(m, k) slates of item positions (-1 = empty slot), (n, n) item-item similarity ->
    (m,) mean similarity over the pairs of filled slots; NaN where a slate has under 2 items.
    The one intra-list measure of the package: the lab's slates and one visitor's list."""
    filled = slates >= 0
    safe = np.maximum(slates, 0)
    pair = item_similarity[safe[:, :, None], safe[:, None, :]]
    both = filled[:, :, None] & filled[:, None, :]
    off_diagonal = both & ~np.eye(slates.shape[1], dtype=bool)[None]
    count = off_diagonal.sum(axis=(1, 2))
    total = np.where(off_diagonal, pair, 0.0).sum(axis=(1, 2))
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(count > 0, total / count, np.nan)


def slate_diversity(slates: NDArray[np.intp], item_similarity: NDArray[np.floating]) -> NDArray:
    """(m, k) slates -> (m,) 1 - mean pairwise similarity over filled slots (NaN under 2)."""
    return 1.0 - mean_pair_similarity(slates, item_similarity)


def intra_list_similarity(vectors: NDArray[np.float32]) -> float | None:
    """Mean pairwise cosine of (k, dim) unit rows; None when k < 2 (``mean_pair_similarity``
    for one list)."""
    if len(vectors) < 2:
        return None
    slate = np.arange(len(vectors))[None, :]
    return float(mean_pair_similarity(slate, pairwise_cosines(vectors))[0])


def intra_list_diversity(vectors: NDArray[np.float32]) -> float | None:
    """1 - intra-list similarity of (k, dim) unit rows; None when k < 2."""
    similarity = intra_list_similarity(vectors)
    return None if similarity is None else 1.0 - similarity


def _check_k(k: int) -> int:
    if k < 1:
        raise ValueError(
            f"k is how many items of a list to evaluate; it must be 1 or more, not {k}."
        )
    return k


def _ranked_top_k(recommended: ItemList, k: int) -> list[tuple[int, str]]:
    """(rank from 1, item) for the first occurrence of each item among the first k."""
    seen: set[str] = set()
    ranked = []
    for rank, item in enumerate(recommended[: _check_k(k)], start=1):
        if item not in seen:
            seen.add(item)
            ranked.append((rank, item))
    return ranked


def _hits(recommended: ItemList, relevant: Collection[str], k: int) -> int:
    relevant = set(relevant)
    return sum(item in relevant for _, item in _ranked_top_k(recommended, k))


def precision_at_k(recommended: ItemList, relevant: Collection[str], k: int) -> float:
    """|top-k ∩ relevant| / k; a list shorter than k is still divided by k."""
    return _hits(recommended, relevant, k) / k


def recall_at_k(recommended: ItemList, relevant: Collection[str], k: int) -> float | None:
    """|top-k ∩ relevant| / |relevant|; None when ``relevant`` is empty."""
    relevant = set(relevant)
    return _hits(recommended, relevant, k) / len(relevant) if relevant else None


def f1_at_k(recommended: ItemList, relevant: Collection[str], k: int) -> float | None:
    """Harmonic mean of P@k and R@k; 0 when both are 0, None when ``relevant`` is empty."""
    recall = recall_at_k(recommended, relevant, k)
    if recall is None:
        return None
    precision = precision_at_k(recommended, relevant, k)
    if precision + recall == 0:
        return 0.0
    return 2 * precision * recall / (precision + recall)


def reciprocal_rank(recommended: ItemList, relevant: Collection[str], k: int) -> float:
    """1 / rank of the first relevant item within the top k, 0 when there is none."""
    relevant = set(relevant)
    for rank, item in _ranked_top_k(recommended, k):
        if item in relevant:
            return 1.0 / rank
    return 0.0


def hit_rate_at_k(recommended: ItemList, relevant: Collection[str], k: int) -> float:
    """1.0 if any relevant item is within the top k, else 0.0."""
    return 1.0 if _hits(recommended, relevant, k) else 0.0


def ndcg_at_k(recommended: ItemList, gains: Mapping[str, float], k: int) -> float:
    """DCG@k of the list / DCG@k of the user's gains sorted best first; 0 when that is 0.

    ``gains`` maps each relevant item to its gain >= 0 (1.0 each for binary relevance);
    an item not in it has gain 0."""
    if any(gain < 0 for gain in gains.values()):
        raise ValueError("NDCG needs gains of 0 or more; a negative gain has no ideal order.")
    dcg = sum(
        gains.get(item, 0.0) / math.log2(rank + 1) for rank, item in _ranked_top_k(recommended, k)
    )
    ideal = sorted(gains.values(), reverse=True)[:k]
    idcg = sum(gain / math.log2(rank + 1) for rank, gain in enumerate(ideal, start=1))
    return dcg / idcg if idcg > 0 else 0.0


def ndcg_scores(
    true_relevance: NDArray[np.floating],
    predicted_scores: NDArray[np.floating],
    k: int | None = None,
) -> NDArray[np.float64]:
    """NDCG@k of each row: (m, n) gains >= 0 and (m, n) scores -> (m,) values in [0, 1].

    Items are ranked by descending score; tied scores share their mean gain (sklearn's
    ``ndcg_score`` with ``ignore_ties=False``, whose value is the mean of this array).
    ``k=None`` means all n; k > n is the same as n. A row of zero gains scores 0."""
    gains = np.asarray(true_relevance, dtype=np.float64)
    scores = np.asarray(predicted_scores, dtype=np.float64)
    if gains.ndim != 2 or gains.shape != scores.shape:
        raise ValueError(
            f"true_relevance and predicted_scores must both be (users, items) matrices of the "
            f"same shape, got {gains.shape} and {scores.shape}."
        )
    if not (np.isfinite(gains).all() and np.isfinite(scores).all()):
        raise ValueError("NDCG needs finite relevance and scores; found NaN or infinity.")
    if (gains < 0).any():
        raise ValueError("NDCG needs relevance of 0 or more; a negative gain has no ideal order.")
    m, n = gains.shape
    depth = min(n if k is None else _check_k(k), n)
    discount = np.zeros(n)
    discount[:depth] = 1.0 / np.log2(np.arange(2, depth + 2))

    order = np.argsort(-scores, axis=1, kind="stable")
    ranked_scores = np.take_along_axis(scores, order, axis=1)
    ranked_gains = np.take_along_axis(gains, order, axis=1)
    # Number the groups of equal scores across the whole matrix; each row starts a new group.
    starts_group = np.ones((m, n), dtype=bool)
    starts_group[:, 1:] = ranked_scores[:, 1:] != ranked_scores[:, :-1]
    group = np.cumsum(starts_group.ravel()) - 1
    group_mean = np.bincount(group, weights=ranked_gains.ravel()) / np.bincount(group)
    dcg = group_mean[group].reshape(m, n) @ discount
    idcg = -np.sort(-gains, axis=1) @ discount
    return np.divide(dcg, idcg, out=np.zeros(m), where=idcg > 0)


def mrr(
    recommended_lists: Mapping[str, ItemList], relevant: Mapping[str, Collection[str]], k: int
) -> float | None:
    """Mean reciprocal rank over the users of ``recommended_lists`` with a relevant item;
    None when there is no such user."""
    ranks = [
        reciprocal_rank(items, relevant[user], k)
        for user, items in recommended_lists.items()
        if len(relevant.get(user, ())) > 0
    ]
    return sum(ranks) / len(ranks) if ranks else None


def catalogue_coverage(lists: Iterable[ItemList], n_items: int) -> float:
    """Distinct items across all lists / ``n_items``. Truncate the lists to k first."""
    if n_items < 1:
        raise ValueError(f"Coverage needs a catalogue of at least one item, not {n_items}.")
    distinct: set[str] = set()
    for items in lists:
        distinct.update(items)
    return len(distinct) / n_items


def popularity_shares(histories: Mapping[str, Collection[str]]) -> dict[str, float]:
    """Share of users whose (training) history holds each item, for ``novelty``.

    ``histories`` maps user -> items; use ``len(histories)`` as novelty's ``n_users``."""
    counts = Counter(item for items in histories.values() for item in set(items))
    return {item: count / len(histories) for item, count in counts.items()}


def novelty(
    recommended: Sequence[str] | Sequence[int] | NDArray[Any],
    popularity: Mapping[str, float] | NDArray[np.floating],
    n_users: int,
) -> float | None:
    """Mean -log2(p_i) over the list, in bits; None for an empty list.

    ``popularity`` maps item id -> share of users in [0, 1] (missing means 0), or is an
    (n_items,) array indexed by the list's item positions. A share of 0 is smoothed to
    1 / (n_users + 1)."""
    if n_users < 1:
        raise ValueError(f"Novelty needs the number of users behind the shares, not {n_users}.")
    if len(recommended) == 0:
        return None
    bits = []
    for item in recommended:
        if isinstance(popularity, Mapping):
            share = float(popularity.get(item, 0.0))
        else:
            share = float(popularity[int(item)])
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"A popularity share must be between 0 and 1; {item!r} has {share}.")
        bits.append(-math.log2(share if share > 0 else 1.0 / (n_users + 1)))
    return sum(bits) / len(bits)


def domain_spread(domains: Sequence[str], n_domains: int | None = None) -> tuple[int, float]:
    """(distinct domains in the list, normalised Shannon entropy of their shares in [0, 1]).

    Normalised by log(distinct) by default, so an even split over the domains present is 1;
    pass ``n_domains`` (all domains there are) to normalise by log(n_domains) instead.
    An empty list or a single domain gives (d, 0.0)."""
    counts = Counter(domains)
    distinct = len(counts)
    if n_domains is not None and n_domains < distinct:
        raise ValueError(f"The list has {distinct} domains, more than n_domains = {n_domains}.")
    if distinct < 2:
        return distinct, 0.0
    shares = np.array(list(counts.values()), dtype=np.float64) / len(domains)
    entropy = float(-(shares * np.log(shares)).sum())
    return distinct, entropy / math.log(n_domains or distinct)


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else math.nan


def evaluate_lists(
    recommended_lists: Mapping[str, ItemList],
    relevant: Mapping[str, Collection[str]],
    k: int,
    *,
    n_items: int | None = None,
    popularity: Mapping[str, float] | None = None,
    n_users: int | None = None,
    item_domains: Mapping[str, str] | None = None,
    item_vectors: Mapping[str, NDArray[np.float32]] | None = None,
) -> dict[str, float]:
    """One strategy's row: the mean of each per-user metric over its top-k lists.

    The users are the keys of ``recommended_lists`` (give an empty list to a user the strategy
    could not serve, so it counts as a miss). Accuracy ("precision", "recall", "f1", "ndcg"
    with binary gains, "mrr", "hit_rate") is averaged over the users with at least one relevant
    item, whose number is "users"; F1 is the mean of per-user F1s. The optional measures
    describe every list: "coverage" (needs ``n_items``), "novelty" (``popularity`` shares of
    ``n_users``), "domains" and "domain_entropy" (``item_domains``: item -> domain) and
    "diversity" = ILD (``item_vectors``: item -> unit vector; lists under 2 items skipped).
    A mean over no users is NaN."""
    if (popularity is None) != (n_users is None):
        raise ValueError("Novelty needs both the popularity shares and the number of users.")
    lists = {user: list(items[: _check_k(k)]) for user, items in recommended_lists.items()}
    judged = {user: set(relevant[user]) for user in lists if len(relevant.get(user, ())) > 0}
    names = ("precision", "recall", "f1", "ndcg", "mrr", "hit_rate")
    accuracy: dict[str, list[float]] = {name: [] for name in names}
    for user, relevant_items in judged.items():
        items = lists[user]
        accuracy["precision"].append(precision_at_k(items, relevant_items, k))
        # recall and F1 are never None here: relevant_items is not empty
        accuracy["recall"].append(recall_at_k(items, relevant_items, k) or 0.0)
        accuracy["f1"].append(f1_at_k(items, relevant_items, k) or 0.0)
        accuracy["ndcg"].append(ndcg_at_k(items, dict.fromkeys(relevant_items, 1.0), k))
        accuracy["mrr"].append(reciprocal_rank(items, relevant_items, k))
        accuracy["hit_rate"].append(hit_rate_at_k(items, relevant_items, k))
    row = {"users": float(len(judged))} | {name: _mean(v) for name, v in accuracy.items()}

    if n_items is not None:
        row["coverage"] = catalogue_coverage(lists.values(), n_items)
    if popularity is not None and n_users is not None:
        bits = [novelty(items, popularity, n_users) for items in lists.values()]
        row["novelty"] = _mean([b for b in bits if b is not None])
    if item_domains is not None:
        spreads = [domain_spread([item_domains[i] for i in items]) for items in lists.values()]
        row["domains"] = _mean([float(distinct) for distinct, _ in spreads])
        row["domain_entropy"] = _mean([entropy for _, entropy in spreads])
    if item_vectors is not None:
        diversities = [
            intra_list_diversity(np.stack([item_vectors[i] for i in items]))
            for items in lists.values()
            if len(items) >= 2
        ]
        row["diversity"] = _mean([d for d in diversities if d is not None])
    return row

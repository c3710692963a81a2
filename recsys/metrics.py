"""Offline top-k accuracy metrics over a log split by time, and one strategy's row of them.

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

The measures of a list as a whole (diversity, coverage, novelty, domain spread) are in
``recsys.list_measures``; ``evaluate_lists`` averages both kinds per strategy.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from typing import Any

import numpy as np
from numpy.typing import NDArray

from recsys.list_measures import catalogue_coverage, domain_spread, intra_list_diversity, novelty

ItemList = Sequence[str] | NDArray[Any]
"""Item ids, best first. Ids are strings in this project; a numpy array of them works too."""


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

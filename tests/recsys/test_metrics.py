import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from sklearn.metrics import ndcg_score

from recsys.list_measures import (
    catalogue_coverage,
    domain_spread,
    intra_list_diversity,
    intra_list_similarity,
    novelty,
    popularity_shares,
)
from recsys.metrics import (
    evaluate_lists,
    f1_at_k,
    hit_rate_at_k,
    mrr,
    ndcg_at_k,
    ndcg_scores,
    precision_at_k,
    recall_at_k,
    reciprocal_rank,
)

LOG3 = math.log2(3)
LOG5 = math.log2(5)


def test_intra_list_similarity_by_hand():
    # pairs: (a, b) = 0.6, (a, c) = 0, (b, c) = 0.8 -> mean 1.4 / 3
    vectors = np.array([[1.0, 0.0, 0.0], [0.6, 0.8, 0.0], [0.0, 1.0, 0.0]], dtype=np.float32)
    assert intra_list_similarity(vectors) == pytest.approx(1.4 / 3)


def test_intra_list_similarity_needs_two_items():
    assert intra_list_similarity(np.ones((1, 3), dtype=np.float32)) is None
    assert intra_list_similarity(np.zeros((0, 3), dtype=np.float32)) is None


def test_intra_list_diversity_is_the_complement():
    vectors = np.array([[1.0, 0.0, 0.0], [0.6, 0.8, 0.0], [0.0, 1.0, 0.0]], dtype=np.float32)
    assert intra_list_diversity(vectors) == pytest.approx(1 - 1.4 / 3)  # 1 - ILS = 0.5333
    assert intra_list_diversity(np.ones((1, 3), dtype=np.float32)) is None


# ---- accuracy of one list, by hand: list [a, b, c, d], relevant {b, d, e} ----

LIST = ["a", "b", "c", "d"]
RELEVANT = {"b", "d", "e"}


def test_precision_recall_f1_by_hand():
    # top-4 hits b, d: P@4 = 2/4, R@4 = 2/3, F1 = 2 * 0.5 * 0.667 / 1.167 = 4/7 = 0.571
    assert precision_at_k(LIST, RELEVANT, 4) == pytest.approx(2 / 4)
    assert recall_at_k(LIST, RELEVANT, 4) == pytest.approx(2 / 3)
    assert f1_at_k(LIST, RELEVANT, 4) == pytest.approx(4 / 7)
    # top-2 [a, b] hits b: P@2 = 1/2, R@2 = 1/3, F1 = 2 * (1/2)(1/3) / (5/6) = 2/5
    assert precision_at_k(LIST, RELEVANT, 2) == pytest.approx(1 / 2)
    assert recall_at_k(LIST, RELEVANT, 2) == pytest.approx(1 / 3)
    assert f1_at_k(LIST, RELEVANT, 2) == pytest.approx(2 / 5)
    # top-1 [a] hits nothing: P = R = 0, so F1 = 0 by definition
    assert f1_at_k(LIST, RELEVANT, 1) == 0.0


def test_a_short_list_is_still_divided_by_k():
    # only 4 items asked for 10: P@10 = 2/10, R@10 = 2/3
    assert precision_at_k(LIST, RELEVANT, 10) == pytest.approx(2 / 10)
    assert recall_at_k(LIST, RELEVANT, 10) == pytest.approx(2 / 3)


def test_reciprocal_rank_and_hit_rate_by_hand():
    # first relevant item b is at rank 2: RR = 1/2
    assert reciprocal_rank(LIST, RELEVANT, 4) == pytest.approx(1 / 2)
    assert hit_rate_at_k(LIST, RELEVANT, 4) == 1.0
    # top-1 is [a]: no relevant item within k -> RR = 0, no hit
    assert reciprocal_rank(LIST, RELEVANT, 1) == 0.0
    assert hit_rate_at_k(LIST, RELEVANT, 1) == 0.0


def test_ndcg_at_k_binary_by_hand():
    # DCG@4 = 1/log2(3) [b at 2] + 1/log2(5) [d at 4] = 0.6309 + 0.4307 = 1.0616
    # IDCG@4 = 1/log2(2) + 1/log2(3) + 1/log2(4) = 1 + 0.6309 + 0.5 = 2.1309 -> 0.4982
    gains = dict.fromkeys(RELEVANT, 1.0)
    assert ndcg_at_k(LIST, gains, 4) == pytest.approx((1 / LOG3 + 1 / LOG5) / (1 + 1 / LOG3 + 0.5))
    assert ndcg_at_k(LIST, gains, 4) == pytest.approx(0.4982, abs=1e-4)
    # top-1 is [a], gain 0: NDCG@1 = 0 / 1 = 0
    assert ndcg_at_k(LIST, gains, 1) == 0.0


def test_ndcg_at_k_graded_by_hand():
    # gains b=3, d=1, e=2: DCG@4 = 3/log2(3) + 1/log2(5) = 1.8928 + 0.4307 = 2.3235
    # ideal order (3, 2, 1): IDCG@4 = 3/1 + 2/log2(3) + 1/log2(4) = 3 + 1.2619 + 0.5 = 4.7619
    gains = {"b": 3.0, "d": 1.0, "e": 2.0}
    assert ndcg_at_k(LIST, gains, 4) == pytest.approx((3 / LOG3 + 1 / LOG5) / (3 + 2 / LOG3 + 0.5))
    assert ndcg_at_k(LIST, gains, 4) == pytest.approx(0.4879, abs=1e-4)
    # k = 2: DCG@2 = 3/log2(3); the ideal top 2 is (3, 2): IDCG@2 = 3 + 2/log2(3)
    assert ndcg_at_k(LIST, gains, 2) == pytest.approx((3 / LOG3) / (3 + 2 / LOG3))


def test_a_repeated_item_counts_once_at_its_best_rank():
    items = ["b", "b", "d"]
    # top-3 distinct hits b, d: P@3 = 2/3; RR = 1/1
    assert precision_at_k(items, {"b", "d"}, 3) == pytest.approx(2 / 3)
    assert reciprocal_rank(items, {"b", "d"}, 3) == 1.0
    # DCG = 1/log2(2) [b at 1] + 1/log2(4) [d at 3]; IDCG = 1 + 1/log2(3)
    assert ndcg_at_k(items, {"b": 1.0, "d": 1.0}, 3) == pytest.approx(1.5 / (1 + 1 / LOG3))


def test_numpy_lists_work_like_python_lists():
    items = np.array(LIST)
    assert precision_at_k(items, RELEVANT, 4) == pytest.approx(2 / 4)
    assert reciprocal_rank(items, RELEVANT, 4) == pytest.approx(1 / 2)
    assert ndcg_at_k(items, dict.fromkeys(RELEVANT, 1.0), 4) == pytest.approx(0.4982, abs=1e-4)


def test_mrr_by_hand_skips_users_without_relevant_items():
    lists = {"u1": LIST, "u2": ["x", "y", "z"], "u3": ["a"], "u4": ["a"]}
    relevant = {"u1": RELEVANT, "u2": {"z"}, "u3": set()}  # u3 empty, u4 absent: skipped
    # RR: u1 = 1/2 (b at 2), u2 = 1/3 (z at 3) -> MRR = (1/2 + 1/3) / 2 = 5/12
    assert mrr(lists, relevant, 3) == pytest.approx(5 / 12)
    assert mrr({"u3": ["a"]}, relevant, 3) is None


# ---- edge cases ----


@pytest.mark.parametrize(
    "metric", [precision_at_k, recall_at_k, f1_at_k, reciprocal_rank, hit_rate_at_k]
)
def test_k_below_one_is_an_error(metric):
    with pytest.raises(ValueError, match="k"):
        metric(LIST, RELEVANT, 0)
    with pytest.raises(ValueError, match="k"):
        metric(LIST, RELEVANT, -1)


def test_k_below_one_is_an_error_everywhere():
    with pytest.raises(ValueError, match="k"):
        ndcg_at_k(LIST, {"b": 1.0}, 0)
    with pytest.raises(ValueError, match="k"):
        ndcg_scores(np.ones((1, 3)), np.ones((1, 3)), k=0)
    with pytest.raises(ValueError, match="k"):
        mrr({"u": LIST}, {"u": RELEVANT}, 0)
    with pytest.raises(ValueError, match="k"):
        evaluate_lists({"u": LIST}, {"u": RELEVANT}, 0)


def test_an_empty_list_scores_zero():
    assert precision_at_k([], RELEVANT, 5) == 0.0
    assert recall_at_k([], RELEVANT, 5) == 0.0
    assert f1_at_k([], RELEVANT, 5) == 0.0
    assert reciprocal_rank([], RELEVANT, 5) == 0.0
    assert hit_rate_at_k([], RELEVANT, 5) == 0.0
    assert ndcg_at_k([], {"b": 1.0}, 5) == 0.0
    assert catalogue_coverage([[], []], 10) == 0.0
    assert novelty([], {"a": 0.5}, n_users=4) is None
    assert domain_spread([]) == (0, 0.0)


def test_no_relevant_items():
    # precision, RR, hits are defined (0); recall and F1 are not (None); NDCG has IDCG = 0 -> 0
    assert precision_at_k(LIST, set(), 4) == 0.0
    assert reciprocal_rank(LIST, set(), 4) == 0.0
    assert hit_rate_at_k(LIST, set(), 4) == 0.0
    assert recall_at_k(LIST, set(), 4) is None
    assert f1_at_k(LIST, set(), 4) is None
    assert ndcg_at_k(LIST, {}, 4) == 0.0
    assert ndcg_at_k(LIST, {"b": 0.0}, 4) == 0.0


def test_bad_gains_and_shapes_are_errors():
    with pytest.raises(ValueError, match="negative"):
        ndcg_at_k(LIST, {"b": -1.0}, 4)
    with pytest.raises(ValueError, match="negative"):
        ndcg_scores(np.array([[1.0, -1.0]]), np.array([[0.2, 0.1]]))
    with pytest.raises(ValueError, match="shape"):
        ndcg_scores(np.ones((2, 3)), np.ones((2, 4)))
    with pytest.raises(ValueError, match="finite"):
        ndcg_scores(np.ones((1, 2)), np.array([[np.nan, 1.0]]))


# ---- NDCG matrix form against scikit-learn ----


def test_ndcg_scores_by_hand_with_ties():
    # sklearn's docstring case: gains (10, 0, 0, 1, 5), scores (1, 0, 0, 0, 1), k = 1.
    # Items 0 and 4 tie for rank 1: their mean gain (10 + 5) / 2 = 7.5 at discount 1;
    # IDCG@1 = 10 -> NDCG@1 = 0.75
    gains = np.array([[10, 0, 0, 1, 5]])
    assert ndcg_scores(gains, np.array([[1, 0, 0, 0, 1]]), k=1) == pytest.approx([0.75])
    assert ndcg_score(gains, np.array([[1, 0, 0, 0, 1]]), k=1) == pytest.approx(0.75)


def test_ndcg_scores_keeps_all_zero_rows_as_zero_like_sklearn():
    gains = np.array([[0.0, 0.0, 0.0], [1.0, 0.0, 2.0]])
    scores = np.array([[0.3, 0.2, 0.1], [0.2, 0.1, 0.3]])
    # row 0: IDCG = 0 -> 0; row 1 is ranked ideally -> 1; sklearn averages both rows: 0.5
    assert ndcg_scores(gains, scores).tolist() == pytest.approx([0.0, 1.0])
    assert ndcg_score(gains, scores) == pytest.approx(0.5)


def test_ndcg_scores_match_sklearn_on_random_cases(rng):
    for _ in range(300):
        m, n = int(rng.integers(1, 8)), int(rng.integers(2, 12))
        if rng.random() < 0.5:
            gains = rng.integers(0, 4, size=(m, n)).astype(float)  # graded, many zeros
        else:
            gains = rng.random((m, n)) * (rng.random((m, n)) < 0.4)  # sparse continuous
        gains[rng.random(m) < 0.2] = 0.0  # some users with nothing relevant
        if rng.random() < 0.5:
            scores = rng.integers(0, 3, size=(m, n)).astype(float)  # heavy ties
        else:
            scores = rng.random((m, n))
        for k in (None, 1, 2, 3, n - 1, n, n + 5):  # n >= 2, as sklearn requires
            ours = ndcg_scores(gains, scores, k=k)
            assert ours.shape == (m,)
            assert ours.mean() == pytest.approx(ndcg_score(gains, scores, k=k), abs=1e-12)


@given(
    st.integers(1, 5).flatmap(
        lambda m: st.integers(2, 8).flatmap(
            lambda n: st.tuples(
                arrays(np.float64, (m, n), elements=st.sampled_from([0.0, 0.0, 1.0, 2.0, 3.5])),
                arrays(np.float64, (m, n), elements=st.sampled_from([-1.0, 0.0, 0.25, 0.5, 1.0])),
                st.one_of(st.none(), st.integers(1, n + 3)),
            )
        )
    )
)
def test_ndcg_scores_match_sklearn_row_by_row(case):
    gains, scores, k = case
    ours = ndcg_scores(gains, scores, k=k)
    assert np.all((ours >= 0) & (ours <= 1 + 1e-12))
    for row in range(len(gains)):
        expected = ndcg_score(gains[row : row + 1], scores[row : row + 1], k=k)
        assert ours[row] == pytest.approx(expected, abs=1e-12)


def test_ndcg_at_k_agrees_with_the_matrix_form_without_ties(rng):
    ids = [f"item{i}" for i in range(9)]
    for _ in range(100):
        gains = rng.integers(0, 4, size=9).astype(float)
        scores = rng.permutation(9).astype(float)  # distinct: no ties
        ranked = [ids[i] for i in np.argsort(-scores)]
        by_id = {ids[i]: gains[i] for i in range(9) if gains[i] > 0}
        for k in (1, 3, 9, 12):
            matrix = ndcg_scores(gains[None, :], scores[None, :], k=k)[0]
            assert ndcg_at_k(ranked, by_id, k) == pytest.approx(matrix)


# ---- beyond accuracy ----


def test_catalogue_coverage_by_hand():
    # distinct {a, b, c} out of 5 items = 3/5
    assert catalogue_coverage([["a", "b"], ["b", "c"], []], 5) == pytest.approx(3 / 5)
    with pytest.raises(ValueError):
        catalogue_coverage([["a"]], 0)


def test_popularity_shares_by_hand():
    histories = {"u1": ["a", "b"], "u2": ["a"], "u3": ["a", "a"], "u4": []}
    # a: u1, u2, u3 = 3/4 (u3's repeat counts once); b: u1 = 1/4
    assert popularity_shares(histories) == pytest.approx({"a": 3 / 4, "b": 1 / 4})
    assert popularity_shares({}) == {}


def test_novelty_by_hand():
    popularity = {"a": 0.5, "b": 0.25}
    # -log2(0.5) = 1, -log2(0.25) = 2, c unseen -> p = 1/(4 + 1): -log2(0.2) = 2.3219
    # mean (1 + 2 + 2.3219) / 3 = 1.7740
    assert novelty(["a", "b", "c"], popularity, n_users=4) == pytest.approx((3 + LOG5) / 3)
    # the same through an array indexed by item position; a share of 0 is smoothed alike
    shares = np.array([0.5, 0.25, 0.0])
    assert novelty([0, 1, 2], shares, n_users=4) == pytest.approx((3 + LOG5) / 3)
    # an item everyone took carries no information: -log2(1) = 0
    assert novelty(["a"], {"a": 1.0}, n_users=4) == 0.0


def test_novelty_rejects_bad_shares():
    with pytest.raises(ValueError, match="between 0 and 1"):
        novelty(["a"], {"a": 1.5}, n_users=4)
    with pytest.raises(ValueError, match="users"):
        novelty(["a"], {"a": 0.5}, n_users=0)


def test_domain_spread_by_hand():
    domains = ["music", "music", "books", "news"]
    # shares (1/2, 1/4, 1/4): H = 0.5*1 + 0.25*2 + 0.25*2 = 1.5 bits
    # over the 3 domains present: 1.5 / log2(3) = 0.9464; over all 6 domains: 1.5 / log2(6) = 0.5802
    distinct, evenness = domain_spread(domains)
    assert distinct == 3
    assert evenness == pytest.approx(1.5 / LOG3)
    assert domain_spread(domains, n_domains=6)[1] == pytest.approx(1.5 / math.log2(6))
    assert domain_spread(["news", "news"]) == (1, 0.0)  # one domain: no spread
    assert domain_spread(["news", "books"]) == (2, pytest.approx(1.0))  # even over both
    with pytest.raises(ValueError, match="n_domains"):
        domain_spread(domains, n_domains=2)


# ---- one row per strategy ----


def test_evaluate_lists_by_hand():
    lists = {"u1": LIST, "u2": ["x", "y", "z"], "u3": ["a", "x"]}
    relevant = {"u1": RELEVANT, "u2": {"z"}, "u3": set()}  # u3: no relevant item, skipped
    k = 3
    # u1 top-3 [a, b, c], hit b at 2: P = 1/3, R = 1/3, F1 = 1/3, RR = 1/2, hit 1,
    #   NDCG = (1/log2 3) / (1 + 1/log2 3 + 1/2) = 0.2961
    # u2 top-3 [x, y, z], hit z at 3: P = 1/3, R = 1, F1 = 2(1/3)(1)/(4/3) = 1/2, RR = 1/3, hit 1,
    #   NDCG = (1/log2 4) / 1 = 0.5
    ndcg_u1 = (1 / LOG3) / (1 + 1 / LOG3 + 0.5)
    popularity = {"a": 0.5, "b": 0.25, "c": 0.25, "x": 0.5, "y": 0.5, "z": 1.0}
    item_domains = {"a": "music", "b": "music", "c": "books", "x": "news", "y": "news", "z": "news"}
    unit = {"a": [1.0, 0.0], "b": [0.0, 1.0], "c": [1.0, 0.0], "x": [0.0, 1.0], "y": [0.0, 1.0]}
    unit["z"] = [0.0, 1.0]
    vectors = {item: np.array(v, dtype=np.float32) for item, v in unit.items()}
    row = evaluate_lists(
        lists,
        relevant,
        k,
        n_items=10,
        popularity=popularity,
        n_users=4,
        item_domains=item_domains,
        item_vectors=vectors,
    )
    assert row["users"] == 2
    assert row["precision"] == pytest.approx(1 / 3)  # (1/3 + 1/3) / 2
    assert row["recall"] == pytest.approx(2 / 3)  # (1/3 + 1) / 2
    assert row["f1"] == pytest.approx(5 / 12)  # (1/3 + 1/2) / 2
    assert row["ndcg"] == pytest.approx((ndcg_u1 + 0.5) / 2)  # (0.2961 + 0.5) / 2 = 0.3980
    assert row["mrr"] == pytest.approx(5 / 12)  # (1/2 + 1/3) / 2
    assert row["hit_rate"] == 1.0
    # all three lists: top-3 items {a, b, c} | {x, y, z} | {a, x} = 6 of 10
    assert row["coverage"] == pytest.approx(0.6)
    # bits: u1 (1 + 2 + 2)/3 = 5/3, u2 (1 + 1 + 0)/3 = 2/3, u3 (1 + 1)/2 = 1 -> mean 10/9
    assert row["novelty"] == pytest.approx(10 / 9)
    # u1 music, music, books: 2 domains, H(2/3, 1/3) / log 2 = 0.9183; u2 news only: 1, 0;
    # u3 music, news: 2, 1.0 -> domains (2 + 1 + 2)/3, entropy (0.9183 + 0 + 1)/3 = 0.6394
    h = -(2 / 3 * math.log2(2 / 3) + 1 / 3 * math.log2(1 / 3))
    assert row["domains"] == pytest.approx(5 / 3)
    assert row["domain_entropy"] == pytest.approx((h + 1) / 3)
    # ILD: u1 pairs a.b = 0, a.c = 1, b.c = 0 -> 1 - 1/3; u2 all equal -> 0; u3 a.x = 0 -> 1
    assert row["diversity"] == pytest.approx((2 / 3 + 0 + 1) / 3)


def test_evaluate_lists_without_judged_users_gives_nan_and_only_asked_measures():
    row = evaluate_lists({"u": ["a"]}, {"u": []}, 5)
    assert row["users"] == 0
    assert math.isnan(row["precision"]) and math.isnan(row["ndcg"])
    assert set(row) == {"users", "precision", "recall", "f1", "ndcg", "mrr", "hit_rate"}
    with pytest.raises(ValueError, match="number of users"):
        evaluate_lists({"u": ["a"]}, {}, 5, popularity={"a": 0.5})


def test_evaluate_lists_counts_an_unserved_user_as_a_miss():
    # u2 got an empty list: P = R = NDCG = RR = hit = 0, so the means halve u1's values
    row = evaluate_lists({"u1": ["a"], "u2": []}, {"u1": {"a"}, "u2": {"b"}}, 1)
    assert row["users"] == 2
    assert row["precision"] == pytest.approx(0.5)  # (1/1 + 0) / 2
    assert row["ndcg"] == pytest.approx(0.5)  # (1 + 0) / 2

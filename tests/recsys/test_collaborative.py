import logging

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy import sparse

from recsys.catalog import Catalogue, make_catalogue
from recsys.collaborative import (
    DAMPING,
    MEAN_PRIOR,
    fit_collaborative,
    item_based_scores,
    item_similarity,
    popularity,
    rating_matrix,
    with_measure,
)
from recsys.neighbours import user_based_scores


def synthetic_catalogue(n_items: int) -> Catalogue:
    items = pd.DataFrame(
        {
            "item_id": [f"i{k:03d}" for k in range(n_items)],
            "title": [f"Item {k}" for k in range(n_items)],
            "domain": "books",
            "category": "Fiction",
            "tags": "story",
            "description": "A book.",
            "quality": 0.5,
            "hook": 0.5,
        }
    )
    return make_catalogue(items)


def log_from(events: list[tuple[str, str, int]]) -> pd.DataFrame:
    """(user_id, item_id, thumbs) events, stepped 0, 1, 2, ... per user in the given order."""
    log = pd.DataFrame(events, columns=["user_id", "item_id", "thumbs"])
    log["step"] = log.groupby("user_id").cumcount()
    return log


def random_log(
    rng: np.random.Generator, catalogue: Catalogue, n_users: int, per_user: int
) -> pd.DataFrame:
    ids = catalogue.item_ids
    events = [
        (f"u{user:03d}", ids[item], int(rng.choice([-1, 1], p=[0.3, 0.7])))
        for user in range(n_users)
        for item in rng.choice(len(ids), per_user, replace=False)
    ]
    return log_from(events)


def random_feedback(rng: np.random.Generator, m: int, n_items: int, rated: int) -> np.ndarray:
    feedback = np.zeros((m, n_items))
    for row in feedback:
        row[rng.choice(n_items, rated, replace=False)] = rng.choice([-1.0, 1.0], rated)
    return feedback


# The toy log of the hand tests, over the first three items of the tiny catalogue
# (a1, a2, b1 = columns 0, 1, 2; the other three items are never rated):
#
#          a1  a2  b1
#    u0 [  +1  +1   0 ]
#    u1 [  +1  +1  -1 ]
#    u2 [  -1   0  +1 ]
TOY_EVENTS = [
    ("u0", "a1", 1),
    ("u0", "a2", 1),
    ("u1", "a1", 1),
    ("u1", "a2", 1),
    ("u1", "b1", -1),
    ("u2", "a1", -1),
    ("u2", "b1", 1),
]
TOY = np.array([[1, 1, 0], [1, 1, -1], [-1, 0, 1]], dtype=np.float32)


def test_pearson_on_a_full_matrix_is_the_correlation_of_the_columns():
    ratings = np.array([[1, 1, -1], [1, -1, -1], [-1, 1, 1]], dtype=np.float32)
    # By hand for items 0 and 1: columns (1, 1, -1) and (1, -1, 1), both with mean 1/3, centre
    # to (2/3, 2/3, -4/3) and (2/3, -4/3, 2/3); dot = 4/9 - 8/9 - 8/9 = -12/9, and each norm
    # is sqrt(4/9 + 4/9 + 16/9) = sqrt(24/9), so sim = (-12/9) / (24/9) = -1/2.
    similarity = item_similarity(sparse.csr_matrix(ratings), "pearson", shrinkage=0.0)
    expected = np.corrcoef(ratings, rowvar=False)
    np.fill_diagonal(expected, 0.0)
    np.testing.assert_allclose(similarity, expected, atol=1e-6)
    assert similarity[0, 1] == pytest.approx(-0.5, abs=1e-6)


def test_pearson_removes_the_everyone_likes_it_signal():
    # Both items liked by everyone who rated them: cosine (1 + 1) / (sqrt(3) sqrt(2)) = 0.816,
    # but each column minus its mean (1) is all zeros, so Pearson finds nothing.
    ratings = sparse.csr_matrix(np.array([[1, 1], [1, 1], [1, 0]], dtype=np.float32))
    assert item_similarity(ratings, "cosine", 0.0)[0, 1] == pytest.approx(2 / np.sqrt(6))
    assert item_similarity(ratings, "pearson", 0.0)[0, 1] == 0.0


def test_cosine_and_shrinkage_by_hand():
    ratings = sparse.csr_matrix(np.hstack([TOY, np.zeros((3, 1), dtype=np.float32)]))
    plain = item_similarity(ratings, "cosine", shrinkage=0.0)
    # |r_0| = sqrt(3), |r_1| = sqrt(2), |r_2| = sqrt(2); the empty column 3 is similar to nothing.
    # r_0 . r_1 = 1 + 1 + 0 = 2        -> 2 / sqrt(6)
    # r_0 . r_2 = 0 - 1 - 1 = -2       -> -2 / sqrt(6)
    # r_1 . r_2 = 0 - 1 + 0 = -1       -> -1 / 2   (u2 has not rated item 1: the 0 adds nothing)
    expected = np.array(
        [
            [0, 2 / np.sqrt(6), -2 / np.sqrt(6), 0],
            [2 / np.sqrt(6), 0, -0.5, 0],
            [-2 / np.sqrt(6), -0.5, 0, 0],
            [0, 0, 0, 0],
        ]
    )
    np.testing.assert_allclose(plain, expected, atol=1e-6)

    shrunk = item_similarity(ratings, "cosine", shrinkage=10.0)
    # Items 1 and 2 are co-rated by u1 only: n_12 = 1, so -1/2 * 1 / (1 + 10) = -1/22.
    assert shrunk[1, 2] == pytest.approx(-1 / 22, abs=1e-6)
    # Items 0 and 1 by u0 and u1: n_01 = 2, so 2/sqrt(6) * 2/12.
    assert shrunk[0, 1] == pytest.approx(2 / np.sqrt(6) / 6, abs=1e-6)


def test_item_similarity_rejects_an_unknown_measure_or_negative_shrinkage():
    ratings = sparse.csr_matrix(TOY)
    with pytest.raises(ValueError, match="measure"):
        item_similarity(ratings, "jaccard")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="shrinkage"):
        item_similarity(ratings, "cosine", shrinkage=-1.0)


thumbs_matrices = arrays(
    np.float32,
    st.tuples(st.integers(1, 12), st.integers(1, 9)),
    elements=st.sampled_from([-1.0, 0.0, 0.0, 1.0]),
)


@given(thumbs_matrices, st.sampled_from(["cosine", "pearson"]), st.sampled_from([0.0, 2.5, 10.0]))
@settings(max_examples=150, deadline=None)
def test_item_similarity_is_symmetric_bounded_with_a_zero_diagonal(ratings, measure, shrinkage):
    similarity = item_similarity(sparse.csr_matrix(ratings), measure, shrinkage)
    n_items = ratings.shape[1]
    assert similarity.shape == (n_items, n_items)
    assert similarity.dtype == np.float32
    np.testing.assert_allclose(similarity, similarity.T, atol=1e-6)
    assert np.all(np.diag(similarity) == 0)
    assert np.all(np.abs(similarity) <= 1)
    empty = ~(ratings != 0).any(axis=0)
    assert np.all(similarity[empty] == 0)


def test_rating_matrix_keeps_the_last_step_and_drops_unknown_items(tiny_catalogue, caplog):
    log = pd.DataFrame(
        {
            "user_id": ["zoe", "amy", "zoe", "amy", "amy", "zoe"],
            "item_id": ["c2", "b1", "c2", "nope", "b1", "a1"],
            "thumbs": [1, 1, -1, 1, -1, 1],
            "step": [3, 5, 1, 6, 2, 0],
        }
    )
    with caplog.at_level(logging.INFO, logger="recsys.collaborative"):
        ratings = rating_matrix(log, tiny_catalogue)
    assert "dropped 1 of 6" in caplog.text
    # Rows: users sorted (amy, zoe); columns: catalogue order a1 a2 b1 b2 c1 c2.
    # amy rated b1 at step 5 (+1) and step 2 (-1): step 5 wins although it comes first.
    # zoe rated c2 at step 3 (+1) and step 1 (-1): step 3 wins.
    expected = np.array([[0, 0, 1, 0, 0, 0], [1, 0, 0, 0, 0, 1]], dtype=np.float32)
    assert ratings.dtype == np.float32
    np.testing.assert_array_equal(ratings.toarray(), expected)
    assert ratings.has_canonical_format


def test_rating_matrix_equal_steps_go_to_the_later_row_and_bad_input_speaks(tiny_catalogue):
    log = pd.DataFrame(
        {"user_id": ["u", "u"], "item_id": ["a1", "a1"], "thumbs": [1, -1], "step": [4, 4]}
    )
    assert rating_matrix(log, tiny_catalogue).toarray()[0, 0] == -1
    with pytest.raises(ValueError, match="step"):
        rating_matrix(log.drop(columns="step"), tiny_catalogue)
    with pytest.raises(ValueError, match="thumbs"):
        rating_matrix(log.assign(thumbs=[1, 0]), tiny_catalogue)


def test_fit_on_an_empty_log_gives_zeros(tiny_catalogue):
    log = pd.DataFrame({"user_id": [], "item_id": [], "thumbs": [], "step": []})
    model = fit_collaborative(log, tiny_catalogue)
    assert model.ratings.shape == (0, 6)
    assert model.user_ids == ()
    assert not model.item_similarity.any()
    assert not model.popularity.any()
    feedback = np.eye(6)[:2]
    assert not item_based_scores(model, feedback).any()
    assert not user_based_scores(model, feedback).any()


def test_fit_collaborative_records_users_catalogue_and_is_read_only(tiny_catalogue):
    model = fit_collaborative(log_from(TOY_EVENTS), tiny_catalogue, "pearson", shrinkage=0.0)
    assert model.user_ids == ("u0", "u1", "u2")
    assert (model.n_users, model.n_items) == (3, 6)
    assert model.measure == "pearson"
    assert model.catalogue_fingerprint == tiny_catalogue.fingerprint
    np.testing.assert_array_equal(model.ratings.toarray()[:, :3], TOY)
    np.testing.assert_array_equal(model.ratings_by_item.toarray(), model.ratings.toarray().T)
    with pytest.raises(ValueError, match="read-only"):
        model.item_similarity[0, 1] = 1.0
    with pytest.raises(ValueError, match="read-only"):
        model.ratings.data[0] = 5.0


def test_with_measure_is_the_model_fitted_under_that_measure(tiny_catalogue):
    cosine = fit_collaborative(log_from(TOY_EVENTS), tiny_catalogue, "cosine", shrinkage=2.0)
    pearson = fit_collaborative(log_from(TOY_EVENTS), tiny_catalogue, "pearson", shrinkage=2.0)
    switched = with_measure(cosine, "pearson")
    assert switched.measure == "pearson" and switched.shrinkage == 2.0
    np.testing.assert_array_equal(switched.item_similarity, pearson.item_similarity)
    assert switched.ratings is cosine.ratings  # shared, not read again
    with pytest.raises(ValueError, match="read-only"):
        switched.item_similarity[0, 1] = 1.0


def test_popularity_by_hand():
    # Likes per item: 3, 1, 0 (item 1 also has one thumbs-down, which does not count).
    ratings = sparse.csr_matrix(np.array([[1, 1, 0], [1, -1, 0], [1, 0, -1]], dtype=np.float32))
    # log(1 + 3) / log(4) = 1;  log(1 + 1) / log(4) = log 2 / (2 log 2) = 1/2;  log(1) = 0.
    np.testing.assert_allclose(popularity(ratings), [1.0, 0.5, 0.0])
    assert not popularity(sparse.csr_matrix((4, 3), dtype=np.float32)).any()


def test_item_means_by_hand(tiny_catalogue):
    model = fit_collaborative(log_from(TOY_EVENTS), tiny_catalogue, "cosine", shrinkage=0.0)
    # overall mean thumb 3/7; MEAN_PRIOR = 5 pseudo-ratings of 3/7 each
    # a1: (1 + 15/7) / 8 = 22/56;  a2: (2 + 15/7) / 7 = 29/49;  b1: (0 + 15/7) / 7 = 15/49;
    # never rated: (15/7) / 5 = 3/7
    expected = [22 / 56, 29 / 49, 15 / 49, 3 / 7, 3 / 7, 3 / 7]
    np.testing.assert_allclose(model.item_means, expected)
    assert MEAN_PRIOR == 5.0


def test_item_based_scores_by_hand(tiny_catalogue):
    model = fit_collaborative(log_from(TOY_EVENTS), tiny_catalogue, "cosine", shrinkage=0.0)
    mu = model.item_means
    # The visitor liked a1 (item 0) and b1 (item 2). With sim(0, 1) = a = 2/sqrt(6),
    # sim(0, 2) = -a and sim(1, 2) = -1/2 (test_cosine_and_shrinkage_by_hand), damping 1:
    #   cf(1) = mu1 + (a (1 - mu0) - 1/2 (1 - mu2)) / (a + 1/2 + 1)
    #   cf(0) = mu0 + (-a (1 - mu2)) / (a + 1)       (its only rated neighbour is b1)
    #   cf(2) = mu2 + (-a (1 - mu0)) / (a + 1)
    #   items 3-5: no rated neighbour, their mean 3/7
    feedback = np.array([1.0, 0, 1.0, 0, 0, 0])
    a, b = 2 / np.sqrt(6), 0.5
    expected = [
        mu[0] - a * (1 - mu[2]) / (a + 1),
        mu[1] + (a * (1 - mu[0]) - b * (1 - mu[2])) / (a + b + 1),
        mu[2] - a * (1 - mu[0]) / (a + 1),
        3 / 7,
        3 / 7,
        3 / 7,
    ]
    scores = item_based_scores(model, feedback)
    assert scores.shape == (1, 6)
    assert scores.dtype == np.float64
    np.testing.assert_allclose(scores[0], expected, atol=1e-6)
    assert DAMPING == 1.0
    with pytest.raises(ValueError, match="damping"):
        item_based_scores(model, feedback, damping=0.0)


def test_one_thumb_on_a_weak_neighbour_is_weak_evidence(rng):
    # The old estimator divided by the evidence itself: one like made cf(i) = sign(sim(i, j))
    # for every item with any co-rater, so a similarity of 0.0003 scored 0.99999. Now an item
    # moves from its mean by at most 2 |sim| / (|sim| + 1) < 2 |sim|.
    catalogue = synthetic_catalogue(60)
    model = fit_collaborative(random_log(rng, catalogue, 200, 10), catalogue, "cosine")
    liked = int(np.argmax(model.ratings_by_item.getnnz(axis=1)))  # the most rated item
    feedback = np.zeros(60)
    feedback[liked] = 1.0
    scores = item_based_scores(model, feedback)[0]
    sim = np.abs(model.item_similarity[liked].astype(np.float64))
    moved = np.abs(scores - model.item_means)
    assert (moved <= 2 * sim + 1e-6).all()
    others = np.arange(60) != liked
    assert (np.abs(scores[others]) < 0.999).all()  # no item is certain after one thumb


def test_only_disliked_items_rank_below_mixed_ones_under_pearson(tiny_catalogue):
    # b2 was only ever disliked, c1 has mixed evidence; neither shares a rater with a1, which
    # the visitor liked. Pearson used to give a unanimous item zero similarity to everything,
    # so both scored a neutral 0. Each now scores its own (shrunk) approval rate.
    events = [("u0", "a1", 1), ("u1", "a1", 1), ("u2", "a1", -1)]
    events += [(f"v{k}", "b2", -1) for k in range(3)]
    events += [("w0", "c1", 1), ("w1", "c1", 1), ("w2", "c1", -1)]
    model = fit_collaborative(log_from(events), tiny_catalogue, "pearson")
    feedback = np.zeros(6)
    feedback[tiny_catalogue.position("a1")] = 1.0
    scores = item_based_scores(model, feedback)[0]
    assert scores[tiny_catalogue.position("b2")] < scores[tiny_catalogue.position("c1")]
    assert scores[tiny_catalogue.position("b2")] < scores[tiny_catalogue.position("b1")] < 1


def test_item_based_scores_batched_equal_one_at_a_time(rng):
    catalogue = synthetic_catalogue(40)
    model = fit_collaborative(random_log(rng, catalogue, 60, 8), catalogue, "pearson")
    feedback = random_feedback(rng, 7, 40, 5)
    feedback[3] = 0.0  # an all-zero row in the batch
    batched = item_based_scores(model, feedback)
    assert batched.shape == (7, 40)
    for row, expected in zip(feedback, batched, strict=True):
        np.testing.assert_allclose(item_based_scores(model, row)[0], expected, atol=1e-12)
    np.testing.assert_allclose(item_based_scores(model, sparse.csr_matrix(feedback)), batched)
    np.testing.assert_allclose(batched[3], model.item_means)
    assert np.all(np.abs(batched) <= 1)


def test_all_zero_feedback_scores_each_items_mean(rng):
    catalogue = synthetic_catalogue(30)
    model = fit_collaborative(random_log(rng, catalogue, 40, 6), catalogue)
    zeros = np.zeros((3, 30))
    np.testing.assert_allclose(item_based_scores(model, zeros), np.tile(model.item_means, (3, 1)))
    assert not user_based_scores(model, zeros).any()
    with pytest.raises(ValueError, match="columns"):
        item_based_scores(model, np.zeros((1, 29)))


# A 3-user log for the user-based hand test, over items a1, a2, b1 (columns 0, 1, 2):
#
#          a1  a2  b1
#    v0 [  +1  +1   0 ]
#    v1 [  +1  -1  +1 ]
#    v2 [  -1   0  +1 ]
USER_EVENTS = [
    ("v0", "a1", 1),
    ("v0", "a2", 1),
    ("v1", "a1", 1),
    ("v1", "a2", -1),
    ("v1", "b1", 1),
    ("v2", "a1", -1),
    ("v2", "b1", 1),
]


def test_user_based_scores_by_hand(tiny_catalogue):
    model = fit_collaborative(log_from(USER_EVENTS), tiny_catalogue)
    feedback = np.array([1.0, 0, 0, 0, 0, 0])  # the visitor liked a1
    # s_v0 = 1 / (1 * sqrt(2)),  s_v1 = 1 / sqrt(3),  s_v2 = -1 / sqrt(2) < 0: not a neighbour.
    #   cf(a2) = (s_v0 * 1 + s_v1 * (-1)) / (s_v0 + s_v1) = (0.7071 - 0.5774) / 1.2845 = 0.1010
    #   cf(b1) = s_v1 * 1 / s_v1 = 1   (v0 never rated b1, so it is not in the denominator)
    #   cf(a1) = 1;  b2, c1, c2: nobody rated them, 0.
    s0, s1 = 1 / np.sqrt(2), 1 / np.sqrt(3)
    scores = user_based_scores(model, feedback)
    np.testing.assert_allclose(scores[0], [1.0, (s0 - s1) / (s0 + s1), 1.0, 0, 0, 0], atol=1e-6)
    assert (s0 - s1) / (s0 + s1) == pytest.approx(0.1010, abs=1e-4)
    # One neighbour: only v0 (the most similar) votes, so a2 gets +1 and b1 nothing.
    one = user_based_scores(model, feedback, neighbours=1)
    np.testing.assert_allclose(one[0], [1.0, 1.0, 0, 0, 0, 0], atol=1e-6)
    assert not user_based_scores(model, feedback, neighbours=0).any()


def test_user_based_ties_at_the_cut_go_to_the_lower_row(tiny_catalogue):
    # w0 and w1 are equally similar to the visitor; with one neighbour, w0 (the lower row) votes.
    events = [("w0", "a1", 1), ("w0", "b1", 1), ("w1", "a1", 1), ("w1", "b1", -1)]
    model = fit_collaborative(log_from(events), tiny_catalogue)
    scores = user_based_scores(model, np.array([1.0, 0, 0, 0, 0, 0]), neighbours=1)
    assert scores[0, 2] == pytest.approx(1.0)


def test_user_based_scores_batched_equal_one_at_a_time(rng):
    catalogue = synthetic_catalogue(40)
    model = fit_collaborative(random_log(rng, catalogue, 80, 8), catalogue)
    feedback = random_feedback(rng, 6, 40, 6)
    batched = user_based_scores(model, sparse.csr_matrix(feedback), neighbours=10)
    assert batched.shape == (6, 40)
    for row, expected in zip(feedback, batched, strict=True):
        np.testing.assert_allclose(
            user_based_scores(model, row, neighbours=10)[0], expected, atol=1e-12
        )
    assert np.all(np.abs(batched) <= 1 + 1e-9)
    assert batched.any()

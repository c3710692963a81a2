import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from recsys.ranking import WEAK_MATCH, closest_match, cosine_scores, minmax_over, top_k, top_k_rows

scores_strategy = arrays(
    np.float64,
    st.integers(0, 60),
    elements=st.sampled_from(
        [-1.0, -0.5, 0.0, 0.1, 0.25, 0.5, 0.75, 1.0]  # few values: many ties
    ),
)


def reference_top_k(scores, k, exclude):
    order = sorted((i for i in range(len(scores)) if not exclude[i]), key=lambda i: (-scores[i], i))
    return order[:k]


@given(scores_strategy, st.integers(0, 70), st.data())
def test_top_k_matches_a_full_sort_with_index_tie_breaks(scores, k, data):
    exclude = np.array(
        data.draw(st.lists(st.booleans(), min_size=len(scores), max_size=len(scores))), dtype=bool
    )
    chosen = top_k(scores, k, exclude)
    assert chosen.tolist() == reference_top_k(scores, k, exclude)
    assert len(chosen) == min(k, int((~exclude).sum()))
    assert np.all(np.diff(scores[chosen]) <= 0)  # sorted best first
    assert not exclude[chosen].any()


def test_top_k_breaks_ties_by_position_by_hand():
    scores = np.array([0.5, 0.9, 0.5, 0.9, 0.1])
    assert top_k(scores, 3).tolist() == [1, 3, 0]


def test_top_k_skips_nan_and_handles_empty():
    assert top_k(np.array([np.nan, 0.2]), 5).tolist() == [1]
    assert top_k(np.zeros(0), 3).tolist() == []
    assert top_k(np.ones(3), 0).tolist() == []


def test_cosine_scores_are_one_product(rng):
    items = rng.standard_normal((5, 3)).astype(np.float32)
    items /= np.linalg.norm(items, axis=1, keepdims=True)
    query = items[2]
    scores = cosine_scores(items, query)
    assert scores.shape == (5,)
    assert scores[2] == np.float32(1.0) or abs(scores[2] - 1) < 1e-6
    assert top_k(scores, 1).tolist() == [2]


def test_closest_match_is_the_best_cosine():
    items = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]], dtype=np.float32)
    query = np.array([0.8, 0.6], dtype=np.float32)
    # by hand: 0.8, 0.48 + 0.48 = 0.96, 0.6
    assert closest_match(items, query) == pytest.approx(0.96)
    assert closest_match(items[:0], query) == -1.0


@pytest.mark.slow
def test_words_the_model_cannot_read_are_a_weak_match_and_english_is_not(real_encoder):
    from recsys.embeddings import EMBEDDINGS_PATH

    items = np.load(EMBEDDINGS_PATH)
    texts = ["jazz, hiking, Italian cooking", "cars", "ジャズとハイキング", "qwerty asdf"]
    english, short, japanese, letters = real_encoder.encoder.encode(texts)
    assert closest_match(items, english) > WEAK_MATCH and closest_match(items, short) > WEAK_MATCH
    assert (
        closest_match(items, japanese) < WEAK_MATCH and closest_match(items, letters) < WEAK_MATCH
    )


@given(
    arrays(
        st.sampled_from([np.float32, np.float64]),
        st.tuples(st.integers(1, 6), st.integers(0, 40)),
        elements=st.sampled_from([-1.0, 0.0, 0.25, 0.5, 1.0, np.nan]),  # ties and NaN
    ),
    st.integers(0, 45),
    st.data(),
)
def test_top_k_rows_matches_a_full_sort_row_by_row(scores, k, data):
    # the partition path, its tie rows, rows with fewer eligible items than k, rows with none
    eligible = data.draw(arrays(np.bool_, scores.shape))
    chosen = top_k_rows(scores, eligible, k)
    assert chosen.shape == (len(scores), min(k, scores.shape[1]))
    for row, picks in enumerate(chosen):
        exclude = ~eligible[row] | np.isnan(scores[row])
        expected = reference_top_k(scores[row], k, exclude)
        assert picks.tolist() == expected + [-1] * (len(picks) - len(expected))
        real = picks[picks >= 0]
        assert np.all(np.diff(scores[row][real]) <= 0) and not exclude[real].any()


def test_minmax_over_is_float32_and_rescales_one_row_for_everyone():
    values = np.array([[1.0, 3.0, 5.0]])  # one row for two users who may see different items
    eligible = np.array([[True, True, True], [False, True, True]])
    scaled = minmax_over(values, eligible)
    assert scaled.dtype == np.float32
    np.testing.assert_allclose(scaled, [[0, 0.5, 1], [-1, 0, 1]])

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from recsys.ranking import cosine_scores, top_k

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

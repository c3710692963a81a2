import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from recsys.context import RankingContext
from recsys.encoder import l2_normalise
from recsys.multi_interest import RETIRE_AFTER, Interests, allocate, compose
from recsys.ranker import build_ranker
from recsys.slates import SlateRequest
from recsys.strategy import PRESETS

AXES = np.eye(3, dtype=np.float32)


def _three(present=(True, True, True)) -> Interests:
    return Interests.start(AXES[None, :, :], np.array([present]))


def test_weights_start_equal_and_follow_the_thumbs_by_hand():
    interests = _three()
    np.testing.assert_allclose(interests.weights, [[0.5, 0.5, 0.5]])  # (1 + 0) / (2 + 0)
    item = np.array([[1.0, 0.1, 0.0]], dtype=np.float32)  # nearest interest 0
    moved = interests.record(
        np.array([0]), l2_normalise(item), np.array([1], np.int8), 0.3, 0.2, 0.25
    )
    assert moved.tolist() == [0]
    # likes (1, 0, 0): w_0 = (1 + 1) / (2 + 1) = 2/3, the others stay 1/2
    np.testing.assert_allclose(interests.weights, [[2 / 3, 0.5, 0.5]])
    assert interests.likes.tolist() == [[1, 0, 0]] and interests.dislikes.sum() == 0


def test_only_the_nearest_interest_moves_by_the_page_rule():
    interests = _three()
    item = l2_normalise(np.array([[0.0, 0.6, 0.8]], dtype=np.float32))  # nearest: axis 2 (0.8)
    interests.record(np.array([0]), item, np.array([1], np.int8), 0.5, 0.2, 0.25)
    # u_2 = normalise(e_2 + 0.5 (h - e_2)) = normalise((0, 0.3, 0.9)) = (0, 0.316, 0.949)
    np.testing.assert_allclose(interests.vectors[0, 2], [0.0, 0.3162278, 0.9486833], atol=1e-6)
    np.testing.assert_allclose(interests.vectors[0, :2], AXES[:2])


def test_thumbs_down_retire_an_interest_but_never_the_last_one():
    interests = Interests.start(AXES[None, :2, :], np.array([[True, True]]))
    down = np.array([-1], np.int8)
    for _ in range(RETIRE_AFTER):
        interests.record(np.array([0]), AXES[None, 0], down, 0.3, 0.2, 0.0)
    # D_0 - L_0 = 3 = RETIRE_AFTER: interest 0 is retired
    assert interests.weights[0, 0] == 0.0 and interests.weights[0, 1] == 0.5
    alone = Interests.start(AXES[None, :1, :], np.array([[True]]))
    for _ in range(RETIRE_AFTER + 2):
        alone.record(np.array([0]), AXES[None, 0], down, 0.3, 0.2, 0.0)
    assert alone.weights[0, 0] > 0  # 1 / 7, kept alive: a list needs an interest


def test_allocation_by_hand():
    # weights 2/3, 1/2, 1/2 over k = 10: one each, then 7 by share:
    # 7 * (0.667, 0.5, 0.5) / 1.667 = (2.8, 2.1, 2.1) -> whole (2, 2, 2), one left to the
    # largest remainder (0.8, interest 0): slots (4, 3, 3)
    assert allocate(np.array([[2 / 3, 0.5, 0.5]]), 10).tolist() == [[4, 3, 3]]
    # fewer slots than interests: the strongest get one each
    assert allocate(np.array([[0.2, 0.9, 0.5]]), 2).tolist() == [[0, 1, 1]]
    assert allocate(np.array([[0.0, 0.5, 0.0]]), 3).tolist() == [[0, 3, 0]]


@given(
    st.lists(st.floats(0.05, 1.0), min_size=1, max_size=5),
    st.integers(1, 30),
)
def test_every_live_interest_gets_a_slot(weights, k):
    slots = allocate(np.array([weights]), k)
    assert slots.sum() == k
    if k >= len(weights):
        assert (slots > 0).all()


def test_compose_fills_each_interests_slots_and_orders_by_score():
    lists = np.array([[[10, 11, 12], [20, 10, 21]]])  # item 10 is also interest 1's second
    scores = np.array([[[0.9, 0.5, 0.1], [0.8, 0.7, 0.6]]])
    positions, serves = compose(lists, scores, np.array([[2, 2]]), np.array([[0.5, 0.5]]), 4)
    # interest 0 takes 10, 11; interest 1 takes 20, then 21 (10 is taken); by score:
    # 10 (0.9), 20 (0.8), 21 (0.6), 11 (0.5)
    assert positions.tolist() == [[10, 20, 21, 11]]
    assert serves.tolist() == [[0, 1, 1, 0]]


def test_an_interest_that_runs_out_leaves_its_slots_to_the_others():
    lists = np.array([[[5, -1, -1], [6, 7, 8]]])
    scores = np.array([[[0.9, 0.0, 0.0], [0.3, 0.2, 0.1]]])
    positions, serves = compose(lists, scores, np.array([[2, 1]]), np.array([[0.6, 0.5]]), 3)
    assert positions.tolist() == [[5, 6, 7]] and serves.tolist() == [[0, 1, 1]]


def _context(rng, n=60):
    vectors = l2_normalise(rng.standard_normal((n, 3)).astype(np.float32))
    return vectors, RankingContext(item_vectors=vectors, hook=np.zeros(n))


def test_the_multi_interest_ranker_keeps_every_interest_in_the_list(rng):
    vectors, context = _context(rng)
    interests = _three()
    queries, weights = interests.for_ranking(True, 0.25)
    request = SlateRequest(
        queries=l2_normalise(AXES.sum(axis=0, keepdims=True)),
        feedback=np.zeros((1, 60), np.float32),
        eligible=np.ones((1, 60), bool),
        rated_positions=np.full((1, 30), -1),
        interest_queries=queries,
        interest_weights=weights,
    )
    slates = build_ranker(PRESETS["Adaptive (multi-interest)"], context)(request, 9, rng)
    assert sorted(np.bincount(slates.serves[0], minlength=3).tolist()) == [3, 3, 3]
    assert len(set(slates.positions[0].tolist())) == 9
    for slot, item in enumerate(slates.positions[0]):  # each item is close to what it serves
        serves = slates.serves[0, slot]
        assert vectors[item] @ AXES[serves] == pytest.approx(slates.similarity[0, slot], abs=1e-5)


def test_without_interest_queries_the_preset_ranks_like_adaptive(rng):
    vectors, context = _context(rng)
    request = SlateRequest(
        queries=vectors[:1],
        feedback=np.zeros((1, 60), np.float32),
        eligible=np.ones((1, 60), bool),
        rated_positions=np.full((1, 30), -1),
    )
    multi = build_ranker(PRESETS["Adaptive (multi-interest)"], context)(request, 5, rng)
    single = build_ranker(PRESETS["Adaptive (feedback)"], context)(request, 5, rng)
    assert multi.positions.tolist() == single.positions.tolist() and multi.serves is None


def _allocate_one(weights, k):
    """The module docstring's rule for one user, written out plainly."""
    live = [j for j in range(len(weights)) if weights[j] > 0]
    slots = [0] * len(weights)
    if not live or k <= 0:
        return slots
    if k <= len(live):
        for j in sorted(live, key=lambda j: (-weights[j], j))[:k]:
            slots[j] = 1
        return slots
    total = sum(weights[j] for j in live)
    share = {j: weights[j] / total * (k - len(live)) for j in live}
    for j in live:
        slots[j] = 1 + math.floor(share[j])
    left = k - sum(slots)
    for j in sorted(live, key=lambda j: (-(share[j] - math.floor(share[j])), j))[:left]:
        slots[j] += 1
    return slots


@given(
    st.lists(
        st.lists(st.sampled_from([0.0, 0.25, 1 / 3, 0.5, 2 / 3, 0.9]), min_size=4, max_size=4),
        min_size=1,
        max_size=6,
    ),
    st.integers(0, 25),
)
def test_allocation_for_many_users_at_once_is_the_rule_user_by_user(weights, k):
    slots = allocate(np.array(weights), k)
    assert slots.tolist() == [_allocate_one(row, k) for row in weights]

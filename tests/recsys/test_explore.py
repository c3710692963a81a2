import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from recsys.explore import (
    DrawSpread,
    epsilon_greedy,
    posterior_covariance,
    thompson_queries,
    thompson_spread,
)


def random_slates(rng, m, n, k, eligible_share=0.9):
    """(m, k) distinct items per row and an (m, n) eligible mask."""
    slate = np.argsort(rng.random((m, n)), axis=1)[:, :k].astype(np.intp)
    eligible = rng.random((m, n)) < eligible_share
    return slate, eligible


def assert_covariance_close(samples, expected, mean=None):
    """Sample mean and covariance of (N, d) draws against N(mean, expected), entry by entry.

    For Gaussian draws the sample covariance entry (i, j) has standard deviation
    sqrt((S_ij^2 + S_ii S_jj) / N) and the sample mean of dim i sqrt(S_ii / N); each is allowed
    5 standard deviations (a false alarm about once in 1.7 million entries)."""
    n_draws = samples.shape[0]
    expected = np.asarray(expected, dtype=np.float64)
    variances = np.diag(expected)
    if mean is not None:
        mean_sd = np.sqrt(variances / n_draws)
        assert np.all(np.abs(samples.mean(axis=0) - mean) < 5 * mean_sd)
    cov_sd = np.sqrt((expected**2 + np.outer(variances, variances)) / n_draws)
    empirical = np.cov(samples.astype(np.float64), rowvar=False)
    assert np.all(np.abs(empirical - expected) < 5 * cov_sd), (empirical, expected)


# --- epsilon-greedy ------------------------------------------------------------------------


@st.composite
def exploration_cases(draw):
    m = draw(st.integers(1, 4))
    n = draw(st.integers(0, 14))
    k = draw(st.integers(0, 6))
    rows = []
    for _ in range(m):
        items = draw(st.lists(st.integers(0, max(n - 1, 0)), unique=True, max_size=min(k, n)))
        row = items + [-1] * (k - len(items))
        rows.append(draw(st.permutations(row)) if row else row)
    slate = np.array(rows, dtype=np.intp).reshape(m, k)
    eligible = np.array(
        [draw(st.lists(st.booleans(), min_size=n, max_size=n)) for _ in range(m)], dtype=bool
    ).reshape(m, n)
    epsilon = draw(st.sampled_from([0.0, 0.25, 0.5, 1.0]))
    seed = draw(st.integers(0, 2**32 - 1))
    return slate, eligible, epsilon, seed


@settings(max_examples=300)
@given(exploration_cases())
def test_epsilon_greedy_keeps_every_promise(case):
    slate, eligible, epsilon, seed = case
    new, exploring = epsilon_greedy(slate, eligible, epsilon, np.random.default_rng(seed))
    assert new.shape == exploring.shape == slate.shape
    assert new.dtype == np.intp and exploring.dtype == np.bool_
    np.testing.assert_array_equal(new == -1, slate == -1)  # empty slots stay empty
    assert not exploring[slate == -1].any()
    np.testing.assert_array_equal(new[~exploring], slate[~exploring])  # unmarked = unchanged
    for user in range(slate.shape[0]):
        shown = new[user][new[user] >= 0]
        assert len(set(shown.tolist())) == shown.size  # no duplicates, ever
        original = set(slate[user][slate[user] >= 0].tolist())
        replacements = new[user][exploring[user]]
        assert eligible[user, replacements].all()
        assert not original & set(replacements.tolist())
        spare = int(eligible[user].sum()) - len({i for i in original if eligible[user, i]})
        filled = len(original)
        assert exploring[user].sum() <= min(spare, filled)
        if epsilon == 0.0:
            assert not exploring[user].any()
        if epsilon == 1.0:
            assert exploring[user].sum() == min(spare, filled)


def test_epsilon_zero_changes_nothing(rng):
    slate, eligible = random_slates(rng, 50, 100, 10)
    slate[::3, 7:] = -1
    new, exploring = epsilon_greedy(slate, eligible, 0.0, rng)
    np.testing.assert_array_equal(new, slate)
    assert not exploring.any()


def test_epsilon_one_replaces_every_filled_slot_with_distinct_eligible_items(rng):
    slate, eligible = random_slates(rng, 50, 100, 10, eligible_share=0.8)
    slate[::4, 6:] = -1
    new, exploring = epsilon_greedy(slate, eligible, 1.0, rng)
    np.testing.assert_array_equal(exploring, slate >= 0)
    np.testing.assert_array_equal(new[slate == -1], -1)
    for user in range(50):
        replaced = new[user][exploring[user]]
        assert eligible[user, replaced].all()
        assert len(set(replaced.tolist())) == replaced.size
        assert not set(replaced.tolist()) & set(slate[user].tolist())


def test_a_user_short_of_spare_items_keeps_the_later_slots_by_hand(rng):
    slate = np.array([[2, 5, -1, 7], [2, 5, -1, 7]], dtype=np.intp)
    eligible = np.zeros((2, 10), dtype=bool)
    eligible[0, [2, 5, 7, 9]] = True  # one spare item (9) for three filled slots
    eligible[1, [2, 5, 7]] = True  # none at all
    new, exploring = epsilon_greedy(slate, eligible, 1.0, rng)
    assert new.tolist() == [[9, 5, -1, 7], [2, 5, -1, 7]]
    assert exploring.tolist() == [[True, False, False, False], [False] * 4]


def test_epsilon_greedy_is_reproducible_under_a_seed(rng):
    slate, eligible = random_slates(rng, 200, 819, 10)
    seed = int(rng.integers(2**32))
    first = epsilon_greedy(slate, eligible, 0.3, np.random.default_rng(seed))
    second = epsilon_greedy(slate, eligible, 0.3, np.random.default_rng(seed))
    np.testing.assert_array_equal(first[0], second[0])
    np.testing.assert_array_equal(first[1], second[1])
    other = epsilon_greedy(slate, eligible, 0.3, np.random.default_rng(seed + 1))
    assert not np.array_equal(first[0], other[0])


def test_replacement_frequency_is_epsilon(rng):
    slate, eligible = random_slates(rng, 200, 819, 10)
    epsilon, calls = 0.1, 50
    replaced = sum(
        int(epsilon_greedy(slate, eligible, epsilon, rng)[1].sum()) for _ in range(calls)
    )
    slots = calls * slate.size  # 100,000 independent Bernoulli(epsilon) coins (spare is ample)
    # Binomial: sd of the frequency = sqrt(eps (1 - eps) / N) = sqrt(0.09 / 1e5) ~ 0.00095;
    # allow 5 sd.
    assert abs(replaced / slots - epsilon) < 5 * np.sqrt(epsilon * (1 - epsilon) / slots)


def test_every_slot_draws_uniformly_from_the_spare_items(rng):
    users = 20_000  # one batched call: the same slate for every user
    slate = np.tile(np.array([[0, 1, 2]], dtype=np.intp), (users, 1))
    eligible = np.ones((users, 12), dtype=bool)  # spare items: 3..11, nine of them
    new, _ = epsilon_greedy(slate, eligible, 1.0, rng)
    p = 1 / 9
    sd = np.sqrt(p * (1 - p) / users)  # binomial sd of one item's frequency in one slot
    for slot in range(3):
        frequency = np.bincount(new[:, slot], minlength=12) / users
        assert frequency[:3].sum() == 0
        assert np.all(np.abs(frequency[3:] - p) < 5 * sd)


def test_epsilon_greedy_explains_bad_input(rng):
    slate, eligible = random_slates(rng, 2, 10, 3)
    with pytest.raises(ValueError, match="epsilon"):
        epsilon_greedy(slate, eligible, 1.5, rng)
    with pytest.raises(ValueError, match="same m users"):
        epsilon_greedy(slate, eligible[:1], 0.1, rng)
    with pytest.raises(ValueError, match="item positions"):
        epsilon_greedy(slate + 10, eligible, 0.1, rng)


# --- Thompson-style queries ----------------------------------------------------------------


def test_posterior_covariance_by_hand():
    # d = 2, X = [[1, 0]], sigma0 = sigma = 1: precision = I / 1 + X^T X / 1 = [[2, 0], [0, 1]],
    # so Sigma = diag(1/2, 1): the rated direction halves, the other keeps the prior.
    sigma = posterior_covariance(np.array([[1.0, 0.0]]), prior_scale=1.0, noise_scale=1.0)
    np.testing.assert_allclose(sigma, [[0.5, 0.0], [0.0, 1.0]])
    # No ratings: the prior, sigma0^2 I.
    np.testing.assert_allclose(
        posterior_covariance(np.zeros((0, 3)), 0.08, 0.5), 0.0064 * np.eye(3)
    )


def test_thompson_spread_by_hand_and_against_the_covariance(rng):
    # d = 2, X = [[1, 0]], sigma0 = sigma = 1: Sigma = diag(1/2, 1) (previous test), so the
    # rated direction's spread is sqrt(1/2) and the other keeps sigma0 = 1.
    items = np.array([[1.0, 0.0], [0.0, 1.0]])
    spread = thompson_spread(np.array([[1.0, 0.0]]), items, 1.0, 1.0)
    np.testing.assert_allclose(spread, [np.sqrt(0.5), 1.0])
    np.testing.assert_allclose(thompson_spread(np.zeros((0, 2)), items, 0.08, 0.5), [0.08, 0.08])
    x, vectors = rng.standard_normal((5, 6)), rng.standard_normal((7, 6))
    sigma = posterior_covariance(x, 0.2, 0.4)
    by_matrix = np.sqrt(np.einsum("nd,de,ne->n", vectors, sigma, vectors))
    np.testing.assert_allclose(thompson_spread(x, vectors, 0.2, 0.4), by_matrix, rtol=1e-10)


def test_thompson_spread_narrows_with_each_thumb_along_what_was_rated():
    # rated n times along x alone: x^T Sigma x = 1 / (1 / sigma0^2 + n / sigma^2)
    x = np.array([[1.0, 0.0, 0.0]])
    for n in (1, 5, 30):
        got = thompson_spread(np.repeat(x, n, axis=0), x, 0.08, 0.5)[0]
        assert got == pytest.approx(np.sqrt(1 / (1 / 0.08**2 + n / 0.5**2)))


def test_draw_spread_summarises_the_list():
    x = np.array([[1.0, 0.0, 0.0]])
    listed = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]])
    spread = DrawSpread.of(np.repeat(x, 4, axis=0), listed, 0.1, 0.2)
    along = np.sqrt(1 / (1 / 0.01 + 4 / 0.04))  # rated 4 times; the other item keeps 0.1
    assert spread.in_list == pytest.approx((along + 0.1) / 2)
    assert (spread.prior, spread.thumbs, spread.prior_thumbs) == (0.1, 4, pytest.approx(4.0))


def test_matheron_covariance_is_the_posterior_by_woodbury(rng):
    # Cov(xi) = s0^2 I - s0^4 X^T K^{-1} X with K = s0^2 X X^T + s^2 I (module docstring).
    x = rng.standard_normal((4, 6))
    s0, s = 0.3, 0.7
    k_matrix = s0**2 * x @ x.T + s**2 * np.eye(4)
    pathwise = s0**2 * np.eye(6) - s0**4 * x.T @ np.linalg.solve(k_matrix, x)
    np.testing.assert_allclose(pathwise, posterior_covariance(x, s0, s), atol=1e-12)


def test_no_ratings_draw_from_the_prior(rng):
    users, d = 40_000, 3
    query = np.array([0.6, 0.8, 0.0], dtype=np.float32)
    queries = np.tile(query, (users, 1))
    draws = thompson_queries(
        queries, np.zeros((users, 0, d), np.float32), np.zeros((users, 0), bool), rng
    )
    assert draws.shape == (users, d) and draws.dtype == np.float32
    assert_covariance_close(draws, 0.08**2 * np.eye(d), mean=query)  # xi ~ N(0, sigma0^2 I)


def test_one_rating_matches_the_hand_computed_posterior(rng):
    users = 40_000
    queries = np.zeros((users, 2), np.float32)
    rated = np.tile(np.array([[[1.0, 0.0]]], np.float32), (users, 1, 1))
    draws = thompson_queries(queries, rated, np.ones((users, 1), bool), rng, 1.0, 1.0)
    assert_covariance_close(draws, np.diag([0.5, 1.0]), mean=np.zeros(2))  # by hand, above


def test_padded_rows_change_nothing(rng):
    users = 40_000
    queries = np.zeros((users, 2), np.float32)
    rated = np.zeros((users, 2, 2), np.float32)
    rated[:, 0] = [1.0, 0.0]
    rated[:, 1] = [3.0, 4.0]  # padding: whatever it holds is zeroed before use
    mask = np.zeros((users, 2), bool)
    mask[:, 0] = True
    # A zero row adds 0 0^T to X^T X, so the explicit Sigma is unchanged ...
    np.testing.assert_allclose(
        posterior_covariance(np.array([[1.0, 0.0], [0.0, 0.0]]), 1.0, 1.0),
        posterior_covariance(np.array([[1.0, 0.0]]), 1.0, 1.0),
    )
    # ... and the padded draws have the same distribution as the unpadded ones: diag(1/2, 1).
    padded = thompson_queries(queries, rated, mask, rng, 1.0, 1.0)
    unpadded = thompson_queries(queries, rated[:, :1], mask[:, :1], rng, 1.0, 1.0)
    for draws in (padded, unpadded):
        assert_covariance_close(draws, np.diag([0.5, 1.0]), mean=np.zeros(2))
    # Same seed, same shapes: padding holding zeros, garbage or NaN gives identical draws.
    for garbage in (0.0, np.nan):
        other = rated.copy()
        other[:, 1] = garbage
        again = thompson_queries(queries, other, mask, np.random.default_rng(7), 1.0, 1.0)
        np.testing.assert_array_equal(
            again, thompson_queries(queries, rated, mask, np.random.default_rng(7), 1.0, 1.0)
        )


def test_batched_users_each_get_their_own_posterior(rng):
    d, t, copies = 3, 3, 30_000
    user_queries = np.eye(d, dtype=np.float32)
    user_rated = rng.standard_normal((3, t, d)).astype(np.float32)
    user_rated /= np.linalg.norm(user_rated, axis=2, keepdims=True)
    user_mask = np.array([[False] * 3, [True, False, False], [True, True, True]])
    # Three users (no ratings, one, three), interleaved copies in one call: rows u, u+3, ...
    draws = thompson_queries(
        np.tile(user_queries, (copies, 1)),
        np.tile(user_rated, (copies, 1, 1)),
        np.tile(user_mask, (copies, 1)),
        rng,
        prior_scale=0.5,
        noise_scale=0.4,
    )
    for user in range(3):
        expected = posterior_covariance(user_rated[user][user_mask[user]], 0.5, 0.4)
        assert_covariance_close(draws[user::3], expected, mean=user_queries[user])


def test_thompson_is_reproducible_under_a_seed(rng):
    m, t, d = 20, 5, 16
    queries = rng.standard_normal((m, d)).astype(np.float32)
    rated = rng.standard_normal((m, t, d)).astype(np.float32)
    mask = rng.random((m, t)) < 0.6
    seed = int(rng.integers(2**32))
    first = thompson_queries(queries, rated, mask, np.random.default_rng(seed))
    second = thompson_queries(queries, rated, mask, np.random.default_rng(seed))
    np.testing.assert_array_equal(first, second)
    assert not np.array_equal(first, thompson_queries(queries, rated, mask, rng))


def test_variance_along_a_rated_direction_shrinks_with_each_rating(rng):
    direction = np.array([1.0, 0.0, 0.0])
    counts = [0, 1, 2, 4, 8]
    # Explicit: rated n times along e1 alone, Sigma_11 = 1 / (1 / s0^2 + n / s^2); others s0^2.
    explicit = [posterior_covariance(np.tile(direction, (n, 1)), 0.08, 0.5) for n in counts]
    along = [sigma[0, 0] for sigma in explicit]
    np.testing.assert_allclose(along, [1 / (1 / 0.08**2 + n / 0.5**2) for n in counts])
    assert np.all(np.diff(along) < 0)
    np.testing.assert_allclose([sigma[1, 1] for sigma in explicit], 0.08**2)
    # Sampled, with sigma0 = sigma = 1 for a visible effect: 1, 1/2, 1/3, 1/5, 1/9.
    users = 20_000
    sampled = []
    for n in counts:
        rated = np.tile(direction.astype(np.float32), (users, n, 1))
        draws = thompson_queries(
            np.zeros((users, 3), np.float32), rated, np.ones((users, n), bool), rng, 1.0, 1.0
        )
        sampled.append(draws[:, 0].var())
    # Sample variance sd ~ var * sqrt(2 / N) = 1%; 5 sd.
    np.testing.assert_allclose(sampled, [1 / (1 + n) for n in counts], rtol=5 * np.sqrt(2 / users))
    assert np.all(np.diff(sampled) < 0)


def test_thompson_explains_bad_input(rng):
    queries = np.zeros((2, 3), np.float32)
    with pytest.raises(ValueError, match="rated_vectors"):
        thompson_queries(queries, np.zeros((2, 1, 4)), np.ones((2, 1), bool), rng)
    with pytest.raises(ValueError, match="rated_mask"):
        thompson_queries(queries, np.zeros((2, 1, 3)), np.ones((2, 2), bool), rng)
    with pytest.raises(ValueError, match="positive"):
        thompson_queries(queries, np.zeros((2, 1, 3)), np.ones((2, 1), bool), rng, 0.0)

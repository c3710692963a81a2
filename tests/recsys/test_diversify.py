import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from recsys.diversify import mmr_rerank, plain_order
from recsys.dpp import dpp_rerank
from recsys.list_measures import intra_list_similarity

SQRT3_2 = math.sqrt(3) / 2


def gram_pairs(vectors):
    """pair_similarity over the Gram matrix of ``vectors``; NaN at padding, so masking shows."""
    gram = vectors @ vectors.T

    def pair_similarity(picked, candidates):
        assert (picked >= 0).all(), "pair_similarity was asked about a padding pick"
        return np.where(candidates >= 0, gram[picked[:, None], candidates], np.nan)

    return pair_similarity


def unit_rows(rng, n, dim):
    vectors = rng.standard_normal((n, dim))
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def reference_plain(candidates, relevance, k):
    real = [c for c in range(len(candidates)) if candidates[c] >= 0]
    order = sorted(real, key=lambda c: (-relevance[c], c))
    picks = [int(candidates[c]) for c in order[:k]]
    return picks + [-1] * (min(k, len(candidates)) - len(picks))


def reference_mmr(candidates, relevance, gram, k, lam):
    """One user, the module docstring's rule written as plainly as possible."""
    left = [c for c in range(len(candidates)) if candidates[c] >= 0]
    picked = []
    for _ in range(min(k, len(left))):
        best_score, best = -np.inf, None
        for c in left:
            if not picked:
                score = relevance[c]
            else:
                penalty = max(gram[candidates[c], candidates[p]] for p in picked)
                score = lam * relevance[c] - (1.0 - lam) * penalty
            if score > best_score:  # strict: ties keep the lower column
                best_score, best = score, c
        picked.append(best)
        left.remove(best)
    picks = [int(candidates[c]) for c in picked]
    return picks + [-1] * (min(k, len(candidates)) - len(picks))


@st.composite
def instances(draw):
    """(vectors (n, 3) unit rows, candidates (m, C) with -1 anywhere, relevance with ties)."""
    n = draw(st.integers(1, 10))
    raw = draw(
        arrays(np.float64, (n, 3), elements=st.sampled_from([-1.0, -0.5, 0.0, 0.5, 1.0, 2.0]))
    )
    raw[np.linalg.norm(raw, axis=1) == 0] = [1.0, 0.0, 0.0]  # duplicates on purpose
    vectors = raw / np.linalg.norm(raw, axis=1, keepdims=True)
    m = draw(st.integers(1, 4))
    width = draw(st.integers(0, 8))
    candidates = np.full((m, width), -1, dtype=np.intp)
    for user in range(m):
        items = draw(st.permutations(range(n)))[:width]
        slots = draw(st.lists(st.booleans(), min_size=width, max_size=width))
        for column, (item, used) in enumerate(zip(items, slots, strict=False)):
            candidates[user, column] = item if used else -1
    relevance = draw(
        arrays(np.float64, (m, width), elements=st.sampled_from([0.0, 0.25, 0.5, 0.75, 1.0]))
    )
    return vectors, candidates, relevance


# --- MMR ---------------------------------------------------------------------------------------


def test_mmr_first_three_picks_by_hand():
    # A (1, 0) rel .9; B (.8, .6) rel .8; C (.6, -.8) rel .7; D (0, 1) rel .5
    # cosines: AB .8, AC .6, AD 0, BC 0, BD .6, CD -.8
    vectors = np.array([[1.0, 0.0], [0.8, 0.6], [0.6, -0.8], [0.0, 1.0]])
    candidates = np.array([[0, 1, 2, 3]])
    relevance = np.array([[0.9, 0.8, 0.7, 0.5]])
    picks = mmr_rerank(candidates, relevance, gram_pairs(vectors), 3, 0.5)
    # 1st: most relevant, A.
    # 2nd, .5 rel - .5 sim(., A): B .40 - .40 = 0; C .35 - .30 = .05; D .25 - 0 = .25 -> D
    # 3rd, .5 rel - .5 max(sim(., A), sim(., D)):
    #      B .40 - .5 max(.8, .6) = 0;  C .35 - .5 max(.6, -.8) = .05 -> C
    assert picks.tolist() == [[0, 3, 2]]
    # and relevance alone keeps the order
    assert mmr_rerank(candidates, relevance, gram_pairs(vectors), 3, 1.0).tolist() == [[0, 1, 2]]


def test_mmr_ties_go_to_the_lower_column():
    vectors = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, -1.0]])
    # after item 0, items 1 and 2 both score .5 * .5 - .5 * 0: column 1 wins
    picks = mmr_rerank(
        np.array([[0, 1, 2]]), np.array([[0.9, 0.5, 0.5]]), gram_pairs(vectors), 2, 0.5
    )
    assert picks.tolist() == [[0, 1]]


@given(instances(), st.integers(0, 10))
def test_mmr_with_lambda_one_is_plain_relevance_order(instance, k):
    vectors, candidates, relevance = instance
    picks = mmr_rerank(candidates, relevance, gram_pairs(vectors), k, 1.0)
    expected = [reference_plain(c, r, k) for c, r in zip(candidates, relevance, strict=True)]
    assert picks.tolist() == expected
    assert plain_order(candidates, relevance, k).tolist() == expected


@given(instances(), st.integers(0, 10), st.sampled_from([0.0, 0.3, 0.5, 0.7, 0.9, 1.0]))
def test_mmr_matches_the_one_user_reference_for_every_user_at_once(instance, k, lam):
    vectors, candidates, relevance = instance
    picks = mmr_rerank(candidates, relevance, gram_pairs(vectors), k, lam)
    gram = vectors @ vectors.T
    for user in range(len(candidates)):
        expected = reference_mmr(candidates[user], relevance[user], gram, k, lam)
        assert picks[user].tolist() == expected


def test_mmr_second_pick_moves_away_from_the_first_as_lambda_falls(rng):
    """The second pick's similarity to the first never increases as lam falls: a theorem.

    The first pick f (most relevant) does not depend on lam. Let a be the second pick at
    lam1 and b at lam2 < lam1, with dr = rel_a - rel_b and ds = s_a - s_b, s = sim(., f).
    Optimality of each: lam1 dr >= (1 - lam1) ds  and  lam2 dr <= (1 - lam2) ds.
    Suppose ds < 0. If lam2 = 0 the second reads 0 <= ds, false. Otherwise divide by lam1 and
    lam2: (1 - lam1) / lam1 * ds <= dr <= (1 - lam2) / lam2 * ds, so with ds < 0,
    (1 - lam1) / lam1 >= (1 - lam2) / lam2, i.e. lam1 <= lam2, a contradiction. So ds >= 0.
    (Ties change nothing: only the weak inequalities were used.)"""
    vectors = unit_rows(rng, 400, 5)
    candidates = np.stack([rng.permutation(400)[:12] for _ in range(300)])
    relevance = rng.random(candidates.shape)
    gram = vectors @ vectors.T
    lambdas = np.linspace(1.0, 0.0, 21)
    second_similarity = []
    for lam in lambdas:
        picks = mmr_rerank(candidates, relevance, gram_pairs(vectors), 2, lam)
        second_similarity.append(gram[picks[:, 0], picks[:, 1]])
    steps = np.diff(np.array(second_similarity), axis=0)  # lam falling along axis 0
    assert (steps <= 0).all()
    assert (steps < 0).any()  # and it does move


def users_and_lists(rng, m=400, k=6):
    """Relevance = cosine to a random user vector, so the most relevant items are alike."""
    vectors = unit_rows(rng, 300, 8)
    users = unit_rows(rng, m, 8)
    scores = users @ vectors.T
    candidates = np.argsort(-scores, axis=1)[:, :30]
    relevance = np.take_along_axis(scores, candidates, axis=1)
    return vectors, candidates, relevance


def mean_diversity(vectors, lists):
    return np.mean([1.0 - intra_list_similarity(vectors[items]) for items in lists])


def test_mmr_lists_are_more_diverse_on_average_at_lower_lambda(rng):
    """Seeded and empirical: the mean intra-list diversity (1 - mean pairwise cosine) at
    lam = 0.3 is higher than at lam = 1. It is an average, not a per-list law (next tests)."""
    vectors, candidates, relevance = users_and_lists(rng)
    pairs = gram_pairs(vectors)
    plain = mean_diversity(vectors, mmr_rerank(candidates, relevance, pairs, 6, 1.0))
    diverse = mean_diversity(vectors, mmr_rerank(candidates, relevance, pairs, 6, 0.3))
    assert diverse > plain + 0.1  # about 0.70 against 0.43 with this seed


def test_mmr_full_list_diversity_is_not_monotone_in_lambda_counterexample():
    """Greedy MMR does NOT promise a more diverse whole list at a lower lam.

    Unit vectors at A 0 deg (rel .9), B 120 deg (.8), C 240 deg (.7), D 180 deg (.5), k = 3.
    lam = .8, 2nd pick, .8 rel - .2 sim(., A): B .64 + .1 = .74; C .56 + .1 = .66;
      D .40 + .2 = .60 -> B; 3rd: C .56 - .2 max(-.5, -.5) = .66; D .40 - .2 max(-1, .5) = .30
      -> C. [A, B, C] is an equilateral triangle: mean cosine -.5, diversity 1.5.
    lam = .5, 2nd pick: B .40 + .25 = .65; C .35 + .25 = .60; D .25 + .5 = .75 -> D (the
      second pick is further from A, as the theorem says); 3rd: B .40 - .5 max(-.5, .5) = .15;
      C .35 - .5 max(-.5, .5) = .10 -> B. [A, D, B]: cosines -1, -.5, .5, diversity 4/3 < 1.5.
    Going all the way to D first left only items close to D for the third pick."""
    vectors = np.array([[1.0, 0.0], [-0.5, SQRT3_2], [-0.5, -SQRT3_2], [-1.0, 0.0]])
    candidates = np.array([[0, 1, 2, 3]])
    relevance = np.array([[0.9, 0.8, 0.7, 0.5]])
    high = mmr_rerank(candidates, relevance, gram_pairs(vectors), 3, 0.8)[0]
    low = mmr_rerank(candidates, relevance, gram_pairs(vectors), 3, 0.5)[0]
    assert high.tolist() == [0, 1, 2]
    assert low.tolist() == [0, 3, 1]
    assert 1 - intra_list_similarity(vectors[high]) == pytest.approx(1.5)
    assert 1 - intra_list_similarity(vectors[low]) == pytest.approx(4 / 3)


def test_lower_lambda_gives_a_less_diverse_list_for_some_random_users(rng):
    """The counterexample is not exotic: some users' lists lose diversity from lam .8 to .7."""
    vectors, candidates, relevance = users_and_lists(rng)
    pairs = gram_pairs(vectors)
    at_08 = mmr_rerank(candidates, relevance, pairs, 6, 0.8)
    at_07 = mmr_rerank(candidates, relevance, pairs, 6, 0.7)
    diversity_08 = np.array([1 - intra_list_similarity(vectors[items]) for items in at_08])
    diversity_07 = np.array([1 - intra_list_similarity(vectors[items]) for items in at_07])
    assert (diversity_07 < diversity_08 - 1e-9).any()
    assert diversity_07.mean() > diversity_08.mean()


# --- DPP ---------------------------------------------------------------------------------------


def brute_force_dpp(vectors, relevance, k, lam):
    """Greedy on log det L_Y = 2 alpha sum rel + log det S_Y, one determinant per try."""
    alpha = lam / (2 * (1 - lam))
    picked = []
    for _ in range(min(k, len(relevance))):
        gains = {}
        for i in set(range(len(relevance))) - set(picked):
            subset = [*picked, i]
            sign, log_det = np.linalg.slogdet(vectors[subset] @ vectors[subset].T)
            if sign > 0 and log_det > -20:
                gains[i] = 2 * alpha * relevance[subset].sum() + log_det
        if not gains:
            break
        top = max(gains.values())  # ties (lam = 0, first pick) to the lower column
        picked.append(min(i for i, gain in gains.items() if gain > top - 1e-9))
    return picked


def test_dpp_second_pick_by_hand():
    # x (1, 0) rel .9; y (.6, .8) rel .8; z (0, 1) rel .4. After x, d'^2 = 1 - cos^2:
    # y 1 - .36 = .64, z 1 - 0 = 1; gain d^2 = exp(2 alpha (rel - .9)) d'^2.
    vectors = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]])
    candidates = np.array([[0, 1, 2]])
    relevance = np.array([[0.9, 0.8, 0.4]])
    pairs = gram_pairs(vectors)
    # lam .5, alpha .5: y exp(-.1) .64 = .579 < z exp(-.5) = .607 -> z
    assert dpp_rerank(candidates, relevance, pairs, 2, 0.5).tolist() == [[0, 2]]
    # lam .6, alpha .75: y exp(-.15) .64 = .551 > z exp(-.75) = .472 -> y
    assert dpp_rerank(candidates, relevance, pairs, 2, 0.6).tolist() == [[0, 1]]


def test_dpp_never_picks_a_duplicate_before_an_orthogonal_item():
    # a and a2 identical, b orthogonal: after a, d'^2(a2) = 0 -> det L = 0, never a DPP pick;
    # b is picked however poor, and a2 only comes back in the relevance fill at the end.
    vectors = np.array([[1.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
    candidates = np.array([[0, 1, 2]])
    relevance = np.array([[0.9, 0.8, 0.1]])
    pairs = gram_pairs(vectors)
    for lam in (0.0, 0.5, 0.9, 0.99):
        assert dpp_rerank(candidates, relevance, pairs, 3, lam).tolist() == [[0, 2, 1]]
    # MMR at lam .9 takes the duplicate second: .72 - .1 * 1 = .62 > .09 - .1 * 0 = .09
    assert mmr_rerank(candidates, relevance, pairs, 3, 0.9).tolist() == [[0, 1, 2]]


def test_dpp_matches_brute_force_determinants(rng):
    for _ in range(60):
        n_items = int(rng.integers(1, 10))
        vectors = unit_rows(rng, n_items, int(rng.integers(2, 6)))
        relevance = rng.random(n_items)
        k = int(rng.integers(1, 10))
        lam = float(rng.choice([0.0, 0.3, 0.5, 0.8, 0.95]))
        picks = dpp_rerank(np.arange(n_items)[None], relevance[None], gram_pairs(vectors), k, lam)
        greedy = brute_force_dpp(vectors, relevance, k, lam)
        assert picks[0, : len(greedy)].tolist() == greedy


@given(instances(), st.integers(0, 10))
def test_dpp_with_lambda_one_is_plain_relevance_order(instance, k):
    vectors, candidates, relevance = instance
    picks = dpp_rerank(candidates, relevance, gram_pairs(vectors), k, 1.0)
    expected = [reference_plain(c, r, k) for c, r in zip(candidates, relevance, strict=True)]
    assert picks.tolist() == expected


def test_dpp_near_one_is_relevance_order_without_underflow(rng):
    # alpha = 5e8: quality exp(2 alpha (rel - best)) underflows to 0 for all but the best, so
    # this runs the log-gain path; relevance gaps of .01 outweigh any log d'^2 >= log 1e-10.
    vectors = unit_rows(rng, 40, 6)
    candidates = rng.permutation(40)[None, :20]
    relevance = rng.permutation(20)[None, :] / 100
    pairs = gram_pairs(vectors)
    picks = dpp_rerank(candidates, relevance, pairs, 10, 1 - 1e-9)
    assert picks.tolist() == plain_order(candidates, relevance, 10).tolist()


@given(instances(), st.integers(0, 10), st.sampled_from([0.0, 0.3, 0.7, 0.95]))
def test_dpp_batched_equals_each_user_alone(instance, k, lam):
    vectors, candidates, relevance = instance
    pairs = gram_pairs(vectors)
    together = dpp_rerank(candidates, relevance, pairs, k, lam)
    for user in range(len(candidates)):
        alone = dpp_rerank(candidates[user : user + 1], relevance[user : user + 1], pairs, k, lam)
        assert together[user].tolist() == alone[0].tolist()


# --- both: shapes and padding ------------------------------------------------------------------

RERANKERS = [mmr_rerank, dpp_rerank]


@pytest.mark.parametrize("rerank", RERANKERS)
@given(instances(), st.integers(0, 10), st.sampled_from([0.0, 0.5, 0.9, 1.0]))
def test_padding_comes_last_and_every_real_candidate_fits(rerank, instance, k, lam):
    vectors, candidates, relevance = instance
    picks = rerank(candidates, relevance, gram_pairs(vectors), k, lam)
    assert picks.shape == (len(candidates), min(k, candidates.shape[1]))
    assert picks.dtype == np.intp
    for user, row in enumerate(picks):
        real = candidates[user][candidates[user] >= 0]
        n_real = min(len(real), picks.shape[1])
        assert (row[:n_real] >= 0).all() and (row[n_real:] == -1).all()
        assert len(set(row[:n_real].tolist())) == n_real  # no item twice
        assert set(row[:n_real].tolist()) <= set(real.tolist())


@pytest.mark.parametrize("rerank", RERANKERS)
def test_a_short_user_gets_minus_one_at_the_end(rerank, rng):
    vectors = unit_rows(rng, 10, 4)
    candidates = np.array([[3, 1, 4, 7, 9], [-1, 5, -1, 2, -1], [-1, -1, -1, -1, -1]])
    relevance = np.array([[0.9, 0.8, 0.7, 0.6, 0.5], [np.nan, 0.2, np.inf, 0.4, -7.0], [0.0] * 5])
    picks = rerank(candidates, relevance, gram_pairs(vectors), 4, 0.6)
    assert picks.shape == (3, 4)
    assert (picks[0] >= 0).all()
    assert sorted(picks[1, :2].tolist()) == [2, 5] and picks[1, 2:].tolist() == [-1, -1]
    assert picks[2].tolist() == [-1] * 4


@pytest.mark.parametrize("rerank", RERANKERS)
def test_k_beyond_the_candidates_and_empty_inputs(rerank, rng):
    vectors = unit_rows(rng, 5, 3)
    pairs = gram_pairs(vectors)
    assert rerank(np.array([[0, 1]]), np.array([[0.5, 0.4]]), pairs, 10, 0.5).shape == (1, 2)
    assert rerank(np.array([[0, 1]]), np.array([[0.5, 0.4]]), pairs, 0, 0.5).shape == (1, 0)
    assert rerank(np.zeros((3, 0), np.intp), np.zeros((3, 0)), pairs, 4, 0.5).shape == (3, 0)
    assert rerank(np.zeros((0, 4), np.intp), np.zeros((0, 4)), pairs, 4, 0.5).shape == (0, 4)


@pytest.mark.parametrize("rerank", RERANKERS)
def test_bad_input_is_refused_with_a_sentence(rerank):
    pairs = gram_pairs(np.eye(3))
    with pytest.raises(ValueError, match="lam must be between 0"):
        rerank(np.array([[0, 1]]), np.array([[0.5, 0.4]]), pairs, 2, 1.5)
    with pytest.raises(ValueError, match="one shape"):
        rerank(np.array([[0, 1]]), np.array([0.5, 0.4]), pairs, 2, 0.5)
    with pytest.raises(ValueError, match="finite"):
        rerank(np.array([[0, 1]]), np.array([[np.nan, 0.4]]), pairs, 2, 0.5)
    with pytest.raises(ValueError, match="pair_similarity returned shape"):
        rerank(np.array([[0, 1]]), np.array([[0.5, 0.4]]), lambda p, c: np.zeros(2), 2, 0.5)

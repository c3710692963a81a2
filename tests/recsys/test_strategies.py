import dataclasses

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import sparse

from recsys.catalog import make_catalogue
from recsys.click_model import (
    ClickModel,
    LogisticClickModel,
    predict_proba,
    shipped_click_model,
)
from recsys.context import RankingContext, ranking_context
from recsys.encoder import l2_normalise
from recsys.ranker import CF_SEED_ITEMS, CF_SEED_UNTIL, THOMPSON_WINDOW, Ranker, build_ranker
from recsys.ranking import minmax_over, similarity, top_k, top_k_rows
from recsys.slates import SlateRequest
from recsys.strategy import PRESETS, Strategy, score_formula, strategy_on, without_log
from tests.conftest import tiny_items


def _at_cosines(cosines):
    """Unit vectors in 2-D whose cosine with the query (1, 0) is each of ``cosines``."""
    c = np.asarray(cosines, dtype=np.float64)
    return np.stack([c, np.sqrt(1 - c**2)], axis=1).astype(np.float32)


def _request(n, query=(1.0, 0.0), feedback=None, eligible=None, rated=None):
    return SlateRequest(
        queries=np.asarray([query], dtype=np.float32),
        feedback=sparse.csr_matrix(np.zeros((1, n)) if feedback is None else [feedback]),
        eligible=np.ones((1, n), bool) if eligible is None else np.asarray([eligible]),
        rated_positions=np.full((1, THOMPSON_WINDOW), -1) if rated is None else rated,
    )


def test_hybrid_sum_by_hand(rng):
    # content cosines 0.9 0.5 0.1 0.3 -> min-max [1, 0.5, 0, 0.25]
    # popularity     0   1   .5  .25 -> min-max [0, 1, 0.5, 0.25]
    # final = 0.6 * content + 0.4 * popularity = [0.6, 0.7, 0.2, 0.25] -> order 1, 0, 3, 2
    context = RankingContext(
        item_vectors=_at_cosines([0.9, 0.5, 0.1, 0.3]),
        hook=np.zeros(4),
        popularity=np.array([0.0, 1.0, 0.5, 0.25]),
    )
    strategy = Strategy(content_weight=0.6, popularity_weight=0.4)
    slates = Ranker(strategy, context)(_request(4), 4, rng)
    assert slates.positions[0].tolist() == [1, 0, 3, 2]
    np.testing.assert_allclose(slates.scores[0], [0.7, 0.6, 0.25, 0.2])
    np.testing.assert_allclose(slates.contributions[0, 0], [0.6 * 0.5, 0, 0.4 * 1.0, 0])
    np.testing.assert_allclose(slates.contributions[0].sum(axis=1), slates.scores[0])
    np.testing.assert_allclose(slates.similarity[0], [0.5, 0.9, 0.3, 0.1], rtol=1e-6)


def test_weights_are_relative_shares():
    # 0.3 and 0.2 give the same list and scores as 0.6 and 0.4
    context = RankingContext(
        item_vectors=_at_cosines([0.9, 0.5, 0.1, 0.3]),
        hook=np.zeros(4),
        popularity=np.array([0.0, 1.0, 0.5, 0.25]),
    )
    a = Ranker(Strategy(content_weight=0.3, popularity_weight=0.2), context)
    b = Ranker(Strategy(content_weight=0.6, popularity_weight=0.4), context)
    rng = np.random.default_rng(0)
    np.testing.assert_allclose(a(_request(4), 4, rng).scores, b(_request(4), 4, rng).scores)


@settings(max_examples=40, deadline=None)
@given(
    seed=st.integers(0, 10_000),
    n=st.integers(2, 40),
    k=st.integers(1, 12),
    measure=st.sampled_from(["cosine", "dot", "euclidean"]),
)
def test_hybrid_without_cf_and_popularity_is_the_content_ranking(seed, n, k, measure):
    generator = np.random.default_rng(seed)
    vectors = l2_normalise(generator.standard_normal((n, 8)))
    query = l2_normalise(generator.standard_normal(8))
    eligible = generator.random(n) > 0.2
    context = RankingContext(
        item_vectors=vectors, hook=generator.random(n), popularity=generator.random(n)
    )
    strategy = Strategy(
        content_weight=0.7, cf_weight=0.0, popularity_weight=0.0, similarity=measure
    )
    slates = Ranker(strategy, context)(_request(n, query, eligible=eligible), k, generator)
    expected = top_k(vectors @ query, k, ~eligible)
    got = slates.positions[0]
    assert got[got >= 0].tolist() == expected.tolist()


def test_the_three_similarities_by_hand():
    a = np.array([[3.0, 4.0]])
    b = np.array([[3.0, 0.0]])
    # dot 9; cosine 9 / (5 * 3) = 0.6; |a - b| = 4 -> 1 / (1 + 4) = 0.2
    assert similarity(a, b, "dot")[0, 0] == pytest.approx(9.0)
    assert similarity(a, b, "cosine")[0, 0] == pytest.approx(0.6)
    assert similarity(a, b, "euclidean")[0, 0] == pytest.approx(0.2)
    with pytest.raises(ValueError):
        similarity(a, b, "manhattan")


def test_unit_vectors_rank_alike_under_every_measure(rng):
    vectors = l2_normalise(rng.standard_normal((50, 16)))
    query = l2_normalise(rng.standard_normal((1, 16)))
    orders = [
        np.argsort(-similarity(vectors, query, m)[:, 0]) for m in ("cosine", "dot", "euclidean")
    ]
    assert (orders[0] == orders[1]).all() and (orders[0] == orders[2]).all()


def test_minmax_over_eligible_items_and_constant_rows():
    values = np.array([[2.0, 4.0, 100.0], [1.0, 1.0, 1.0]])
    eligible = np.array([[True, True, False], [True, True, True]])
    # row 0: low 2, high 4 over the eligible pair -> [0, 1, 49]; row 1 constant -> zeros
    np.testing.assert_allclose(minmax_over(values, eligible), [[0, 1, 49], [0, 0, 0]])


def test_top_candidates_breaks_ties_by_position_and_pads():
    scores = np.array([[0.5, 0.9, 0.5, 0.1], [0.3, 0.3, 0.3, 0.3]])
    eligible = np.array([[True, True, True, True], [False, True, False, False]])
    assert top_k_rows(scores, eligible, 3).tolist() == [[1, 0, 2], [1, -1, -1]]


def _logged_context():
    catalogue = make_catalogue(tiny_items())
    vectors = l2_normalise(np.eye(6, dtype=np.float32) + 0.1)
    # Users who like a1 also like c1 (and not b1): CF should link a1 -> c1.
    rows = []
    for user in range(6):
        rows += [(f"u{user}", "a1", 1, 1), (f"u{user}", "c1", 1, 2), (f"u{user}", "b1", -1, 3)]
    log = pd.DataFrame(rows, columns=["user_id", "item_id", "thumbs", "step"])
    return catalogue, ranking_context(catalogue, vectors, log)


def test_cf_scores_from_thumbs_and_a_cold_start_from_words(rng):
    catalogue, context = _logged_context()
    strategy = Strategy(content_weight=0.0, cf_weight=1.0)
    ranker = build_ranker(strategy, context)
    liked_a1 = np.zeros(6)
    liked_a1[catalogue.position("a1")] = 1
    eligible = np.ones(6, bool)
    eligible[catalogue.position("a1")] = False
    slates = ranker(_request(6, context.item_vectors[0], liked_a1, eligible), 1, rng)
    assert catalogue.item_ids[slates.positions[0, 0]] == "c1"
    assert slates.cf_cold_start[0]  # one thumb: the seeds still count, and the list says so
    # No thumbs: the items nearest the query stand in, and the list says so.
    cold = ranker(_request(6, context.item_vectors[0]), 3, rng)
    assert cold.cf_cold_start[0]


def test_the_seed_likes_stay_until_a_few_real_thumbs(rng):
    # The first thumb used to replace the five seed likes with a one-item row; now the seeds
    # stay (never over a thumb the user gave) until CF_SEED_UNTIL real thumbs exist.
    catalogue, context = _logged_context()
    ranker = build_ranker(Strategy(content_weight=0.0, cf_weight=1.0), context)
    b1 = catalogue.position("b1")
    feedback = np.zeros((3, 6))
    feedback[1, b1] = -1.0  # one thumb: still seeded, and b1 stays disliked
    feedback[2, :CF_SEED_UNTIL] = 1.0  # enough thumbs: no seeds
    request = SlateRequest(
        queries=np.repeat(context.item_vectors[b1][None, :], 3, axis=0),
        feedback=sparse.csr_matrix(feedback),
        eligible=np.ones((3, 6), bool),
        rated_positions=np.full((3, THOMPSON_WINDOW), -1),
    )
    rows, cold = ranker._cf_feedback(request, similarity(context.item_vectors, request.queries).T)
    assert cold.tolist() == [True, True, False]
    dense = rows.toarray()
    assert (dense[0] == 1).sum() == CF_SEED_ITEMS
    assert dense[1, b1] == -1 and (dense[1] == 1).sum() == CF_SEED_ITEMS - 1
    np.testing.assert_array_equal(dense[2], feedback[2])


def test_without_a_log_cf_and_popularity_drop_out(tiny_catalogue, rng):
    vectors = l2_normalise(rng.standard_normal((6, 8)))
    context = ranking_context(tiny_catalogue, vectors)
    assert not context.has_log
    popular = without_log(PRESETS["Popular"])
    assert popular.content_weight == 1.0 and popular.popularity_weight == 0.0
    hybrid = without_log(PRESETS["Hybrid (CF + content)"])
    assert (hybrid.content_weight, hybrid.cf_weight, hybrid.popularity_weight) == (0.6, 0, 0)
    slates = build_ranker("Popular", context)(_request(6, vectors[2]), 3, rng)
    assert slates.positions[0, 0] == 2


def test_thompson_is_reproducible_under_a_seed_and_marks_what_it_changed():
    generator = np.random.default_rng(5)
    vectors = l2_normalise(generator.standard_normal((300, 16)))
    context = RankingContext(item_vectors=vectors, hook=np.zeros(300))
    wide = Strategy(exploration="thompson", thompson_scale=0.3)
    ranker = build_ranker(wide, context)
    request = _request(300, vectors[0])
    first = ranker(request, 10, np.random.default_rng(11))
    second = ranker(request, 10, np.random.default_rng(11))
    assert (first.positions == second.positions).all()
    assert (first.exploring == second.exploring).all()
    plain = build_ranker(dataclasses.replace(wide, exploration="off"), context)
    greedy = plain(request, 10, np.random.default_rng(0)).positions[0].tolist()
    changed = [p not in greedy for p in first.positions[0]]
    assert first.exploring[0].tolist() == changed and any(changed)
    # The items the draw kept read in the unexplored list's order, scores best first.
    kept = [p for p in first.positions[0].tolist() if p in greedy]
    assert kept == [p for p in greedy if p in kept]
    scores = first.scores[0][~first.exploring[0]]
    assert (np.diff(scores) <= 1e-12).all()


def test_epsilon_greedy_marks_random_slots(rng):
    vectors = l2_normalise(rng.standard_normal((100, 8)))
    context = RankingContext(item_vectors=vectors, hook=np.zeros(100))
    always = build_ranker(Strategy(exploration="epsilon", epsilon=1.0), context)
    slates = always(_request(100, vectors[0]), 5, rng)
    assert slates.exploring.all()


def test_random_order_is_a_permutation_of_eligible_items(rng):
    context = RankingContext(
        item_vectors=l2_normalise(rng.standard_normal((8, 4))), hook=np.zeros(8)
    )
    eligible = np.array([True] * 5 + [False] * 3)
    slates = build_ranker("Random", context)(_request(8, eligible=eligible), 8, rng)
    got = slates.positions[0]
    assert sorted(got[got >= 0].tolist()) == [0, 1, 2, 3, 4] and (got[5:] == -1).all()


def test_every_preset_is_valid_and_the_strategy_checks_its_weights():
    # eight, Adaptive (multi-interest) since issue 12, and Hybrid's two ablations (issue 13)
    assert len(PRESETS) == 11
    for strategy in PRESETS.values():
        assert strategy.describe()
    with pytest.raises(ValueError):
        Strategy(content_weight=0.0)
    with pytest.raises(ValueError):
        Strategy(cf_weight=-0.1)


@pytest.mark.parametrize("scale", [0.0, -0.05, float("nan")])
def test_a_thompson_prior_must_be_a_positive_standard_deviation(scale):
    # sigma0 = 0 made the Recommend page raise deep in thompson_queries; the strategy refuses it
    with pytest.raises(ValueError, match="thompson_scale"):
        Strategy(exploration="thompson", thompson_scale=scale)
    with pytest.raises(ValueError, match="thompson_noise"):
        Strategy(exploration="thompson", thompson_noise=scale)


def test_the_thompson_slider_cannot_reach_zero():
    from pages.shared.controls import STRATEGY_CONTROLS

    for field in ("thompson_scale", "thompson_noise"):
        (control,) = [c for c in STRATEGY_CONTROLS if c.field == field]
        low, high, _ = control.limits
        Strategy(exploration="thompson", **{field: low})  # the slider's minimum is valid
        assert low > 0


def test_the_ablations_drop_one_component_of_hybrid_and_keep_the_other_weights():
    hybrid = PRESETS["Hybrid (CF + content)"]
    no_pop = PRESETS["Hybrid without popularity"]
    with_pop = PRESETS["Adaptive + popularity"]
    assert no_pop.weights == {**hybrid.weights, "popularity": 0.0}
    assert with_pop.weights == {**hybrid.weights, "cf": 0.0}
    assert no_pop.learns and with_pop.learns


def _toy_click_model(hook_sign=1.0):
    """A click model with known weights: content +1, cf +0.5, popularity +0.5, hook ±1."""

    def model(features):
        weights = {"content": 1.0, "cf": 0.5, "popularity": 0.5, "hook": hook_sign}
        return LogisticClickModel(
            features=features,
            coefficients=tuple(weights[f] for f in features),
            intercept=-2.0,
            mean=(0.0,) * len(features),
            scale=(1.0,) * len(features),
            held_out_auc=0.6,
        )

    full, bare = model(("content", "cf", "popularity", "hook")), model(("content", "hook"))
    return ClickModel(full, bare, 10, 2, 5, 1, 0.1, "toy")


def test_the_click_maximiser_ranks_by_the_learned_click_chance():
    clicker = PRESETS["Click-maximiser"]
    assert clicker.order == "click" and clicker.learns
    assert "click" in clicker.describe().lower() and "logistic" in clicker.describe()
    assert score_formula(clicker).startswith("predicted click chance")
    # items 0 and 1: the same content; item 1 the higher hook; item 2 closer but no hook
    vectors = _at_cosines([0.5, 0.5, 0.7])
    hook = np.array([0.2, 0.9, 0.0])
    model = _toy_click_model()
    context = RankingContext(item_vectors=vectors, hook=hook, click_model=model)
    ranked_by = strategy_on(clicker, context)
    assert not ranked_by.click_uses_log  # no log: the model without CF and popularity
    slates = build_ranker(clicker, context)(_request(3), 3, np.random.default_rng(0))
    # by hand: logit = -2 + content + hook = -1.3, -0.6, -1.3 -> item 1 first, 0 and 2 tie
    expected = 1 / (1 + np.exp(-np.array([-1.3, -0.6, -1.3])))
    assert slates.positions[0].tolist() == [1, 0, 2]
    np.testing.assert_allclose(slates.scores[0], expected[[1, 0, 2]], rtol=1e-6)
    assert (slates.contributions == 0).all()


def test_the_learned_click_maximiser_follows_the_fitted_sign_of_the_hook(rng):
    model = shipped_click_model()
    assert model is not None
    vectors = _at_cosines([0.6, 0.6, 0.1, 0.2])
    hook = np.array([0.3, 0.8, 0.5, 0.5])
    catalogue, logged = _logged_context()
    for has_log in (False, True):
        fitted = model.for_log(has_log)
        if has_log:
            # a2 and b2: never rated in the log (the same CF score, their mean), the same
            # vector and popularity; b2 has the higher hook
            positions = [catalogue.position("a2"), catalogue.position("b2")]
            context = dataclasses.replace(
                logged,
                item_vectors=np.repeat(_at_cosines([0.6]), 6, axis=0),
                hook=np.where(np.arange(6) == positions[1], 0.8, 0.3),
                popularity=np.full(6, 0.5),
                click_model=model,
            )
            n = 6
        else:
            context = RankingContext(item_vectors=vectors, hook=hook, click_model=model)
            positions, n = [0, 1], 4
        slates = build_ranker("Click-maximiser", context)(_request(n), n, rng)
        order = slates.positions[0].tolist()
        higher_hook_first = order.index(positions[1]) < order.index(positions[0])
        assert higher_hook_first == (fitted.coefficient("hook") > 0)


def test_the_click_maximiser_serves_one_visitor_and_many_users_alike(rng):
    vectors = l2_normalise(rng.standard_normal((40, 8)))
    context = RankingContext(
        item_vectors=vectors, hook=rng.uniform(size=40), click_model=_toy_click_model()
    )
    queries = l2_normalise(rng.standard_normal((5, 8)))
    many = SlateRequest(
        queries=queries,
        feedback=sparse.csr_matrix((5, 40)),
        eligible=np.ones((5, 40), bool),
        rated_positions=np.full((5, THOMPSON_WINDOW), -1),
    )
    ranker = build_ranker("Click-maximiser", context)
    batch = ranker(many, 6, rng)
    for row in range(5):
        one = ranker(_request(40, queries[row]), 6, rng)
        assert one.positions[0].tolist() == batch.positions[row].tolist()
    by_hand = predict_proba(
        context.click_model.without_log,
        np.stack([queries @ vectors.T, np.broadcast_to(context.hook, (5, 40))], axis=-1),
    )
    expected = np.take_along_axis(by_hand, batch.positions, axis=1)
    np.testing.assert_allclose(batch.scores, expected, rtol=1e-5)


def test_with_a_log_the_click_model_uses_cf_and_popularity(rng):
    catalogue, logged = _logged_context()
    context = dataclasses.replace(logged, click_model=_toy_click_model())
    ranker = build_ranker("Click-maximiser", context)
    assert ranker.strategy.click_uses_log
    request = _request(6, context.item_vectors[0])
    content, cf, _ = ranker.raw_scores(request.queries, request, with_cf=True)
    x = np.stack(
        [content, cf, np.broadcast_to(context.popularity, (1, 6)), context.hook[None]], axis=-1
    )
    slates = ranker(request, 6, rng)
    expected = predict_proba(context.click_model.with_log, x)[0, slates.positions[0]]
    np.testing.assert_allclose(slates.scores[0], expected, rtol=1e-5)


def test_without_a_click_model_the_click_maximiser_ranks_by_content(rng):
    vectors = _at_cosines([0.2, 0.9, 0.5])
    context = RankingContext(item_vectors=vectors, hook=np.array([1.0, 0.0, 0.5]))
    assert context.click_model is None
    ranked_by = strategy_on(PRESETS["Click-maximiser"], context)
    assert ranked_by.order == "score" and ranked_by.weights["content"] == 1.0
    slates = build_ranker("Click-maximiser", context)(_request(3), 3, rng)
    assert slates.positions[0].tolist() == [1, 2, 0]


def test_without_a_log_the_click_strategy_keeps_its_order():
    bare = without_log(PRESETS["Click-maximiser"])
    assert bare.order == "click" and not bare.click_uses_log
    assert "no log" in bare.describe() and "collaborative" not in score_formula(bare)


def test_a_ranker_computes_only_the_content_of_queries_that_moved(rng, monkeypatch):
    vectors = l2_normalise(rng.standard_normal((50, 8)))
    context = RankingContext(item_vectors=vectors, hook=np.zeros(50))
    computed = []
    real = RankingContext.content_similarity

    def counting(self, queries, measure):
        computed.append(len(queries))
        return real(self, queries, measure)

    monkeypatch.setattr(RankingContext, "content_similarity", counting)
    queries = l2_normalise(rng.standard_normal((4, 8))).astype(np.float32)
    moved = queries.copy()
    moved[2] = l2_normalise(rng.standard_normal(8))

    def request(rows):
        return SlateRequest(
            queries=rows,
            feedback=np.zeros((4, 50), np.float32),
            eligible=np.ones((4, 50), bool),
            rated_positions=np.full((4, THOMPSON_WINDOW), -1),
        )

    ranker = build_ranker("Adaptive (feedback)", context)
    ranker(request(queries), 5, rng)
    again = ranker(request(queries[::-1].copy()), 5, rng)  # the same queries, reordered
    after = ranker(request(moved), 5, rng)
    assert computed == [4, 1]  # nothing for the reordered queries, then the one that moved
    fresh = build_ranker("Adaptive (feedback)", context)
    for slates, rows in ((again, queries[::-1].copy()), (after, moved)):
        expected = fresh(request(rows), 5, rng)
        assert (slates.positions == expected.positions).all()
        np.testing.assert_allclose(slates.similarity, expected.similarity, rtol=1e-6)

import math

import numpy as np
import pandas as pd
import pytest

from recsys.catalog import ASSETS_DIR, load_catalogue
from recsys.context import ranking_context
from recsys.evaluation import (
    METRIC_COLUMNS,
    EvaluationLog,
    EvaluationSettings,
    evaluate_strategies,
    evaluation_rng,
    offline_evaluation,
    simulate_log,
    states_at_cut,
)
from recsys.interactions import generate_log
from recsys.profile import ProfileSettings
from recsys.ranker import THOMPSON_WINDOW
from recsys.strategy import PRESETS
from tests.conftest import made_up_personas

SMALL = EvaluationSettings(n_users=60, rounds=10, k=5)


def _personas(vectors, seed=3):
    return made_up_personas(vectors, 3, seed)


@pytest.fixture(scope="module")
def shipped():
    catalogue = load_catalogue()
    vectors = np.load(ASSETS_DIR / "embeddings.npy")
    personas = _personas(vectors)
    cf_log = generate_log(catalogue, vectors, personas, 80, 8, seed=1)
    return catalogue, vectors, personas, ranking_context(catalogue, vectors, cf_log)


@pytest.fixture(scope="module")
def small_log(shipped):
    catalogue, _, personas, context = shipped
    quality = catalogue.items["quality"].to_numpy(dtype=float)
    return simulate_log(context, quality, personas, SMALL, evaluation_rng(5))


def test_same_seed_same_table_and_another_seed_differs(shipped):
    catalogue, _, personas, context = shipped
    first = offline_evaluation(catalogue, context, personas, SMALL, evaluation_rng(11))
    again = offline_evaluation(catalogue, context, personas, SMALL, evaluation_rng(11))
    other = offline_evaluation(catalogue, context, personas, SMALL, evaluation_rng(12))
    pd.testing.assert_frame_equal(first.table, again.table)
    assert (first.users, first.skipped) == (again.users, again.skipped)
    assert not first.table.equals(other.table)


def test_one_row_per_preset_and_the_documented_columns(shipped):
    catalogue, _, personas, context = shipped
    result = offline_evaluation(catalogue, context, personas, SMALL, evaluation_rng(11))
    assert list(result.table.index) == list(PRESETS)
    assert result.table.index.name == "strategy"
    assert tuple(result.table.columns) == METRIC_COLUMNS
    assert result.users + result.skipped == SMALL.n_users
    assert (result.train_rounds, result.rounds) == (7, 10)


def test_the_cut_is_a_share_of_the_rounds_and_bad_settings_are_refused():
    assert EvaluationSettings().train_rounds == 21  # 70% of 30 rounds
    assert EvaluationSettings(rounds=2, train_share=0.99).train_rounds == 1
    with pytest.raises(ValueError, match="train_share"):
        EvaluationSettings(train_share=1.0)
    with pytest.raises(ValueError, match="2 rounds"):
        EvaluationSettings(rounds=1)


def test_the_split_is_by_time(shipped, small_log):
    _, vectors, _, _ = shipped
    cut = SMALL.train_rounds
    states = states_at_cut(small_log, vectors, cut, ProfileSettings())
    chosen, thumbs = small_log.chosen, small_log.thumbs
    for user in range(SMALL.n_users):
        before = chosen[:cut, user]
        history = set(before[before >= 0].tolist())
        liked_later = {
            int(chosen[t, user]) for t in range(cut, SMALL.rounds) if thumbs[t, user] > 0
        }
        held_out = set(np.flatnonzero(states.held_out[user]).tolist())
        assert held_out == liked_later
        assert not held_out & history  # no held-out item is in the training history
        # eligible excludes exactly the items consumed (clicked) before the cut
        assert set(np.flatnonzero(~states.eligible[user]).tolist()) == history
        assert states.eligible[user, sorted(held_out)].all()
        # the feedback row is the training thumbs, and only those
        rated = [(int(chosen[t, user]), int(thumbs[t, user])) for t in range(cut)]
        rated = [(item, thumb) for item, thumb in rated if thumb != 0]
        expected = np.zeros(len(vectors), dtype=np.float32)
        for item, thumb in rated:
            expected[item] = thumb
        np.testing.assert_array_equal(states.recommender.feedback[user], expected)
        window = [item for item, _ in rated][-THOMPSON_WINDOW:]
        padded = [-1] * (THOMPSON_WINDOW - len(window)) + window
        assert states.recommender.rated[user].tolist() == padded


def test_the_interest_vector_replays_the_training_thumbs_in_order(shipped, small_log):
    _, vectors, _, _ = shipped
    settings = ProfileSettings()
    cut = SMALL.train_rounds
    states = states_at_cut(small_log, vectors, cut, settings)
    for user in range(0, SMALL.n_users, 7):
        # By hand: u <- normalise(u + a (x - u)) up, normalise(u - b (x - u)) down.
        interest = small_log.stated[user].astype(np.float64)
        for t in range(cut):
            thumb = small_log.thumbs[t, user]
            if thumb == 0:
                continue
            x = vectors[small_log.chosen[t, user]]
            rate = settings.learning_rate if thumb > 0 else -settings.negative_weight
            moved = interest + rate * (x - interest)
            interest = moved / np.linalg.norm(moved)
        np.testing.assert_allclose(states.recommender.interests[user], interest, atol=1e-5)


def test_evaluated_users_are_those_with_a_held_out_like(shipped, small_log):
    catalogue, _, _, context = shipped
    result = evaluate_strategies(small_log, catalogue, context, SMALL, evaluation_rng(1))
    later = small_log.thumbs[SMALL.train_rounds :]
    assert result.users == int((later > 0).any(axis=0).sum())
    assert result.skipped == SMALL.n_users - result.users
    assert 0 < result.users < SMALL.n_users


def test_every_metric_is_within_its_range(shipped, small_log):
    catalogue, _, _, context = shipped
    table = evaluate_strategies(small_log, catalogue, context, SMALL, evaluation_rng(1)).table
    assert table.notna().all().all()
    unit = ["precision", "recall", "f1", "ndcg", "mrr", "hit_rate", "coverage"]
    assert ((table[unit] >= 0) & (table[unit] <= 1)).all().all()
    assert (table["precision"] <= table["hit_rate"]).all()
    assert (table["mrr"] <= table["hit_rate"]).all()
    assert table["diversity"].between(0, 2).all()  # 1 - mean cosine
    assert table["novelty"].between(0, math.log2(SMALL.n_users + 1)).all()
    assert table.loc["Random", "diversity"] > table.loc["Static (interest text only)", "diversity"]


def test_a_catalogue_without_a_log_still_evaluates_every_preset(shipped, small_log):
    catalogue, vectors, _, _ = shipped
    content_only = ranking_context(catalogue, vectors, None)
    table = evaluate_strategies(small_log, catalogue, content_only, SMALL, evaluation_rng(1)).table
    assert list(table.index) == list(PRESETS) and table.notna().all().all()


def test_ranking_the_held_out_item_first_scores_one(shipped):
    # Two users, three rounds, cut after two. User 0 typed exactly item 42's vector, liked
    # item 7 and skipped a round, then liked item 42: Static (interest text only) ranks 42
    # first, so at k = 1 every accuracy measure is 1. User 1 liked nothing later: skipped.
    catalogue, vectors, _, context = shipped
    log = EvaluationLog(
        stated=vectors[[42, 300]].copy(),
        chosen=np.array([[7, 301], [-1, 302], [42, 303]], dtype=np.intp),
        thumbs=np.array([[1, 1], [0, -1], [1, -1]], dtype=np.int8),
    )
    settings = EvaluationSettings(n_users=2, rounds=3, train_share=2 / 3, k=1)
    static = PRESETS["Static (interest text only)"]
    result = evaluate_strategies(log, catalogue, context, settings, evaluation_rng(0), [static])
    row = result.table.loc[static.name]
    assert (result.users, result.skipped) == (1, 1)
    for column in ("precision", "recall", "f1", "ndcg", "mrr", "hit_rate"):
        assert row[column] == pytest.approx(1.0), column
    assert row["coverage"] == pytest.approx(1 / len(catalogue))
    # Item 42 was clicked by none of the 2 users before the cut: p = 1 / (2 + 1), by hand.
    assert row["novelty"] == pytest.approx(math.log2(3))


def test_a_tiny_catalogue_without_a_log_runs_with_k_above_its_size(tiny_catalogue, fake_encoder):
    from recsys.catalog import load_personas
    from recsys.simulation.personas import embed_personas

    vectors = fake_encoder.encode(tiny_catalogue.embedding_texts())
    context = ranking_context(tiny_catalogue, vectors, None)
    personas = embed_personas(load_personas(), fake_encoder.encode)
    # 6 items, lists of 10: some users still have a later like after 2 of 4 rounds.
    short = EvaluationSettings(n_users=40, rounds=4, train_share=0.5, k=10)
    result = offline_evaluation(tiny_catalogue, context, personas, short, evaluation_rng(2))
    assert list(result.table.index) == list(PRESETS)
    assert result.users > 0 and result.users + result.skipped == 40
    assert result.table["precision"].le(len(tiny_catalogue) / 10).all()
    # After 15 rounds everyone has consumed the 6 items or left: nobody to score, no crash.
    long = EvaluationSettings(n_users=40, rounds=30, train_share=0.5, k=10)
    empty = offline_evaluation(tiny_catalogue, context, personas, long, evaluation_rng(2))
    assert empty.users == 0 and empty.table["precision"].isna().all()

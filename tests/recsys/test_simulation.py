import dataclasses
import math
import warnings

import numpy as np
import pytest

from recsys.catalog import ASSETS_DIR, load_catalogue
from recsys.context import RankingContext
from recsys.list_measures import slate_diversity
from recsys.simulation import (
    LabSettings,
    Streams,
    UserParameters,
    make_population,
    only_personas,
    population_rng,
    run_lab,
    simulate,
)
from recsys.simulation.comparisons import compare, differences, paired_difference
from recsys.simulation.environment import StrategyRun
from recsys.simulation.reading import reading
from recsys.simulation.report import (
    curve_table,
    curves,
    mean_interval,
    per_user,
    share_interval,
    summary,
)
from recsys.simulation.users import Population, Responses, _sigmoid, advance, choose, respond
from recsys.strategy import PRESETS, Strategy
from tests.conftest import made_up_personas


def _one_user(taste, drift, memory=2):
    return Population(
        persona=np.array([0]),
        stated=np.array([taste], dtype=np.float32),
        taste=np.array([taste], dtype=np.float32),
        drift=np.array([drift], dtype=np.float32),
        match_mean=np.array([0.0]),
        match_std=np.array([0.5]),
        recent=np.full((1, memory), -1),
        consumed=np.zeros((1, 3), dtype=bool),
        satisfaction=np.array([0.5]),
        low_rounds=np.array([0]),
        active=np.array([True]),
    )


def test_two_steps_by_hand():
    items = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]], dtype=np.float32)
    cosines = items @ items.T
    quality = np.array([0.8, 0.2, 0.5])
    hook = np.array([0.5, 0.5, 0.5])
    # One-item slates and a no-click option that never wins, no utility noise: no luck left.
    params = UserParameters(no_click_appeal=-1e9, utility_noise=0.0, drift_rate=0.1)
    user = _one_user([1.0, 0.0], [0.0, 1.0])
    rng = np.random.default_rng(0)

    first = respond(user, np.array([[0]]), items, cosines, quality, hook, params, rng)
    # z = (t . x0 - 0) / 0.5 = 2; no boredom yet; base = 1 * (2 - 2) = 0
    # r = sigmoid(0 + 3 * (0.8 - 0.5)) = sigmoid(0.9) = 0.71095 > 0.6: thumbs up
    # S1 = 0.8 * 0.5 + 0.2 * 0.71095 = 0.54219
    r1 = 1 / (1 + math.exp(-0.9))
    assert first.chosen[0] == 0 and first.thumbs[0] == 1
    assert first.utility[0] == pytest.approx(r1)
    assert user.satisfaction[0] == pytest.approx(0.8 * 0.5 + 0.2 * r1)
    # drift: t = normalise((1, 0) + 0.1 * ((0, 1) - (1, 0))) = normalise(0.9, 0.1)
    taste = np.array([0.9, 0.1]) / math.hypot(0.9, 0.1)
    np.testing.assert_allclose(user.taste[0], taste, rtol=1e-6)

    second = respond(user, np.array([[1]]), items, cosines, quality, hook, params, rng)
    # z = t . x1 / 0.5 = (0.99388 * 0.6 + 0.11043 * 0.8) / 0.5 = 1.36935
    # boredom: cos(x1, x0) = 0.6 -> (0.6 - 0.3) / 0.7 = 0.42857, weighed 2.5
    # r = sigmoid((1.36935 - 2) - 2.5 * 0.42857 + 3 * (0.2 - 0.5)) = sigmoid(-2.60208) = 0.0690
    z = float(taste @ items[1]) / 0.5
    r2 = 1 / (1 + math.exp(-((z - 2) - 2.5 * 0.3 / 0.7 - 0.9)))
    assert r2 == pytest.approx(0.0690, abs=1e-4)
    assert second.utility[0] == pytest.approx(r2) and second.thumbs[0] == -1
    s2 = 0.8 * (0.8 * 0.5 + 0.2 * r1) + 0.2 * r2  # 0.44755: above 0.4, the user stays
    assert user.satisfaction[0] == pytest.approx(s2) and user.active[0]
    assert user.recent[0].tolist() == [0, 1] and user.consumed[0].tolist() == [True, True, False]


def test_a_user_below_the_threshold_for_patience_rounds_leaves():
    items = np.eye(3, dtype=np.float32)
    params = UserParameters(no_click_appeal=1e9, no_click_utility=0.0, patience=2)
    user = _one_user([1.0, 0.0, 0.0], [1.0, 0.0, 0.0])
    rng = np.random.default_rng(0)
    # Never clicks, utility 0: S = 0.4, 0.32, ... below 0.4 from round 2.
    for expected_active in (True, True, False):
        respond(user, np.array([[0]]), items, items @ items.T, np.ones(3), np.ones(3), params, rng)
        assert user.active[0] == expected_active
    frozen = user.satisfaction[0]
    response = respond(
        user, np.array([[0]]), items, items @ items.T, np.ones(3), np.ones(3), params, rng
    )
    assert response.chosen[0] == -1 and math.isnan(response.utility[0])
    assert user.satisfaction[0] == frozen  # a user who left keeps the satisfaction they left with


def test_choose_changes_nothing_and_respond_is_choose_then_advance():
    items = np.array([[1.0, 0.0], [0.6, 0.8], [0.0, 1.0]], dtype=np.float32)
    args = (np.array([[0, 1, -1]]), items, items @ items.T, np.full(3, 0.5), np.full(3, 0.5))
    params = UserParameters(drift_rate=0.1)
    user, twin = _one_user([1.0, 0.0], [0.0, 1.0]), _one_user([1.0, 0.0], [0.0, 1.0])
    before = user.copy()
    chosen = choose(user, *args, params, np.random.default_rng(3))
    assert all(np.array_equal(getattr(user, f), getattr(before, f)) for f in vars(before))
    advance(user, chosen, params)
    responded = respond(twin, *args, params, np.random.default_rng(3))
    assert all(
        np.array_equal(getattr(responded, f), getattr(chosen, f), equal_nan=True)
        for f in ("chosen", "utility", "thumbs")
    )
    assert all(np.array_equal(getattr(user, f), getattr(twin, f)) for f in vars(twin))


def test_advance_by_hand():
    user = _one_user([1.0, 0.0], [0.0, 1.0], memory=2)
    user.recent[0] = [-1, 2]
    params = UserParameters(drift_rate=0.5, leave_below=0.5, patience=1)
    clicked = Responses(np.array([1]), np.array([0.2]), np.array([-1], dtype=np.int8))
    advance(user, clicked, params)
    # S1 = 0.8 * 0.5 + 0.2 * 0.2 = 0.44 < 0.5 for 1 round = patience: the user leaves
    assert user.satisfaction[0] == pytest.approx(0.44)
    assert user.low_rounds[0] == 1 and not user.active[0]
    # item 1 consumed and remembered, the oldest (-1) forgotten
    assert user.recent[0].tolist() == [2, 1] and user.consumed[0].tolist() == [False, True, False]
    # drift: t = normalise((1, 0) + 0.5 * ((0, 1) - (1, 0))) = normalise(0.5, 0.5)
    np.testing.assert_allclose(user.taste[0], [math.sqrt(0.5), math.sqrt(0.5)], rtol=1e-6)


@pytest.fixture(scope="module")
def lab_inputs():
    catalogue = load_catalogue()
    vectors = np.load(ASSETS_DIR / "embeddings.npy")
    personas = made_up_personas(vectors, 4)
    context = RankingContext(item_vectors=vectors, hook=catalogue.items["hook"].to_numpy(float))
    return catalogue, vectors, personas, context


def _lab(lab_inputs, seed, replicates=1):
    catalogue, vectors, personas, context = lab_inputs
    settings = LabSettings(n_users=30, rounds=6, slate_size=5, seed=seed, replicates=replicates)
    params = UserParameters()
    strategies = [
        PRESETS[name]
        for name in (
            "Static (interest text only)",
            "Adaptive (feedback)",
            "Adaptive + explore",
            "Random",
        )
    ]
    quality = catalogue.items["quality"].to_numpy(float)
    return run_lab(strategies, context, personas, quality, settings, params)


def test_same_seed_gives_identical_numbers(lab_inputs):
    first, again, other = _lab(lab_inputs, 1), _lab(lab_inputs, 1), _lab(lab_inputs, 2)
    assert curve_table(first).to_csv(index=False) == curve_table(again).to_csv(index=False)
    assert summary(first).equals(summary(again))
    assert curve_table(first).to_csv(index=False) != curve_table(other).to_csv(index=False)


def test_runs_are_well_formed(lab_inputs):
    for run in _lab(lab_inputs, 1):
        assert run.satisfaction.shape == (6, 30)
        assert ((run.satisfaction >= 0) & (run.satisfaction <= 1)).all()
        # A slate never repeats a consumed item: nobody clicks the same item twice.
        for user in range(30):
            chosen = run.chosen[:, user]
            chosen = chosen[chosen >= 0]
            assert len(set(chosen.tolist())) == len(chosen)
        # Once gone, gone.
        assert not (np.diff(run.active.astype(int), axis=0) > 0).any()
        assert run.shown.sum() <= 6 * 30 * 5
        table = curves(run)
        assert (table["satisfaction_low"] <= table["satisfaction"]).all()
        assert (table["satisfaction"] <= table["satisfaction_high"]).all()


def test_the_users_luck_is_the_same_under_every_strategy(lab_inputs, monkeypatch):
    # Random, epsilon-greedy and Thompson draw from their own stream: the users' draws in every
    # round must be the very same values whatever the ranker consumed (they were not when the
    # ranker and the users shared one generator).
    import recsys.simulation.environment as environment

    seen: dict[str, list[tuple]] = {}
    real = environment.respond

    def recording(population, slates, *args):
        rng = args[-1]
        seen.setdefault(current[0], []).append(tuple(rng.bit_generator.state["state"].values()))
        return real(population, slates, *args)

    monkeypatch.setattr(environment, "respond", recording)
    catalogue, vectors, personas, context = lab_inputs
    settings = LabSettings(n_users=30, rounds=6, slate_size=5, seed=3, replicates=2)
    quality = catalogue.items["quality"].to_numpy(float)
    current = [""]
    names = ("Static (interest text only)", "Random", "Adaptive + explore")
    strategies = [*(PRESETS[name] for name in names), Strategy("eps", exploration="epsilon")]
    for replicate in range(settings.replicates):
        population = make_population(
            personas, vectors, 30, UserParameters(), population_rng(3, replicate)
        )
        for strategy in strategies:
            current[0] = f"{strategy.name} {replicate}"
            simulate(
                strategy,
                context,
                population.copy(),
                quality,
                settings,
                UserParameters(),
                Streams.of(3, replicate),
            )
    for replicate in range(settings.replicates):
        states = [seen[f"{s.name} {replicate}"] for s in strategies]
        assert all(len(one) == settings.rounds for one in states)
        assert all(one == states[0] for one in states)  # round by round, the same draws
    assert seen["Random 0"] != seen["Random 1"]  # replicates are different luck


def test_replicates_are_independent_populations_side_by_side(lab_inputs):
    one, three = _lab(lab_inputs, 1), _lab(lab_inputs, 1, replicates=3)
    for single, joined in zip(one, three, strict=True):
        assert joined.satisfaction.shape == (6, 90) and joined.replicates == 3
        assert joined.replicate.tolist() == [0] * 30 + [1] * 30 + [2] * 30
        # replicate 0 of a three-replicate run is the one-replicate run
        np.testing.assert_array_equal(joined.chosen[:, :30], single.chosen)
        assert not np.array_equal(joined.chosen[:, 30:60], single.chosen)
        assert (joined.impressions() <= 5).all() and joined.slates.shape == (6, 90, 5)


def test_mean_interval_by_hand():
    # mean 2, s = 1, n = 3, t(0.975, 2) = 4.3027: half-width 4.3027 / sqrt(3) = 2.4841
    interval = mean_interval(np.array([1.0, 2.0, 3.0]))
    assert interval.mean == 2.0
    assert interval.high - 2.0 == pytest.approx(4.302653 / math.sqrt(3), rel=1e-5)
    assert mean_interval(np.array([np.nan, 5.0])).low == 5.0  # NaN skipped, n = 1: no width


def test_paired_difference_and_reading(lab_inputs):
    runs = _lab(lab_inputs, 1)
    static, adaptive = runs[0], runs[1]
    difference = paired_difference(adaptive, static, "final_satisfaction")
    by_hand = adaptive.satisfaction[-1] - static.satisfaction[-1]
    assert difference.mean == pytest.approx(by_hand.mean())
    sentences = reading(runs, summary(runs), UserParameters(), lab_inputs[3].hook)
    assert any(
        s.startswith("Adaptive (feedback) against Static (interest text only) on final")
        for s in sentences
    )
    assert any("Holm" in s for s in sentences)


def test_slate_diversity_by_hand():
    cosines = np.array([[1.0, 0.5, 0.0], [0.5, 1.0, 0.2], [0.0, 0.2, 1.0]], dtype=np.float32)
    # pairs 0.5, 0.0, 0.2 -> mean 0.2333 -> diversity 0.7667; one item -> NaN
    got = slate_diversity(np.array([[0, 1, 2], [1, -1, -1]]), cosines)
    assert got[0] == pytest.approx(1 - 0.7 / 3) and math.isnan(got[1])


def test_share_interval_by_hand_stays_in_zero_one():
    # p = 0 of n = 10, z = 1.96: upper = (0 + 1.9208 / 10 + 1.96 * sqrt(3.8416 / 400)) / 1.38416
    #                                 = (0.19208 + 0.19208) / 1.38416 = 0.27754
    interval = share_interval(np.zeros(10))
    assert interval.mean == 0.0 and interval.low == pytest.approx(0.0, abs=1e-12)
    assert interval.high == pytest.approx(0.27754, abs=1e-4)
    full = share_interval(np.ones(10))
    assert full.high == pytest.approx(1.0) and full.low == pytest.approx(1 - 0.27754, abs=1e-4)


def test_differences_table_by_hand(lab_inputs):
    runs = _lab(lab_inputs, 1)  # Static, Adaptive, Adaptive + explore, Random
    table = differences(compare(runs))
    assert table["comparison"].unique().tolist() == [
        "Adaptive (feedback) − Static (interest text only)",
        "Adaptive + explore − Adaptive (feedback)",
    ]
    clicks = (runs[1].chosen >= 0).sum(axis=0) - (runs[0].chosen >= 0).sum(axis=0)
    row = table[table["measure"] == "clicks"].iloc[0]
    assert row["difference"] == pytest.approx(clicks.mean())
    assert (table["difference_low"] <= table["difference"]).all()
    assert (table["p_holm"] >= table["p"]).all()


def test_sigmoid_is_exact_at_the_extremes_without_overflow():
    x = np.array([-1000.0, -2.0, 0.0, 2.0, 1000.0])
    with np.errstate(over="raise"):
        y = _sigmoid(x)
    assert y[[0, 2, 4]].tolist() == [0.0, 0.5, 1.0]
    assert y[1] == pytest.approx(1 / (1 + math.exp(2))) and y[3] == pytest.approx(1 - y[1])


def test_per_user_diversity_skips_one_item_slates_and_absent_rounds():
    # user 0: diversity 0.2 then 0.4; user 1: only one-item slates (NaN); user 2: gone in round 2
    run = StrategyRun(
        name="by hand",
        satisfaction=np.full((2, 3), 0.5),
        active=np.array([[True, True, True], [True, True, False]]),
        chosen=np.full((2, 3), -1),
        thumbs=np.zeros((2, 3), dtype=np.int8),
        diversity=np.array([[0.2, np.nan, 0.6], [0.4, np.nan, np.nan]]),
        slates=np.full((2, 3, 1), -1, dtype=np.intp),
        shown=np.zeros((1, 4), dtype=np.int64),
        replicate=np.zeros(3, dtype=np.intp),
    )
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        diversity = per_user(run)["diversity"]
    assert diversity[0] == pytest.approx(0.3) and diversity[2] == pytest.approx(0.6)
    assert np.isnan(diversity[1])


def test_only_personas_restricts_the_population_to_them(lab_inputs):
    _, vectors, personas, _ = lab_inputs
    chosen = only_personas(personas, ["p3", "p1"])
    assert chosen.ids == ["p3", "p1"]
    np.testing.assert_array_equal(chosen.hidden, personas.hidden[[2, 0]])
    population = make_population(chosen, vectors, 50, UserParameters(), population_rng(1))
    assert set(population.persona.tolist()) == {0, 1}  # rows of ``chosen``: p3 and p1 only
    with pytest.raises(ValueError, match="unknown personas p9"):
        only_personas(personas, ["p1", "p9"])
    with pytest.raises(ValueError, match="at least one"):
        only_personas(personas, [])


def test_the_log_population_draws_second_shares_outside_the_labs(lab_inputs):
    from recsys.log_population import LOG_SECOND_SHARE, PARAMETER_GROUPS, group_parameters

    _, vectors, personas, _ = lab_inputs
    params = group_parameters("noisy", PARAMETER_GROUPS)
    # With no taste noise a user's taste is normalise(T_p + w2 T_p2): w2 can be read back.
    quiet = dataclasses.replace(params, taste_noise=0.0)
    one = only_personas(personas, personas.ids[:2])
    population = make_population(one, vectors, 40, quiet, population_rng(3))
    first, second = one.hidden[0].astype(np.float64), one.hidden[1].astype(np.float64)
    basis = np.stack([first, second], axis=1)
    for user in range(40):
        a, b = np.linalg.lstsq(basis, population.taste[user].astype(np.float64), rcond=None)[0]
        own, other = (a, b) if population.persona[user] == 0 else (b, a)
        assert LOG_SECOND_SHARE[0] - 1e-4 <= other / own <= LOG_SECOND_SHARE[1] + 1e-4


def test_hybrid_on_personas_absent_from_the_log_gives_one_line(lab_inputs):
    from recsys.context import ranking_context
    from recsys.interactions import generate_log
    from recsys.log_population import absent_persona_line

    catalogue, vectors, personas, _ = lab_inputs
    log = generate_log(catalogue, vectors, personas, 60, 6, seed=2, absent=("p4",))
    context = ranking_context(catalogue, vectors, log, click_model=None)
    settings = LabSettings(n_users=20, rounds=4, slate_size=5, seed=1, replicates=1)
    quality = catalogue.items["quality"].to_numpy(float)
    line = absent_persona_line(context, personas, quality, settings, UserParameters(), ("p4",))
    assert line.startswith("Hybrid − Adaptive (feedback), final satisfaction")
    assert "absent from the log (p4)" in line and "in the log (p1, p2, p3)" in line
    assert line.count("[") == 2 and "1 × 20 users each" in line


def test_the_numbers_do_not_depend_on_the_worker_threads_and_progress_stays_home(lab_inputs):
    import threading

    catalogue, vectors, personas, context = lab_inputs
    settings = LabSettings(n_users=20, rounds=4, slate_size=5, seed=4, replicates=2)
    strategies = [PRESETS[name] for name in ("Adaptive (multi-interest)", "Adaptive + explore")]
    strategies.append(PRESETS["Adaptive + diverse"])
    quality = catalogue.items["quality"].to_numpy(float)
    calls: dict[int, list[tuple[float, bool]]] = {1: [], 2: [], 3: []}
    runs = {}
    for workers, seen in calls.items():

        def progress(share, seen=seen):
            seen.append((share, threading.current_thread() is threading.main_thread()))

        runs[workers] = run_lab(
            strategies, context, personas, quality, settings, UserParameters(), progress, workers
        )
    for one, other in ((runs[1], runs[2]), (runs[1], runs[3])):
        for a, b in zip(one, other, strict=True):
            for field in ("satisfaction", "chosen", "thumbs", "slates", "shown"):
                np.testing.assert_array_equal(getattr(a, field), getattr(b, field))
            np.testing.assert_array_equal(a.diversity, b.diversity)
    for seen in calls.values():
        shares = [share for share, _ in seen]
        assert all(home for _, home in seen)  # never from a worker thread
        assert shares[-1] == 1.0 and (np.diff(shares) >= 0).all() and shares[0] >= 0


def test_a_job_that_fails_fails_the_run(lab_inputs, monkeypatch):
    import recsys.simulation.environment as environment

    catalogue, vectors, personas, context = lab_inputs

    def broken(*args, **kwargs):
        raise RuntimeError("a job failed")

    monkeypatch.setattr(environment, "respond", broken)
    settings = LabSettings(n_users=20, rounds=3, slate_size=5, replicates=2)
    quality = catalogue.items["quality"].to_numpy(float)
    with pytest.raises(RuntimeError, match="a job failed"):
        run_lab([PRESETS["Random"]], context, personas, quality, settings, UserParameters())


def test_a_ranker_that_does_not_draw_serves_only_the_users_left_to_the_same_effect(
    lab_inputs, monkeypatch
):
    # Users leave fast under these parameters; a ranker that does not draw ranks only those
    # still there, which must give what ranking everyone and masking the gone gives.
    catalogue, vectors, personas, context = lab_inputs
    settings = LabSettings(n_users=30, rounds=8, slate_size=5, seed=5)
    params = UserParameters(leave_below=0.55, patience=1)
    quality = catalogue.items["quality"].to_numpy(float)
    names = ("Static (interest text only)", "Adaptive (multi-interest)", "Adaptive + diverse")
    strategies = [PRESETS[name] for name in names]
    served = run_lab(strategies, context, personas, quality, settings, params)
    monkeypatch.setattr(Strategy, "draws", property(lambda self: True))
    everyone = run_lab(strategies, context, personas, quality, settings, params)
    for a, b in zip(served, everyone, strict=True):
        assert not a.active[-1].all()  # some users did leave
        np.testing.assert_array_equal(a.slates, b.slates)
        np.testing.assert_array_equal(a.satisfaction, b.satisfaction)

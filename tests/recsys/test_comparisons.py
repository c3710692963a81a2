"""Paired comparisons: the t-test, Holm's step-down, replicate agreement, and the reading
computed from the numbers and the user model (recsys.simulation.comparisons, .reading)."""

import numpy as np
import pytest
from scipy import stats

from recsys.simulation.comparisons import (
    compare,
    differences,
    holm,
    paired_t_p_value,
    replicate_agreement,
    shown_differences,
)
from recsys.simulation.environment import StrategyRun
from recsys.simulation.reading import reading
from recsys.simulation.report import per_user, summary
from recsys.simulation.users import UserParameters


def test_holm_by_hand():
    # sorted 0.01, 0.03, 0.04 -> 3 x 0.01 = 0.03, 2 x 0.03 = 0.06, 1 x 0.04 = 0.04 -> max-acc 0.06
    assert holm([0.04, 0.01, 0.03]).tolist() == pytest.approx([0.06, 0.03, 0.06])
    assert holm([0.5, 0.9]).tolist() == [1.0, 1.0]  # capped at 1
    assert holm([]).size == 0


def test_holm_is_never_below_the_raw_p_and_never_above_bonferroni(rng):
    p = rng.uniform(0, 0.2, size=30)
    adjusted = holm(p)
    assert (adjusted >= p).all()
    assert (adjusted <= np.minimum(1, 30 * p) + 1e-12).all()


def test_paired_t_p_value_is_scipys_and_handles_no_spread(rng):
    d = rng.normal(0.1, 1.0, size=50)
    assert paired_t_p_value(d) == pytest.approx(stats.ttest_1samp(d, 0.0).pvalue)
    assert paired_t_p_value(np.zeros(10)) == 1.0
    assert paired_t_p_value(np.full(10, 0.2)) == 0.0
    assert paired_t_p_value(np.array([np.nan, 1.0])) == 1.0  # one finite value


def test_replicate_agreement_by_hand():
    # pooled mean +0.5; replicate 0 mean +1, replicate 1 mean -0.5, replicate 2 mean +1
    d = np.array([1.0, 1.0, -1.0, 0.0, 2.0, 0.0])
    replicate = np.array([0, 0, 1, 1, 2, 2])
    assert replicate_agreement(d, replicate) == (2, 3)


def _run(name, satisfaction, clicked, replicate, k=2):
    """A two-round run of len(satisfaction) users: every user active, shown k items a round,
    final satisfaction as given, clicks (rounds, users) as given."""
    satisfaction = np.asarray(satisfaction, dtype=float)
    m = satisfaction.size
    chosen = np.where(np.asarray(clicked, dtype=bool), 0, -1)
    return StrategyRun(
        name=name,
        satisfaction=np.vstack([np.full(m, 0.5), satisfaction]),
        active=np.ones((2, m), dtype=bool),
        chosen=chosen,
        thumbs=np.zeros((2, m), dtype=np.int8),
        diversity=np.full((2, m), 0.5),
        slates=np.zeros((2, m, k), dtype=np.intp),
        shown=np.zeros((max(replicate) + 1, 3), dtype=np.int64),
        replicate=np.asarray(replicate, dtype=np.intp),
    )


@pytest.fixture
def three_runs(rng):
    m = 400
    replicate = np.repeat(np.arange(4), m // 4)
    base = rng.uniform(0.3, 0.7, size=m)
    static = _run("Static (interest text only)", base, rng.random((2, m)) < 0.5, replicate)
    adaptive = _run(
        "Adaptive (feedback)", base + 0.05 + rng.normal(0, 0.02, m), static.chosen >= 0, replicate
    )
    clicker = _run(
        "Click-maximiser", base - 0.1, rng.random((2, m)) < 0.5, replicate
    )  # no early edge
    return [static, adaptive, clicker]


def test_compare_tests_one_family_and_holm_adjusts_it(three_runs):
    found = compare(three_runs)
    measures = len(per_user(three_runs[0]))
    assert len(found) == 2 * measures  # Adaptive - Static, Click-maximiser - Adaptive
    p = np.array([c.p_value for c in found])
    assert [c.p_holm for c in found] == pytest.approx(holm(p).tolist())
    satisfaction = next(c for c in found if c.measure == "final_satisfaction")
    assert satisfaction.first == "Adaptive (feedback)" and satisfaction.sign == 1
    assert satisfaction.agreeing == satisfaction.replicates == 4
    assert satisfaction.difference.mean == pytest.approx(0.05, abs=0.005)
    # identical clicks: no difference in clicks per impression, p = 1, not told apart
    ctr = next(c for c in found if c.measure == "ctr" and c.first == "Adaptive (feedback)")
    assert ctr.difference.mean == 0 and ctr.p_holm == 1.0 and ctr.sign == 0
    shown = shown_differences(differences(found))
    assert (
        shown.loc[0, "Survives Holm"] == "yes" and shown.loc[0, "Replicates agreeing"] == "4 of 4"
    )


def test_clicks_per_impression_counts_the_items_shown(three_runs):
    static = three_runs[0]
    values = per_user(static)
    clicks = (static.chosen >= 0).sum(axis=0)
    assert values["ctr"] == pytest.approx(clicks / 4)  # two rounds of two items
    assert values["early_ctr"] == pytest.approx(clicks / 4)  # the run is shorter than 5 rounds


def test_the_reading_is_computed_from_the_user_model(three_runs):
    table = summary(three_runs)
    hook = np.array([0.0, 0.5, 1.0])
    found = compare(three_runs)
    default = reading(three_runs, table, UserParameters(), hook, found)
    why = [s for s in default if s.startswith("Why early clicks are hard to win")]
    assert len(why) == 1
    # w_h x sd(h) = 3 x 0.408 = 1.22 > w_m = 1: the hook moves a click more than the match
    assert "1.22" in why[0] and "more than the match" in why[0]
    weak_hook = reading(three_runs, table, UserParameters(hook_weight=1.0), hook, found)
    (why,) = [s for s in weak_hook if s.startswith("Why early clicks")]
    assert "0.41" in why and "less than the match" in why
    assert any(
        s.startswith("Adaptive (feedback) against Static (interest text only) on final")
        and "ahead" in s
        and "4 of 4 replicates agree" in s
        for s in default
    )
    assert default[-1].startswith(f"Of the {len(found)} paired differences in the table")


def test_no_click_maximiser_no_sentence_about_it(three_runs):
    runs = three_runs[:2]
    sentences = reading(runs, summary(runs), UserParameters(), np.array([0.2, 0.8]))
    assert not any("Click-maximiser" in s or "early clicks" in s for s in sentences)


def test_the_command_line_table_is_markdown():
    import pandas as pd

    from recsys.simulation.__main__ import markdown

    got = markdown(pd.DataFrame({"a": [1, 2], "b": ["x", "y [0, 1]"]}))
    assert got.splitlines() == ["| a | b |", "| --- | --- |", "| 1 | x |", "| 2 | y [0, 1] |"]

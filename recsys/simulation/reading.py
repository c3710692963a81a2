"""The lab's reading: plain sentences computed from a run's numbers and its user model.

Nothing here is written in advance: every verdict comes from ``recsys.simulation.comparisons``
(paired differences, Holm-adjusted, replicate by replicate), and every "why" from the user
model's parameters and the catalogue the run used. A strategy missing from the run drops the
sentences about it.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from recsys.simulation.comparisons import ALPHA, Comparison, compare
from recsys.simulation.environment import StrategyRun
from recsys.simulation.report import EARLY_ROUNDS, MEASURES, Interval
from recsys.simulation.users import UserParameters

ADAPTIVE, STATIC = "Adaptive (feedback)", "Static (interest text only)"
CLICKER = "Click-maximiser"
VARIANTS = ("Adaptive + diverse", "Adaptive + explore")
LONG_TERM = ("final_satisfaction", "retention")


def _lower(label: str) -> str:
    return label[0].lower() + label[1:]


def _leaders(table: pd.DataFrame) -> list[str]:
    """Who is highest on the long-term measures and early engagement, and whether the
    runner-up's own interval overlaps (a description; the tests are in the comparisons)."""
    sentences = []
    for measure in (*LONG_TERM, "early_ctr"):
        ordered = table.sort_values(measure, ascending=False)
        if len(ordered) < 2 or ordered[measure].isna().all():
            continue
        best, second = ordered.iloc[0], ordered.iloc[1]
        a, b = Interval.of(best, measure), Interval.of(second, measure)
        tie = "its interval overlaps" if a.overlaps(b) else "clear of"
        sentences.append(
            f"{MEASURES[measure]}: {best['strategy']} is highest ({a.mean:.3f}); {tie} the "
            f"runner-up, {second['strategy']} ({b.mean:.3f})."
        )
    return sentences


def _sentence(c: Comparison) -> str:
    return f"{c.first} against {c.second} on {_lower(MEASURES[c.measure])}: {c.verdict()}."


def _why_no_early_win(
    runs: dict[str, StrategyRun], params: UserParameters, hook: NDArray[np.float64]
) -> str:
    """What the user model says about how much the hook can move a click, in numbers."""
    first_round = float((runs[ADAPTIVE].chosen[0] >= 0).mean())
    hook_swing = params.hook_weight * float(np.std(hook))
    comparison = "more" if hook_swing > params.match_weight else "less"
    return (
        f"Why early clicks are hard to win here: {first_round:.0%} of users click something in "
        f"round 1 under {ADAPTIVE} already (one click per slate at most). In this user model a "
        f"standard deviation of click appeal across the catalogue is worth w_h × sd(h) = "
        f"{params.hook_weight:g} × {np.std(hook):.3f} = {hook_swing:.2f} in an item's appeal, "
        f"against w_m = {params.match_weight:g} for a standard deviation of taste match: the hook "
        f"moves the chance of a click {comparison} than the match does."
    )


def _which_variant_helps(found: dict[tuple[str, str, str], Comparison]) -> str | None:
    """Which of diversity and exploration still helps Adaptive, after the correction."""
    helping, hurting, neither = [], [], []
    for variant in VARIANTS:
        found_here = [found.get((variant, ADAPTIVE, m)) for m in LONG_TERM]
        if None in found_here:
            continue
        signs = {c.sign for c in found_here}
        if signs <= {0, 1} and 1 in signs:
            helping.append(variant)
        elif signs <= {0, -1} and -1 in signs:
            hurting.append(variant)
        else:
            neither.append(variant)
    if not helping + hurting + neither:
        return None
    parts = []
    if helping:
        parts.append(f"{' and '.join(helping)} still help{'s' if len(helping) == 1 else ''}")
    if hurting:
        parts.append(f"{' and '.join(hurting)} do{'es' if len(hurting) == 1 else ''} worse")
    if neither:
        parts.append(f"{' and '.join(neither)} cannot be told apart (or is mixed)")
    return (
        f"Diversity and exploration against plain {ADAPTIVE}, on final satisfaction and "
        f"retention after the Holm correction: " + "; ".join(parts) + "."
    )


def reading(
    runs: Sequence[StrategyRun],
    table: pd.DataFrame,
    params: UserParameters,
    hook: NDArray[np.float64],
    comparisons: Sequence[Comparison] | None = None,
) -> list[str]:
    """The sentences the Lab page shows under its tables. ``table`` is
    ``report.summary(runs)``; ``comparisons`` is ``compare(runs)`` (computed if not given);
    ``params`` the user model the run used, ``hook`` (n,) the catalogue's click appeal."""
    comparisons = list(compare(runs) if comparisons is None else comparisons)
    found = {(c.first, c.second, c.measure): c for c in comparisons}
    by_name = {run.name: run for run in runs}
    sentences = _leaders(table)
    for c in comparisons:
        if c.first in VARIANTS or c.measure not in (*LONG_TERM, "early_ctr"):
            continue
        if c.measure == "early_ctr" and c.first != CLICKER:
            continue
        sentences.append(_sentence(c))
    early = found.get((CLICKER, ADAPTIVE, "early_ctr"))
    if early is not None and early.sign <= 0:
        sentences.append(_why_no_early_win(by_name, params, hook))
    sentences += [
        _sentence(c) for c in comparisons if c.first in VARIANTS and c.measure in LONG_TERM
    ]
    variants = _which_variant_helps(found)
    if variants:
        sentences.append(variants)
    if comparisons:
        surviving = sum(c.survives for c in comparisons)
        replicates = comparisons[0].replicates
        sentences.append(
            f"Of the {len(comparisons)} paired differences in the table, {surviving} survive "
            f"Holm's correction (family-wise error {ALPHA:.0%}); the run has {replicates} "
            f"replicate{'s' if replicates != 1 else ''} and {len(runs[0].replicate)} users "
            f"per strategy, and early engagement is rounds 1-{EARLY_ROUNDS}."
        )
    return sentences

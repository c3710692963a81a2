"""Paired comparisons between strategies, corrected for multiplicity (Holm) and checked
replicate by replicate.

Within a replicate every strategy met the same users with the same luck
(``recsys.simulation.environment``), so strategy a is compared with strategy b user by user,
d_u = x_u(a) - x_u(b). The users are independent draws, within a replicate and across
replicates, so the N = R x n differences of a run are one sample: their mean, its 95% t
interval, and the two-sided p-value of the paired t-test, t = mean(d) / (s_d / sqrt(N)) on
N - 1 degrees of freedom (for retention, a 0/1 measure, d is -1, 0 or +1 and N is in the
thousands, where the t-test's normal approximation holds).

The page tests many hypotheses at once: every comparison on every measure. At 95% each,
about one in twenty would exclude 0 by chance alone. Holm's step-down procedure (Holm 1979,
"A simple sequentially rejective multiple test procedure") keeps the chance of even one
false claim in the whole table at 5%: with the m p-values in order p_(1) <= ... <= p_(m),

    p~_(i) = max_{j <= i} min(1, (m - j + 1) p_(j))

and a difference *survives* when p~ < 0.05. It is uniformly more powerful than Bonferroni
and assumes nothing about how the tests depend on each other (they share users here).

Replicates: each replicate's own mean difference; "k of R replicates agree" counts those
whose mean difference has the sign of the pooled one, so a result that one population's luck
carries shows up as a split.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from recsys.simulation.environment import StrategyRun
from recsys.simulation.report import MEASURES, Interval, mean_interval, per_user

ALPHA = 0.05  # the family-wise error rate Holm's procedure holds the table to

COMPARISONS = (
    ("Adaptive (feedback)", "Static (interest text only)"),
    ("Adaptive + diverse", "Adaptive (feedback)"),
    ("Adaptive + explore", "Adaptive (feedback)"),
    ("Adaptive (multi-interest)", "Adaptive (feedback)"),
    ("Hybrid (CF + content)", "Adaptive (feedback)"),
    ("Hybrid (CF + content)", "Hybrid without popularity"),
    ("Adaptive + popularity", "Adaptive (feedback)"),
    ("Click-maximiser", "Adaptive (feedback)"),
)


def paired_t_p_value(differences: NDArray[np.floating]) -> float:
    """Two-sided p-value of the paired t-test that the finite ``differences`` have mean 0.
    All equal: 1 if they are 0, else 0 (no spread, no doubt); fewer than two: 1."""
    d = np.asarray(differences, dtype=np.float64)
    d = d[np.isfinite(d)]
    if d.size < 2:
        return 1.0
    spread = d.std(ddof=1)
    if spread == 0:
        return 1.0 if d.mean() == 0 else 0.0
    t = d.mean() / (spread / np.sqrt(d.size))
    return float(2 * stats.t.sf(abs(t), d.size - 1))


def holm(p_values: Sequence[float]) -> NDArray[np.float64]:
    """Holm-adjusted p-values, in the order given (module docstring)."""
    p = np.asarray(p_values, dtype=np.float64)
    m = p.size
    if m == 0:
        return p
    order = np.argsort(p, kind="stable")
    stepped = np.minimum(1.0, (m - np.arange(m)) * p[order])
    adjusted = np.empty(m)
    adjusted[order] = np.maximum.accumulate(stepped)
    return adjusted


@dataclass(frozen=True)
class Comparison:
    """``first`` - ``second`` on ``measure``: the paired ``difference`` (mean and 95%
    interval over users), its ``p_value`` and ``p_holm`` within the family it was tested
    in, and in how many of the ``replicates`` the replicate's own mean had the same sign."""

    first: str
    second: str
    measure: str
    difference: Interval
    p_value: float
    p_holm: float
    agreeing: int
    replicates: int

    @property
    def survives(self) -> bool:
        """Told apart from 0 after the Holm correction."""
        return self.p_holm < ALPHA and self.difference.mean != 0

    @property
    def sign(self) -> int:
        """+1 if ``first`` is ahead and it survives, -1 if behind, 0 if not told apart."""
        return int(np.sign(self.difference.mean)) if self.survives else 0

    def verdict(self) -> str:
        """e.g. "ahead, +0.041 [+0.030, +0.052], Holm p < 0.001, 5 of 5 replicates agree"."""
        word = {1: "ahead", -1: "behind", 0: "not told apart"}[self.sign]
        return (
            f"{word}: {self.difference.signed()}, Holm-adjusted p {_p(self.p_holm)}, "
            f"{self.agreeing} of {self.replicates} replicates agree"
        )


def _p(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"= {p:.3f}"


def paired_difference(a: StrategyRun, b: StrategyRun, measure: str) -> Interval:
    """Mean of (a - b) per user for ``measure``, with its paired interval."""
    return mean_interval(per_user(a)[measure] - per_user(b)[measure])


def replicate_agreement(d: NDArray[np.float64], replicate: NDArray[np.intp]) -> tuple[int, int]:
    """(replicates whose mean of the finite ``d`` has the pooled mean's sign, replicates)."""
    finite = np.isfinite(d)
    pooled = np.sign(d[finite].mean()) if finite.any() else 0.0
    labels = np.unique(replicate)
    means = [d[finite & (replicate == r)] for r in labels]
    agreeing = sum(1 for one in means if one.size and np.sign(one.mean()) == pooled)
    return agreeing, len(labels)


def compare(
    runs: Sequence[StrategyRun],
    pairs: Sequence[tuple[str, str]] = COMPARISONS,
    measures: Sequence[str] = tuple(MEASURES),
) -> list[Comparison]:
    """Every pair of ``pairs`` whose two strategies both ran, on every measure: one family,
    Holm-adjusted together. In the order of ``pairs``, then ``measures``."""
    by_name = {run.name: run for run in runs}
    values = {name: per_user(run) for name, run in by_name.items()}
    rows = []
    for first, second in pairs:
        if first not in by_name or second not in by_name:
            continue
        replicate = by_name[first].replicate
        for measure in measures:
            d = values[first][measure] - values[second][measure]
            rows.append((first, second, measure, d, replicate))
    p_values = [paired_t_p_value(d) for *_, d, _ in rows]
    adjusted = holm(p_values)
    return [
        Comparison(
            first,
            second,
            measure,
            mean_interval(d),
            p,
            float(p_holm),
            *replicate_agreement(d, replicate),
        )
        for (first, second, measure, d, replicate), p, p_holm in zip(
            rows, p_values, adjusted, strict=True
        )
    ]


def differences(comparisons: Sequence[Comparison]) -> pd.DataFrame:
    """``compare(runs)`` as a long table, one row per comparison and measure: the mean
    difference and its interval, p, Holm-adjusted p, whether it survives, and replicates."""
    return pd.DataFrame(
        [
            {
                "comparison": f"{c.first} − {c.second}",
                "measure": c.measure,
                **c.difference.columns("difference"),
                "p": c.p_value,
                "p_holm": c.p_holm,
                "survives": c.survives,
                "agreeing": c.agreeing,
                "replicates": c.replicates,
            }
            for c in comparisons
        ]
    )


def shown_differences(paired: pd.DataFrame) -> pd.DataFrame:
    """``differences`` as the page shows them."""
    return pd.DataFrame(
        {
            "Comparison": paired["comparison"],
            "Measure": paired["measure"].map(MEASURES),
            "Difference [95% interval]": [
                Interval.of(row, "difference").signed() for _, row in paired.iterrows()
            ],
            "Holm-adjusted p": paired["p_holm"].map(lambda p: _p(p).lstrip("= ")),
            "Survives Holm": paired["survives"].map({True: "yes", False: "no"}),
            "Replicates agreeing": [
                f"{row.agreeing} of {row.replicates}" for row in paired.itertuples()
            ],
        }
    )

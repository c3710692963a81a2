"""What a lab run shows: per-round curves, a summary with 95% intervals, and a reading.

Every interval is a 95% confidence interval for a mean over the n simulated users,
mean +- t_(0.975, n - 1) * s / sqrt(n) (Student's t; s the sample standard deviation). For a
share p of n users (retention), it is the Wilson score interval, which stays inside [0, 1]
and does not collapse to a point at p = 0 or 1::

    (p + z^2 / 2n +- z sqrt(p (1 - p) / n + z^2 / 4n^2)) / (1 + z^2 / n),   z = 1.96

With replicates, n counts the users of every replicate (they are independent draws).
Differences between two strategies are paired and corrected for multiplicity in
``recsys.simulation.comparisons``.

Per user, over the run:

- final satisfaction: S after the last round (frozen at the moment a user left);
- retention at T: 1 if the user was still there in the last round;
- clicks per impression: clicks over the items shown to the user (a slate of k is k
  impressions; the click-through rate a site reports), over the first ``EARLY_ROUNDS``
  rounds (early engagement) and over the run. A user clicks at most one item a round, so it
  is clicks per round over the slate size: the same information on the scale that is
  comparable across slate sizes, and it counts a short slate (too few eligible items) as
  fewer chances;
- clicks: the number of items the user clicked;
- like rate: thumbs-up per slate the user was served;
- diversity: the mean intra-list diversity of the slates the user was served.

Catalogue coverage (the share of items shown to anyone) is one number per run, with no
interval.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy import stats

from recsys.simulation.environment import StrategyRun

EARLY_ROUNDS = 5  # "early engagement": the first rounds of a run

MEASURES = {
    "final_satisfaction": "Final satisfaction",
    "retention": "Retention at T",
    "early_ctr": f"Clicks per impression, rounds 1-{EARLY_ROUNDS}",
    "ctr": "Clicks per impression",
    "clicks": "Clicks per user",
    "like_rate": "Likes per slate",
    "diversity": "Intra-list diversity",
}


@dataclass(frozen=True)
class Interval:
    mean: float
    low: float
    high: float

    def overlaps(self, other: Interval) -> bool:
        return self.low <= other.high and other.low <= self.high

    def __str__(self) -> str:
        return f"{self.mean:.3f} [{self.low:.3f}, {self.high:.3f}]"

    def signed(self) -> str:
        """The interval of a difference, signs shown: "+0.080 [+0.003, +0.157]"."""
        return f"{self.mean:+.3f} [{self.low:+.3f}, {self.high:+.3f}]"

    @classmethod
    def of(cls, row: pd.Series, name: str) -> Interval:
        """The interval in a table row's ``name``, ``name_low`` and ``name_high`` columns."""
        return cls(row[name], row[f"{name}_low"], row[f"{name}_high"])

    def columns(self, name: str) -> dict[str, float]:
        """The interval as table columns ``name``, ``name_low`` and ``name_high``."""
        return {name: self.mean, f"{name}_low": self.low, f"{name}_high": self.high}


def _finite(values: NDArray[np.floating]) -> NDArray[np.float64]:
    values = np.asarray(values, dtype=np.float64)
    return values[np.isfinite(values)]


def mean_interval(values: NDArray[np.floating], confidence: float = 0.95) -> Interval:
    """Mean of the finite ``values`` with its t interval (zero width for n < 2)."""
    values = _finite(values)
    n = values.size
    if n == 0:
        return Interval(np.nan, np.nan, np.nan)
    mean = float(values.mean())
    if n < 2:
        return Interval(mean, mean, mean)
    half = stats.t.ppf(0.5 + confidence / 2, n - 1) * values.std(ddof=1) / np.sqrt(n)
    return Interval(mean, mean - float(half), mean + float(half))


def share_interval(values: NDArray[np.floating], confidence: float = 0.95) -> Interval:
    """Share of ones among the finite 0/1 ``values`` with its Wilson score interval."""
    values = _finite(values)
    n = values.size
    if n == 0:
        return Interval(np.nan, np.nan, np.nan)
    p = float(values.mean())
    z = float(stats.norm.ppf(0.5 + confidence / 2))
    centre = (p + z**2 / (2 * n)) / (1 + z**2 / n)
    half = z * np.sqrt(p * (1 - p) / n + z**2 / (4 * n**2)) / (1 + z**2 / n)
    return Interval(p, max(0.0, centre - half), min(1.0, centre + half))


SHARES = {"retention"}  # per-user 0/1 measures: Wilson intervals


def interval_for(measure: str, values: NDArray[np.floating]) -> Interval:
    """The interval the module docstring gives ``measure``: Wilson for a share, else t."""
    return (share_interval if measure in SHARES else mean_interval)(values)


def per_user(run: StrategyRun) -> dict[str, NDArray[np.float64]]:
    """Each measure of the module docstring, one value per user."""
    served = run.active.sum(axis=0)
    # a slate of one item has no diversity (NaN): a user who only ever saw those has none
    seen = run.active & ~np.isnan(run.diversity)
    impressions = run.impressions()
    clicked = run.chosen >= 0
    early = slice(0, EARLY_ROUNDS)
    with np.errstate(invalid="ignore", divide="ignore"):
        ctr = clicked.sum(axis=0) / impressions.sum(axis=0)
        early_ctr = clicked[early].sum(axis=0) / impressions[early].sum(axis=0)
        like_rate = np.where(served > 0, (run.thumbs > 0).sum(axis=0) / served, np.nan)
        diversity = np.where(seen, run.diversity, 0.0).sum(axis=0) / seen.sum(axis=0)
    return {
        "final_satisfaction": run.satisfaction[-1],
        "retention": run.active[-1].astype(np.float64),
        "early_ctr": np.where(np.isfinite(early_ctr), early_ctr, np.nan),
        "ctr": np.where(np.isfinite(ctr), ctr, np.nan),
        "clicks": clicked.sum(axis=0).astype(np.float64),
        "like_rate": like_rate,
        "diversity": diversity,
    }


def curves(run: StrategyRun) -> pd.DataFrame:
    """Per round: mean satisfaction, retention and cumulative clicks, each with its interval."""
    cumulative = np.cumsum(run.chosen >= 0, axis=0)
    rows = []
    for t in range(run.satisfaction.shape[0]):
        row = {"strategy": run.name, "round": t + 1}
        for name, values in (
            ("satisfaction", run.satisfaction[t]),
            ("retention", run.active[t].astype(float)),
            ("cumulative_clicks", cumulative[t].astype(float)),
        ):
            row |= interval_for(name, values).columns(name)
        rows.append(row)
    return pd.DataFrame(rows)


def summary(runs: list[StrategyRun]) -> pd.DataFrame:
    """One row per strategy: each measure's mean and interval, and catalogue coverage."""
    rows = []
    for run in runs:
        row: dict[str, object] = {"strategy": run.name}
        for key, values in per_user(run).items():
            row |= interval_for(key, values).columns(key)
        row["coverage"] = float((run.shown > 0).mean())
        rows.append(row)
    return pd.DataFrame(rows)


def curve_table(runs: list[StrategyRun]) -> pd.DataFrame:
    """Every strategy's per-round curves and intervals in one table (the page charts it and
    offers it as CSV)."""
    return pd.concat([curves(run) for run in runs])


def shown_summary(table: pd.DataFrame) -> pd.DataFrame:
    """``summary`` as the page shows it: each measure "mean [low, high]", then coverage."""
    shown = pd.DataFrame({"Strategy": table["strategy"]})
    for key, label in MEASURES.items():
        shown[label] = [str(Interval.of(row, key)) for _, row in table.iterrows()]
    shown["Catalogue coverage"] = table["coverage"].map("{:.3f}".format)
    return shown

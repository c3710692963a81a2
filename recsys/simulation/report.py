"""What a lab run shows: per-round curves, a summary with 95% intervals, and a reading.

Every interval is a 95% confidence interval for a mean over the n simulated users,
mean +- t_(0.975, n - 1) * s / sqrt(n) (Student's t; s the sample standard deviation). For a
share p of n users (retention), it is the Wilson score interval, which stays inside [0, 1]
and does not collapse to a point at p = 0 or 1::

    (p + z^2 / 2n +- z sqrt(p (1 - p) / n + z^2 / 4n^2)) / (1 + z^2 / n),   z = 1.96

Differences
between two strategies are *paired*: both met the same users with the same random stream, so
the interval is taken over the per-user differences, which is much narrower than comparing
two separate intervals.

Per user, over the run:

- final satisfaction: S after the last round (frozen at the moment a user left);
- retention at T: 1 if the user was still there in the last round;
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

MEASURES = {
    "final_satisfaction": "Final satisfaction",
    "retention": "Retention at T",
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
    with np.errstate(invalid="ignore", divide="ignore"):
        like_rate = np.where(served > 0, (run.thumbs > 0).sum(axis=0) / served, np.nan)
        diversity = np.where(seen, run.diversity, 0.0).sum(axis=0) / seen.sum(axis=0)
    return {
        "final_satisfaction": run.satisfaction[-1],
        "retention": run.active[-1].astype(np.float64),
        "clicks": (run.chosen >= 0).sum(axis=0).astype(np.float64),
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


def paired_difference(a: StrategyRun, b: StrategyRun, measure: str) -> Interval:
    """Mean of (a - b) per user for ``measure``, with its paired interval."""
    return mean_interval(per_user(a)[measure] - per_user(b)[measure])


def interval_of(table: pd.DataFrame, strategy: str, measure: str) -> Interval:
    row = table.set_index("strategy").loc[strategy]
    return Interval(row[measure], row[f"{measure}_low"], row[f"{measure}_high"])


def _lower(label: str) -> str:
    return label[0].lower() + label[1:]


def _compare(name_a: str, name_b: str, difference: Interval, what: str) -> str:
    if difference.low > 0:
        verdict = f"{name_a} is ahead of {name_b}"
    elif difference.high < 0:
        verdict = f"{name_a} is behind {name_b}"
    else:
        verdict = f"{name_a} and {name_b} cannot be told apart"
    return f"On {what}, {verdict}: the paired difference is {difference} (95% interval)."


def reading(runs: list[StrategyRun], table: pd.DataFrame, early_rounds: int = 5) -> list[str]:
    """A few plain sentences generated from the numbers: who wins each measure and whether
    the runner-up's interval overlaps; Adaptive against Static; the click-maximiser's early
    clicks against its final satisfaction; diversity and exploration against plain Adaptive.
    ``table`` is ``summary(runs)``, which the caller has already."""
    by_name = {run.name: run for run in runs}
    sentences = []
    for measure, label in MEASURES.items():
        ordered = table.sort_values(measure, ascending=False)
        if len(ordered) < 2 or ordered[measure].isna().all():
            continue
        best, second = ordered.iloc[0]["strategy"], ordered.iloc[1]["strategy"]
        a, b = interval_of(table, best, measure), interval_of(table, second, measure)
        tie = "its interval overlaps" if a.overlaps(b) else "clear of"
        sentences.append(
            f"{label}: {best} is highest ({a.mean:.3f}); {tie} the runner-up, {second} "
            f"({b.mean:.3f})."
        )
    adaptive, static = "Adaptive (feedback)", "Static (interest text only)"
    if adaptive in by_name and static in by_name:
        for measure in ("final_satisfaction", "retention"):
            difference = paired_difference(by_name[adaptive], by_name[static], measure)
            a, b = interval_of(table, adaptive, measure), interval_of(table, static, measure)
            apart = "overlap" if a.overlaps(b) else "do not overlap"
            sentences.append(
                _compare(adaptive, static, difference, _lower(MEASURES[measure]))
                + f" Their own intervals, {a} and {b}, {apart}."
            )
    clicker = "Click-maximiser"
    if clicker in by_name and adaptive in by_name:
        early = {
            name: (by_name[name].chosen[:early_rounds] >= 0).sum(axis=0)
            for name in (clicker, adaptive)
        }
        clicks = mean_interval(early[clicker] - early[adaptive])
        satisfaction = paired_difference(by_name[clicker], by_name[adaptive], "final_satisfaction")
        sentences.append(
            _compare(clicker, adaptive, clicks, f"clicks in the first {early_rounds} rounds")
        )
        if clicks.low <= 0:
            first_round = float((by_name[adaptive].chosen[0] >= 0).mean())
            sentences.append(
                f"Why the click-maximiser does not clearly win early clicks here: "
                f"{first_round:.0%} of users click something in round 1 even under "
                f"{adaptive}, so there is little room to win, and in this user model the match "
                "to a user's taste moves the chance of a click more than the hook does."
            )
        sentences.append(_compare(clicker, adaptive, satisfaction, "final satisfaction"))
    for variant in ("Adaptive + diverse", "Adaptive + explore"):
        if variant in by_name and adaptive in by_name:
            for measure in ("final_satisfaction", "retention"):
                difference = paired_difference(by_name[variant], by_name[adaptive], measure)
                sentences.append(_compare(variant, adaptive, difference, _lower(MEASURES[measure])))
    return sentences


COMPARISONS = (
    ("Adaptive (feedback)", "Static (interest text only)"),
    ("Adaptive + diverse", "Adaptive (feedback)"),
    ("Adaptive + explore", "Adaptive (feedback)"),
    ("Hybrid (CF + content)", "Adaptive (feedback)"),
    ("Click-maximiser", "Adaptive (feedback)"),
)


def differences(runs: list[StrategyRun]) -> pd.DataFrame:
    """Paired differences (first - second, per user) of every measure for the
    ``COMPARISONS`` whose two strategies both ran, with their intervals."""
    by_name = {run.name: run for run in runs}
    rows = []
    for first, second in COMPARISONS:
        if first in by_name and second in by_name:
            row: dict[str, object] = {"comparison": f"{first} − {second}"}
            for measure in MEASURES:
                difference = paired_difference(by_name[first], by_name[second], measure)
                row |= difference.columns(measure)
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


def shown_differences(paired: pd.DataFrame) -> pd.DataFrame:
    """``differences`` as the page shows them: each measure "+mean [+low, +high]"."""
    shown = pd.DataFrame({"Comparison": paired["comparison"]})
    for key, label in MEASURES.items():
        shown[label] = [Interval.of(row, key).signed() for _, row in paired.iterrows()]
    return shown

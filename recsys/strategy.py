"""A strategy: everything that decides a list apart from the user, and the named presets.

The score a strategy ranks by is a weighted sum of normalised components (the hybrid of
Burke 2002, y = sum_c beta_c f_c(x))::

    final_u(i) = sum_c beta_c * norm_u(f_c(u, i)) / sum_c beta_c,   c in {content, cf,
                                                                     popularity, hook}

(``recsys.ranker`` computes it). A strategy with no positive weight would rank by nothing:
``content_if_no_weight`` is the one rule that makes it rank by content instead, used where the
visitor sets every weight to 0 and where a catalogue without a log takes CF and popularity
away. ``score_formula`` says the score in words, as the Recommend page shows it.

A strategy with ``order`` "click" ranks by the learned click model's predicted click
probability instead (``recsys.click_model``): the Click-maximiser, what an engagement-optimised
recommender runs. Its weights are unused.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from recsys.ranking import SIMILARITY_LABELS, Similarity

if TYPE_CHECKING:
    from recsys.context import RankingContext

COMPONENTS = ("content", "cf", "popularity", "hook")
COMPONENT_LABELS = {
    "content": "Content",
    "cf": "Collaborative",
    "popularity": "Popularity",
    "hook": "Click appeal",
}
WEIGHT_FIELDS = {
    "content": "content_weight",
    "cf": "cf_weight",
    "popularity": "popularity_weight",
    "hook": "hook_weight",
}

Diversity = Literal["none", "mmr", "dpp"]
Exploration = Literal["off", "epsilon", "thompson"]
CfMethod = Literal["item-cosine", "item-pearson", "user"]


@dataclass(frozen=True)
class Strategy:
    """Everything that decides a list, apart from the user. Weights are beta_c >= 0.

    ``learns``: rank by the profile's query (thumbs move it) or by the interest text alone.
    ``order``: "score" ranks by the hybrid, "random" shuffles the eligible items, "click" ranks
    by the learned click model's predicted click probability (``click_uses_log`` False: its
    model without CF and popularity, for a catalogue without a log).
    ``diversity_lambda``: MMR/DPP trade-off, 1 = plain ranking. ``epsilon``: share of slots
    epsilon-greedy gives to random items. ``thompson_scale``: prior standard deviation sigma0
    of the Thompson draw; ``thompson_noise``: the thumbs' noise sigma in its linear model
    (``recsys.explore``): the prior is worth (sigma / sigma0)^2 ratings along a direction.
    ``multi_interest``: rank for each stated interest with its own vector and compose the
    list (``recsys.multi_interest``) instead of one averaged query.
    ``candidates``: how many top items diversity chooses from."""

    name: str = "Custom"
    learns: bool = True
    order: Literal["score", "random", "click"] = "score"
    content_weight: float = 1.0
    cf_weight: float = 0.0
    popularity_weight: float = 0.0
    hook_weight: float = 0.0
    similarity: Similarity = "cosine"
    cf_method: CfMethod = "item-cosine"
    diversity: Diversity = "none"
    diversity_lambda: float = 0.7
    exploration: Exploration = "off"
    epsilon: float = 0.1
    # Chosen by the measured sweep (python -m recsys.simulation.sweep, seed 20261202, 3 x 200
    # users x 50 rounds): sigma0 0.08 was best of 0.04-0.3 (0.3 cost 0.13 final satisfaction);
    # sigma could not be told apart over 0.1-1.0, and 1.0 had the highest mean (README).
    thompson_scale: float = 0.08
    thompson_noise: float = 1.0
    multi_interest: bool = False
    candidates: int = 200
    click_uses_log: bool = True

    def __post_init__(self) -> None:
        weights = (self.content_weight, self.cf_weight, self.popularity_weight, self.hook_weight)
        if min(weights) < 0:
            raise ValueError("component weights must be >= 0")
        if self.order == "score" and sum(weights) == 0:
            raise ValueError("at least one component weight must be positive")
        if not 0.0 <= self.diversity_lambda <= 1.0 or not 0.0 <= self.epsilon <= 1.0:
            raise ValueError("lambda and epsilon must be in [0, 1]")
        if not (self.thompson_scale > 0 and self.thompson_noise > 0):  # standard deviations
            raise ValueError(
                "thompson_scale and thompson_noise must be positive, got "
                f"{self.thompson_scale} and {self.thompson_noise}"
            )
        if self.candidates < 1:
            raise ValueError(f"candidates must be at least 1, got {self.candidates}")

    @property
    def draws(self) -> bool:
        """Whether the ranker draws from its random stream (random order, exploration)."""
        return self.order == "random" or self.exploration != "off"

    @property
    def weights(self) -> dict[str, float]:
        return {component: getattr(self, name) for component, name in WEIGHT_FIELDS.items()}

    def describe(self) -> str:
        """One line for a page: what this strategy does."""
        if self.order == "random":
            return "Random order of the items you have not rated."
        if self.order == "click":
            return (
                "Predicted click chance: a logistic regression fitted on logged impressions, "
                + (
                    "on content match, collaborative score, popularity and click appeal"
                    if self.click_uses_log
                    else "on content match and click appeal (no log here)"
                )
                + ("; learns from thumbs" if self.learns else "; interest text only")
            )
        parts = [
            f"{self.weights[c]:g} × {COMPONENT_LABELS[c].lower()}"
            for c in COMPONENTS
            if self.weights[c] > 0
        ]
        text = " + ".join(parts) + f" ({SIMILARITY_LABELS[self.similarity]})"
        text += "; learns from thumbs" if self.learns else "; interest text only"
        if self.multi_interest:
            text += "; one vector per interest"
        if self.diversity != "none":
            text += f"; {self.diversity.upper()} λ = {self.diversity_lambda:g}"
        if self.exploration == "epsilon":
            text += f"; ε-greedy ε = {self.epsilon:g}"
        elif self.exploration == "thompson":
            text += f"; Thompson σ0 = {self.thompson_scale:g}, σ = {self.thompson_noise:g}"
        return text


PRESETS: dict[str, Strategy] = {
    strategy.name: strategy
    for strategy in (
        Strategy("Static (interest text only)", learns=False),
        Strategy("Adaptive (feedback)"),
        Strategy("Adaptive (multi-interest)", multi_interest=True),
        Strategy("Adaptive + diverse", diversity="mmr", diversity_lambda=0.7),
        Strategy("Adaptive + explore", exploration="thompson"),
        Strategy("Hybrid (CF + content)", content_weight=0.6, cf_weight=0.3, popularity_weight=0.1),
        # Ablations of Hybrid (one component dropped, the others' weights kept): which of CF
        # and popularity does its lead come from?
        Strategy("Hybrid without popularity", content_weight=0.6, cf_weight=0.3),
        Strategy("Adaptive + popularity", content_weight=0.6, popularity_weight=0.1),
        Strategy("Popular", learns=False, content_weight=0.0, popularity_weight=1.0),
        Strategy("Random", learns=False, order="random", content_weight=0.0),
        # Learns from thumbs like Adaptive, and ranks by the learned chance of a click.
        Strategy("Click-maximiser", order="click"),
    )
}
VISITOR_DEFAULT = "Adaptive (multi-interest)"  # every stated interest keeps its place


def content_if_no_weight(weights: Mapping[str, float]) -> dict[str, float]:
    """The component weights, with content at 1 when none is positive: a list ranked by
    nothing would be arbitrary, and content is what the visitor's words give."""
    weights = dict(weights)
    if not any(value > 0 for value in weights.values()):
        weights["content"] = 1.0
    return weights


def with_weights(strategy: Strategy, weights: Mapping[str, float]) -> Strategy:
    """``strategy`` with the component ``weights`` (by component name) replaced."""
    return dataclasses.replace(
        strategy, **{WEIGHT_FIELDS[component]: value for component, value in weights.items()}
    )


def without_log(strategy: Strategy) -> Strategy:
    """The strategy for a catalogue with no interaction log: no CF and no popularity (there
    is nothing to learn them from); a strategy left with no component ranks by content, and
    the learned click model uses its variant on content and click appeal alone."""
    if strategy.order == "click":
        return dataclasses.replace(strategy, click_uses_log=False)
    if strategy.cf_weight == 0 and strategy.popularity_weight == 0:
        return strategy
    weights = content_if_no_weight({**strategy.weights, "cf": 0.0, "popularity": 0.0})
    return with_weights(strategy, weights)


def strategy_on(strategy: Strategy, context: RankingContext) -> Strategy:
    """``strategy`` as it runs on ``context``: on a catalogue without a log, CF and
    popularity drop out (``without_log``); without a click model (its asset unreadable) the
    Click-maximiser ranks by its weights, content alone. A page describing the score asks
    this too."""
    if strategy.order == "click" and context.click_model is None:
        strategy = dataclasses.replace(strategy, order="score")
    return strategy if context.has_log else without_log(strategy)


def score_formula(strategy: Strategy) -> str:
    """The score in words with the weights as shares, e.g. "0.60 × content + 0.30 ×
    collaborative + 0.10 × popularity"; "random order" for the random baseline."""
    if strategy.order == "random":
        return "random order"
    if strategy.order == "click":
        inputs = "content, collaborative, popularity, click appeal"
        return "predicted click chance (learned from logged impressions: " + (
            f"{inputs})" if strategy.click_uses_log else "content, click appeal)"
        )
    weights = strategy.weights
    total = sum(weights.values())
    return " + ".join(
        f"{weights[c] / total:.2f} × {COMPONENT_LABELS[c].lower()}"
        for c in COMPONENTS
        if weights[c] > 0
    )

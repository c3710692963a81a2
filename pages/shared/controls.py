"""The strategy controls, drawn from one table: each widget's key is ``rec_<Strategy field>``.

A preset sets every control; changing one makes the strategy "Custom", or the preset it now
equals. With every weight at 0 the list is ranked by content (``content_if_no_weight``).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Literal

import streamlit as st

from pages.shared.notices import plain
from recsys.context import RankingContext
from recsys.ranking import SIMILARITY_LABELS
from recsys.strategy import (
    PRESETS,
    WEIGHT_FIELDS,
    Strategy,
    content_if_no_weight,
    strategy_on,
)

CUSTOM = "Custom"


@dataclass(frozen=True)
class Control:
    """One strategy lever: the ``Strategy`` field it sets and how it is drawn. ``limits`` is
    (low, high, step) for a slider; ``options`` maps values to labels for a choice."""

    field: str
    label: str
    widget: Literal["toggle", "slider", "radio", "select"]
    limits: tuple[float, float, float] | None = None
    options: dict[str, str] | None = None
    horizontal: bool = False
    help: str | None = None

    @property
    def key(self) -> str:
        return f"rec_{self.field}"


LEARNING = (
    Control("learns", "Learn from my thumbs", "toggle"),
    Control(
        "multi_interest",
        "One vector per interest",
        "toggle",
        help="Each interest you list keeps its own vector and its own places in the list, "
        "moved only by the thumbs on items near it.",
    ),
)
WEIGHTS = (
    Control("content_weight", "β content", "slider", (0.0, 1.0, 0.05)),
    Control("cf_weight", "β collaborative", "slider", (0.0, 1.0, 0.05)),
    Control("popularity_weight", "β popularity", "slider", (0.0, 1.0, 0.05)),
    Control("hook_weight", "β click appeal (hook)", "slider", (0.0, 1.0, 0.05)),
)
LEVERS = (
    Control(
        "similarity",
        "Content similarity",
        "radio",
        options=SIMILARITY_LABELS,
        help="The embeddings have unit length, so all three order items alike; their "
        "scales differ, which changes how MMR weighs redundancy.",
    ),
    Control(
        "cf_method",
        "Collaborative filtering",
        "select",
        options={
            "item-cosine": "Item-item, cosine",
            "item-pearson": "Item-item, Pearson",
            "user": "User-based neighbours",
        },
    ),
    Control(
        "diversity",
        "Diversity re-ranking",
        "radio",
        options={"none": "Off", "mmr": "MMR", "dpp": "DPP (greedy MAP)"},
        horizontal=True,
    ),
    Control(
        "diversity_lambda",
        "Diversity λ (1 = plain ranking, lower = more varied)",
        "slider",
        (0.0, 1.0, 0.05),
    ),
    Control(
        "exploration",
        "Exploration",
        "radio",
        options={"off": "Off", "epsilon": "ε-greedy", "thompson": "Thompson sampling"},
        horizontal=True,
    ),
    Control("epsilon", "ε (share of random slots)", "slider", (0.0, 0.5, 0.05)),
    Control("thompson_scale", "Thompson prior σ0 (width of the draw)", "slider", (0.01, 0.3, 0.01)),
    Control(
        "thompson_noise",
        "Thompson thumb noise σ (lower = narrows faster)",
        "slider",
        (0.05, 1.0, 0.05),
        help="The prior is worth (σ / σ0)² thumbs along a direction: the draw narrows where "
        "you have rated once you have given about that many.",
    ),
)
STRATEGY_CONTROLS = LEARNING + WEIGHTS + LEVERS
WEIGHT_KEYS = {
    control.key: component for control, component in zip(WEIGHTS, WEIGHT_FIELDS, strict=True)
}


def apply_preset(name: str) -> None:
    """Set every strategy control to the preset ``name``."""
    preset = PRESETS[name]
    st.session_state.rec_strategy = name
    st.session_state.rec_order = preset.order
    for control in STRATEGY_CONTROLS:
        st.session_state[control.key] = getattr(preset, control.field)


def session_strategy() -> Strategy:
    """The strategy the visitor's controls describe: a preset, or their own mix (every
    weight at 0 ranks by content)."""
    values = {control.field: st.session_state[control.key] for control in STRATEGY_CONTROLS}
    weights = content_if_no_weight(weights_set())
    values |= {WEIGHT_FIELDS[component]: weight for component, weight in weights.items()}
    return Strategy(name=st.session_state.rec_strategy, order=st.session_state.rec_order, **values)


def weights_set() -> dict[str, float]:
    """The β the visitor set, by component."""
    return {component: st.session_state[key] for key, component in WEIGHT_KEYS.items()}


def weights_all_zero() -> bool:
    """Whether the visitor has set every β to 0 (the list is then ranked by content)."""
    return not any(weight > 0 for weight in weights_set().values())


def matching_preset() -> str:
    """The preset the controls equal, or ``CUSTOM``."""
    current = dataclasses.replace(session_strategy(), name="")
    for name, preset in PRESETS.items():
        if dataclasses.replace(preset, name="") == current:
            return name
    return CUSTOM


def _choose_preset() -> None:
    chosen = st.session_state.rec_strategy
    if chosen in PRESETS:
        apply_preset(chosen)


def _strategy_changed() -> None:
    st.session_state.rec_strategy = matching_preset()


def _draw(control: Control) -> None:
    changed = {"on_change": _strategy_changed, "persist_state": "session", "key": control.key}
    if control.help:
        changed["help"] = control.help
    if control.widget == "toggle":
        st.toggle(control.label, **changed)
    elif control.widget == "slider":
        low, high, step = control.limits
        st.slider(control.label, low, high, step=step, **changed)
    elif control.widget == "radio":
        options = control.options
        st.radio(
            control.label,
            list(options),
            format_func=options.get,
            horizontal=control.horizontal,
            **changed,
        )
    else:
        st.selectbox(
            control.label, list(control.options), format_func=control.options.get, **changed
        )


def strategy_controls(context: RankingContext) -> Strategy:
    """The strategy: a preset, and every lever it sets, each of which makes it 'Custom'.
    Returns the strategy the controls describe (``session_strategy``)."""
    options = [*PRESETS, CUSTOM] if st.session_state.rec_strategy == CUSTOM else list(PRESETS)
    st.selectbox(
        "Strategy",
        options=options,
        key="rec_strategy",
        on_change=_choose_preset,
        persist_state="session",
        help="A preset sets every control below; changing a control makes it Custom.",
    )
    chosen = session_strategy()
    st.caption(plain(strategy_on(chosen, context).describe()))  # what it runs as here
    with st.expander("Strategy controls", icon=":material/tune:"):
        if chosen.order == "random":
            st.caption("The Random preset ignores these; pick another preset to use them.")
        elif chosen.order == "click":
            st.caption("The learned click model sets the order: the β weights do not apply.")
        for control in LEARNING:
            _draw(control)
        st.markdown("**Hybrid weights** (β, each component scaled to 0-1 first)")
        for control in WEIGHTS:
            _draw(control)
        if weights_all_zero():
            st.info(
                "Every β is 0, which would rank by nothing: the list is ranked by content "
                "alone, as if β content were 1.",
                icon=":material/info:",
            )
        for control in LEVERS:
            _draw(control)
    return chosen


PROFILE_CONTROLS = (  # key, label, low, high, step
    ("rec_k", "Number of recommendations", 5, 30, 1),
    ("rec_learning_rate", "Learning rate a (toward liked items)", 0.0, 1.0, 0.05),
    (
        "rec_negative_weight",
        "Weight of negative feedback b (away from disliked items)",
        0.0,
        1.0,
        0.05,
    ),
    ("rec_anchor_weight", "Anchor weight ρ (your own words' share of the query)", 0.0, 1.0, 0.05),
)


def profile_controls() -> None:
    """The list length and the profile's update rates."""
    for key, label, low, high, step in PROFILE_CONTROLS:
        st.slider(label, low, high, step=step, key=key, persist_state="session")

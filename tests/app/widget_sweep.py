"""The control sweep's hands: a page's controls read from AppTest's element tree, each set
to a *position* ("min", "mid", "max" or "random") resolved against the widget as drawn, choices
by their shown labels (``tests/app/test_control_sweep.py`` says what is swept and why)."""

from __future__ import annotations

import numpy as np
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import ButtonGroup, Multiselect, Widget

KINDS = ("slider", "number_input", "selectbox", "radio", "button_group", "multiselect")
KINDS += ("toggle", "checkbox")
NUMBERS_AND_SWITCHES = ("slider", "number_input", "toggle", "checkbox")
POSITIONS = ("min", "mid", "max")
COSTLY = ("sim_users", "sim_rounds", "sim_replicates", "eval_users")


def controls(at: AppTest) -> dict[str, Widget]:
    """The page's enabled controls by key."""
    found = {}
    for kind in KINDS:
        for widget in at.get(kind):
            assert widget.key, f"a {kind} labelled {widget.label!r} has no key"
            if not widget.disabled:
                found[widget.key] = widget
    return found


def _numeric(widget, position: str, rng: np.random.Generator) -> float | int:
    assert widget.min is not None and widget.max is not None, f"{widget.key} has no limits"
    low, high, step = widget.min, widget.max, widget.step or 1
    steps = int(round((high - low) / step))
    chosen = {"min": 0, "max": steps, "mid": steps // 2}.get(position)
    if chosen is None:
        chosen = int(rng.integers(0, steps + 1))
    value = min(high, low + chosen * step)
    return int(round(value)) if isinstance(widget.value, int) else round(value, 10)


def _pick(options: list[str], position: str, rng: np.random.Generator) -> str:
    index = {"min": 0, "mid": len(options) // 2, "max": len(options) - 1}.get(position)
    return options[int(rng.integers(len(options))) if index is None else index]


def _subset(widget, position: str, rng: np.random.Generator) -> list[str]:
    options, most = widget.options, widget.max_selections or len(widget.options)
    if position == "min":
        return []
    if position == "max":
        return options[:most]
    if position == "mid":
        return options[: max(1, min(most, len(options) // 2))]
    size = int(rng.integers(0, most + 1))
    return [options[i] for i in sorted(rng.choice(len(options), size, replace=False))]


def by_labels(widget: Widget, labels: str | list[str] | None) -> None:
    """Send ``labels`` as the browser would: AppTest's ``set_value`` wants the values behind
    the labels, which the element tree does not carry."""
    widget._assert_can_interact()
    state = WidgetState(id=widget.id)
    if isinstance(widget, (Multiselect, ButtonGroup)):
        state.string_array_value.SetInParent()
        state.string_array_value.data[:] = [labels] if isinstance(labels, str) else labels or []
    else:
        state.string_value = labels
    widget.__class__ = type(widget.__class__.__name__, (widget.__class__,), {})
    widget.__class__._widget_state = property(lambda _: state)


def positions(widget: Widget) -> tuple[str, ...]:
    """The positions to sweep ``widget`` alone through (a switch has no middle)."""
    return ("min", "max") if widget.type in ("toggle", "checkbox") else POSITIONS


def shown(widget: Widget) -> str | list[str] | None:
    """What a choice widget shows as chosen, by label (None for a number or a switch, or a
    select with nothing chosen)."""
    if widget.type in ("multiselect", "button_group"):
        labels = list(widget.values if widget.type == "multiselect" else widget.formatted_values)
        return labels[0] if widget.type == "button_group" and len(labels) == 1 else labels
    if widget.type in ("selectbox", "radio") and widget.index is not None:
        return widget.options[widget.index]
    return None


def set_to(widget: Widget, position: str, rng: np.random.Generator) -> object:
    """Set ``widget`` to ``position``; returns what it should show after the run."""
    if widget.type in ("slider", "number_input"):
        value = _numeric(widget, position, rng)
        widget.set_value(value)
    elif widget.type in ("toggle", "checkbox"):
        value = position == "max" or (position == "random" and bool(rng.integers(2)))
        widget.set_value(value)
    elif widget.type == "multiselect" or (
        widget.type == "button_group" and not widget._is_single_select
    ):
        value = _subset(widget, position, rng)
        by_labels(widget, value)
    else:
        value = _pick(widget.options, position, rng)
        by_labels(widget, value)
    return value


def submit(at: AppTest, form_id: str, swept: str | None = None) -> None:
    """Click ``form_id``'s submit button with its costly controls but ``swept`` at their
    minimum; when ``swept`` is costly and not at its minimum, the form's multiselects keep
    only their first option (one strategy), so the run stays short."""
    form = {key: w for key, w in controls(at).items() if w.form_id == form_id}
    large = swept in COSTLY and form[swept]._value != form[swept].min
    for key, widget in form.items():
        if key in COSTLY and key != swept:
            widget.set_value(widget.min)
        elif large and widget.type == "multiselect":
            by_labels(widget, widget.options[:1])
    button = next(b for b in at.button if b.proto.is_form_submitter and b.form_id == form_id)
    button.click()


def now(widget: Widget):
    """What ``widget`` shows: its labels for a choice, else its value."""
    return shown(widget) if widget.type not in NUMBERS_AND_SWITCHES else widget.value


def took(at: AppTest, wanted: dict[str, object]) -> list[str]:
    """The controls of ``wanted`` that do not show what was set."""
    wrong = []
    for key, value in wanted.items():
        widget = controls(at).get(key)
        if widget is None:
            continue  # the change hid it
        shows = now(widget)
        if shows != value and not (
            isinstance(value, float) and isinstance(shows, float) and abs(shows - value) < 1e-9
        ):
            wrong.append(f"{key} shows {shows!r}, not {value!r}")
    return wrong

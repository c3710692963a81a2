"""AppTest: every control of every page at its minimum, its maximum and one value between,
alone and in seeded random combinations; no run raises, and every page keeps its main content.

The cases are generated from the widgets each page draws (``KINDS``), read from the element
tree before each step, so a new control is swept without being listed here. A value is a
*position* resolved against the widget as drawn: "min", "mid" (the middle of the range on the
step grid, or the middle option), "max", or "random" (the seeded generator's pick). Choices are
made by their shown labels, as the browser sends them. A step on a widget inside a form is
submitted with that form's button; other steps run one widget at a time, as a browser reruns
after each change. Every run is checked: no exception, the controls just set show what was
set, and the page's main content (``MAIN_CONTENT``) is there. Besides each control alone and
the combinations, every slider and number input goes to its minimum and maximum under each
option of each radio and segmented control (Thompson sampling's prior only matters there).

Cost: the lab's and the evaluation's size controls (``COSTLY``) stay at their minimum unless
they are the one control being swept alone, and combinations leave them alone, so each lab
run is small. Their middle and maximum are run alone, the lab's with the other two sizes at
their minimum and one strategy (2,000 users x 5 rounds, 20 users x 200 rounds, 20 replicates),
the evaluation's in full (550 and 1,000 users).
"""

from __future__ import annotations

import re
from collections.abc import Callable

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP
from tests.app.test_pages import card_keys
from tests.app.widget_sweep import (
    COSTLY,
    NUMBERS_AND_SWITCHES,
    POSITIONS,
    by_labels,
    controls,
    now,
    positions,
    set_to,
    submit,
    took,
)

pytestmark = pytest.mark.slow

INTERESTS = "jazz records, hiking, science fiction"
SEED = 15
TIMEOUT = 300  # seconds per run: the first t-SNE map and the largest runs on a busy machine
COMBINATIONS = {  # page: (combinations, most steps in one)
    "pages/recommend.py": (40, 6),
    "pages/map.py": (6, 3),
    "pages/simulation.py": (16, 4),
    "pages/evaluation.py": (4, 2),
    "pages/catalogue.py": (16, 4),
    "pages/about.py": (0, 0),
}


# --- each page's main content -------------------------------------------------------------


def _text(at: AppTest) -> str:
    return "\n".join(e.value for e in [*at.markdown, *at.caption, *at.info, *at.warning])


def _recommend(at: AppTest) -> None:
    headings = ("Recommended for you", "The nearest items, not recommendations")
    assert at.subheader[0].value in headings
    assert len(card_keys(at)) == at.slider(key="rec_k").value


def _map(at: AppTest) -> None:
    keys = [chart.proto.id for chart in at.get("plotly_chart")]
    assert any("map_chart" in key for key in keys) and any("map_heatmap" in key for key in keys)


def _simulation(at: AppTest) -> None:
    assert at.multiselect(key="sim_strategies") and _text(at)
    ran = re.search(r"(\d+) replicates × (\d+) users × (\d+) rounds", _text(at))
    chosen = at.multiselect(key="sim_strategies").value
    if not chosen:
        assert "at least one strategy" in _text(at)
    if ran is None:  # no run yet
        assert "press **Run simulation**" in _text(at)
        return
    if chosen:  # a run of what the form says
        sizes = ("sim_replicates", "sim_users", "sim_rounds")
        assert [int(n) for n in ran.groups()] == [at.number_input(key=k).value for k in sizes]
        assert sorted(at.dataframe[0].value["Strategy"]) == sorted(chosen)


def _evaluation(at: AppTest) -> None:
    users = at.slider(key="eval_users").value
    assert f"of {users:,} simulated users evaluated" in _text(at)
    assert "nothing to score" in _text(at) or len(at.dataframe[0].value["Strategy"]) > 0


def _catalogue(at: AppTest) -> None:
    shown = int(re.search(r"([\d,]+) of [\d,]+ items", _text(at))[1].replace(",", ""))
    assert len(at.dataframe[0].value) == shown


def _about(at: AppTest) -> None:
    assert at.title[0].value and at.markdown


MAIN_CONTENT: dict[str, Callable[[AppTest], None]] = {
    "pages/recommend.py": _recommend,
    "pages/map.py": _map,
    "pages/simulation.py": _simulation,
    "pages/evaluation.py": _evaluation,
    "pages/catalogue.py": _catalogue,
    "pages/about.py": _about,
}


def page_app(page: str) -> AppTest:
    """A session that has typed its interests (so the list and the path exist), on ``page``
    with its costly controls outside forms at their minimum."""
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)  # t-SNE's first map is slow
    at.run()
    at.text_area(key="rec_interest_text").input(INTERESTS).run()
    at.switch_page(page).run()
    for key in COSTLY:
        if key in controls(at) and not controls(at)[key].form_id:
            controls(at)[key].set_value(controls(at)[key].min).run()
    return at


class Sweep:
    """Steps on one page, checking every run and collecting what went wrong rather than
    stopping there (a failed run starts a fresh session for the next case)."""

    def __init__(self, page: str, rng: np.random.Generator) -> None:
        self.page, self.rng, self.at, self.runs, self.failures = page, rng, page_app(page), 0, []
        self.check("start", {})

    def check(self, case: str, wanted: dict[str, object]) -> None:
        self.runs += 1
        problems = [e.message for e in self.at.exception]
        if not problems:
            problems = took(self.at, wanted)
            try:
                MAIN_CONTENT[self.page](self.at)
            except (AssertionError, KeyError, IndexError, TypeError) as error:
                problems.append(f"main content missing: {error!r}")
        if problems:
            self.failures.append(f"{self.page} [{case}]: {'; '.join(problems)}")
            self.at = page_app(self.page)

    def steps(self, case: str, steps: list[tuple[str, str]]) -> None:
        """Set each (key, position) in turn: a control outside a form runs at once, as a
        browser reruns after each change; the form's are submitted together at the end."""
        wanted, forms = {}, {}
        for key, position in steps:
            widget = controls(self.at).get(key)
            if widget is None:
                continue  # an earlier step hid it
            wanted[key] = set_to(widget, position, self.rng)
            if widget.form_id:
                forms[widget.form_id] = key
                continue
            self.at.run()
            self.check(f"{case}: {key}={wanted[key]!r}", {key: wanted[key]})
        for form_id, key in forms.items():
            submit(self.at, form_id, key if len(steps) == 1 else None)
            self.at.run()
            inside = {k: v for k, v in wanted.items() if controls(self.at)[k].form_id == form_id}
            self.check(f"{case}: submitted {inside}", inside)

    def restore(self, key: str, start: object) -> None:
        """Set ``key`` back to ``start`` (a form's control goes with the next submit)."""
        widget = controls(self.at).get(key)
        if widget is None or start is None or now(widget) == start:
            return  # gone, already there, or a select with nothing chosen, which stays
        if widget.type in NUMBERS_AND_SWITCHES:
            widget.set_value(start)
        else:
            by_labels(widget, start)
        if not widget.form_id:
            self.at.run()
            self.check(f"{key} back to {start!r}", {key: start})

    def report(self) -> None:
        print(f"{self.page}: {self.runs} runs")
        assert not self.failures, "\n".join(self.failures)


def _starting_points(at: AppTest) -> dict[str, object]:
    """Every control and what it shows, the costly ones last (their large runs leave a
    single strategy chosen)."""
    found = controls(at)
    return {key: now(found[key]) for key in sorted(found, key=lambda key: key in COSTLY)}


@pytest.mark.parametrize("page", list(MAIN_CONTENT))
def test_every_control_alone_at_its_limits(page):
    sweep = Sweep(page, np.random.default_rng([SEED, 0]))
    start = _starting_points(sweep.at)
    assert start or page == "pages/about.py", f"{page} draws no control the sweep knows"
    for key, value in start.items():
        if key not in controls(sweep.at):
            continue  # an earlier case hid it
        for position in positions(controls(sweep.at)[key]):
            sweep.steps(f"alone, {position}", [(key, position)])
        sweep.restore(key, value)
    sweep.report()


@pytest.mark.parametrize("page", list(MAIN_CONTENT))
def test_every_number_at_its_limits_in_every_mode(page):
    """Each option of each radio and segmented control (the page's modes: Thompson sampling,
    DPP, PCA or t-SNE) with every slider and number input at its minimum and its maximum."""
    sweep = Sweep(page, np.random.default_rng([SEED, 1]))
    start = _starting_points(sweep.at)
    modes = [key for key in start if controls(sweep.at)[key].type in ("radio", "button_group")]
    numbers = [k for k in start if controls(sweep.at)[k].type in ("slider", "number_input")]
    numbers = [k for k in numbers if k not in COSTLY and not controls(sweep.at)[k].form_id]
    for mode in modes:
        for option in controls(sweep.at)[mode].options:
            by_labels(controls(sweep.at)[mode], option)
            sweep.at.run()
            sweep.check(f"{mode}={option!r}", {mode: option})
            for key in numbers:
                sweep.steps(f"{mode}={option!r}", [(key, "min"), (key, "max")])
                sweep.restore(key, start[key])
        sweep.restore(mode, start[mode])
    sweep.report()


@pytest.mark.parametrize("page", list(MAIN_CONTENT))
def test_random_combinations_of_controls(page):
    sweep = Sweep(page, np.random.default_rng([SEED, 2]))
    combinations, most = COMBINATIONS[page]
    for number in range(combinations):
        keys = sorted(key for key in controls(sweep.at) if key not in COSTLY)
        chosen = sweep.rng.choice(len(keys), int(sweep.rng.integers(2, most + 1)))
        sweep.steps(
            f"combination {number}",
            [(keys[i], str(sweep.rng.choice([*POSITIONS, "random"]))) for i in chosen],
        )
    sweep.report()

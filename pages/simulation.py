"""Simulation lab: strategies against simulated users, round after round, with intervals."""

import dataclasses
import time

import pandas as pd
import streamlit as st

from pages.shared.cache import encoder_load, interaction_log, persona_vectors
from pages.shared.charts import band_chart
from pages.shared.notices import plain, setup_notices, throttled_progress
from pages.shared.workspace import Workspace, workspace
from recsys.log_population import log_provenance
from recsys.simulation import LabSettings, UserParameters, run_lab
from recsys.simulation.comparisons import compare, differences, shown_differences
from recsys.simulation.reading import reading
from recsys.simulation.report import curve_table, shown_summary, summary
from recsys.strategy import PRESETS

RESULT_KEY = "sim_result"
DEFAULTS = UserParameters()
COLOURS = ["#3b5bdb", "#2f9e44", "#e8590c", "#9c36b5", "#0c8599", "#868e96", "#c92a2a", "#d6336c"]
USER_CONTROLS = {  # parameter: (label, low, high, step, help)
    "drift_rate": ("Taste drift per round δ", 0.0, 0.1, 0.005, "How fast taste moves."),
    "boredom_weight": ("Boredom weight w_b", 0.0, 6.0, 0.25, "Penalty for repeats."),
    "hook_weight": ("Hook weight w_h (click appeal)", 0.0, 6.0, 0.25, "Chocolate."),
    "quality_weight": ("Quality weight w_q (satisfaction)", 0.0, 6.0, 0.25, "Kale."),
    "memory_decay": ("Satisfaction memory γ", 0.0, 0.99, 0.01, "S = γS + (1 − γ)r."),
    "leave_below": ("Leave when satisfaction stays below", 0.0, 0.8, 0.05, "Retention."),
}
INTRODUCTION = (
    "Simulated users meet each strategy for many rounds. Each user has a hidden taste (from a "
    "persona, plus noise) that differs from what they type, a taste that drifts, and boredom "
    "with what they just consumed. Each round they see a slate, click at most one item (or "
    "none) by a logit choice in which an item's hook raises the chance of a click, rate it by "
    "how much they liked it (its quality raises that), and their satisfaction "
    "S = γ·S + (1 − γ)·utility moves; users whose satisfaction stays low leave. Every strategy "
    "meets the same users with the same luck. The rankers are the Recommend page's own."
)


def _form() -> tuple[bool, list[str], LabSettings, UserParameters]:
    """The lab's form: strategies, the run's size and seed, the user model's parameters."""
    with st.form("sim_form", border=True):
        chosen = st.multiselect(
            "Strategies",
            options=list(PRESETS),
            default=list(PRESETS),
            key="sim_strategies",
            persist_state="session",
            help="The Recommend page's presets; the Click-maximiser ranks by learned click chance.",
        )
        columns = st.columns(5)
        n_users = columns[0].number_input(
            "Users", 20, 2000, 200, step=20, key="sim_users", persist_state="session"
        )
        rounds = columns[1].number_input(
            "Rounds", 5, 200, 50, step=5, key="sim_rounds", persist_state="session"
        )
        slate = columns[2].number_input(
            "Slate size", 3, 20, 10, key="sim_slate", persist_state="session"
        )
        seed = columns[3].number_input(
            "Seed", 0, 2**31 - 1, 7, key="sim_seed", persist_state="session"
        )
        replicates = columns[4].number_input(
            "Replicates",
            1,
            20,
            LabSettings.replicates,
            key="sim_replicates",
            persist_state="session",
            help="Independent populations of users; every strategy meets each of them.",
        )
        with st.expander("User model parameters", icon=":material/person:"):
            values = {
                name: st.slider(
                    label,
                    low,
                    high,
                    float(getattr(DEFAULTS, name)),
                    step=step,
                    help=help_text,
                    key=f"sim_{name}",
                    persist_state="session",
                )
                for name, (label, low, high, step, help_text) in USER_CONTROLS.items()
            }
        run = st.form_submit_button("Run simulation", type="primary", icon=":material/play_arrow:")
    settings = LabSettings(
        n_users=int(n_users),
        rounds=int(rounds),
        slate_size=int(slate),
        seed=int(seed),
        replicates=int(replicates),
    )
    return run, chosen, settings, dataclasses.replace(DEFAULTS, **values)


def _run(work: Workspace, chosen: list[str], settings: LabSettings, params: UserParameters):
    """Simulate ``chosen`` with a progress bar; the result is kept in the session."""
    started = time.perf_counter()
    bar = st.progress(0.0, text="Simulating…")
    runs = run_lab(
        [PRESETS[name] for name in chosen],
        work.context,
        persona_vectors(work.catalogue, work.encoder),
        work.catalogue.items["quality"].to_numpy(dtype=float),
        settings,
        params,
        throttled_progress(bar),
    )
    bar.empty()
    st.session_state[RESULT_KEY] = {
        "runs": runs,
        "settings": settings,
        "params": params,
        "seconds": time.perf_counter() - started,
        "catalogue": work.catalogue.fingerprint,
    }


def _charts(curves: pd.DataFrame, names: list[str]) -> None:
    colour = {name: COLOURS[i % len(COLOURS)] for i, name in enumerate(names)}
    band_chart(
        curves,
        colour,
        "satisfaction",
        "Mean satisfaction per round (95% band)",
        "Satisfaction",
        "sim_sat",
    )
    left, right = st.columns(2)
    with left:
        band_chart(
            curves,
            colour,
            "retention",
            "Retention: share of users still here",
            "Share",
            "sim_retention",
        )
    with right:
        band_chart(
            curves,
            colour,
            "cumulative_clicks",
            "Cumulative clicks per user",
            "Clicks",
            "sim_clicks",
        )


def _tables(runs, table: pd.DataFrame, paired: pd.DataFrame) -> None:
    st.subheader("Summary with 95% confidence intervals")
    st.dataframe(shown_summary(table), hide_index=True, key="sim_summary")
    st.caption(
        "Intervals: mean ± t × standard error over users (retention: Wilson score interval). "
        "Final satisfaction counts users who left "
        "at the satisfaction they left with. Coverage is the share of items shown to anyone."
    )
    if len(paired):
        st.subheader("Paired differences, per user, corrected for multiplicity")
        st.dataframe(shown_differences(paired), hide_index=True, key="sim_differences")
        st.caption(
            "Each strategy met the same users with the same luck, so a difference is taken "
            "user by user, over the users of every replicate. The table tests many differences "
            "at once, so its p-values are Holm-adjusted together: a difference that survives "
            "is one the run tells apart with at most a 5% chance of any false claim in the "
            "whole table. Replicates agreeing: in how many independent populations the "
            "difference had the same sign."
        )


def _downloads(curves: pd.DataFrame, table: pd.DataFrame) -> None:
    for label, frame, name in (
        ("Download per-round results (CSV)", curves, "simulation-rounds.csv"),
        ("Download the summary (CSV)", table, "simulation-summary.csv"),
    ):
        st.download_button(
            label,
            data=frame.to_csv(index=False).encode(),
            file_name=name,
            mime="text/csv",
            on_click="ignore",
            icon=":material/download:",
        )


work = workspace()
st.title("Simulation lab")
setup_notices(encoder_load(), work.embeddings, work.upload is not None)
st.caption(INTRODUCTION)
if work.context.has_log and (log := interaction_log()) is not None:
    st.caption(log_provenance(log.manifest))
run, chosen, settings, params = _form()
if run and not chosen:
    st.warning("Choose at least one strategy to simulate.")
elif run:
    _run(work, chosen, settings, params)

result = st.session_state.get(RESULT_KEY)
if result is None:
    st.info(
        "Choose strategies and press **Run simulation**. The defaults take a few seconds; "
        "larger runs show the time left as they go."
    )
    st.stop()
if result["catalogue"] != work.catalogue.fingerprint:
    st.warning("These results are from another catalogue; run again to simulate this one.")
runs, shown = result["runs"], result["settings"]
st.caption(
    f"{len(runs)} strategies × {shown.replicates} replicates × {shown.n_users} users × "
    f"{shown.rounds} rounds, slate "
    f"{shown.slate_size}, seed {shown.seed}: {result['seconds']:.1f} s."
)
curves, table, comparisons = curve_table(runs), summary(runs), compare(runs)
_charts(curves, [one.name for one in runs])
_tables(runs, table, differences(comparisons))
st.subheader("What the numbers say")
for sentence in reading(runs, table, result["params"], work.context.hook, comparisons):
    st.markdown(f"- {plain(sentence)}")
_downloads(curves, table)

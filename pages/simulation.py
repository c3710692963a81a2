"""Simulation lab: strategies against simulated users, round after round, with intervals."""

import dataclasses
import time

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from pages.resources import (
    item_matrix,
    persona_vectors,
    plain,
    ranking_context_for,
    setup_notices,
)
from recsys.simulation import LabSettings, UserParameters, make_population, run_lab
from recsys.simulation.report import MEASURES, curve_table, differences, reading, summary
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

catalogue, encoder, embeddings = item_matrix()
context = ranking_context_for(catalogue, encoder, embeddings)

st.title("Simulation lab")
setup_notices(embeddings)
st.caption(
    "Simulated users meet each strategy for many rounds. Each user has a hidden taste (from a "
    "persona, plus noise) that differs from what they type, a taste that drifts, and boredom "
    "with what they just consumed. Each round they see a slate, click at most one item (or "
    "none) by a logit choice in which an item's hook raises the chance of a click, rate it by "
    "how much they liked it (its quality raises that), and their satisfaction "
    "S = γ·S + (1 − γ)·utility moves; users whose satisfaction stays low leave. Every strategy "
    "meets the same users with the same luck. The rankers are the Recommend page's own."
)

with st.form("sim_form", border=True):
    chosen = st.multiselect(
        "Strategies",
        options=list(PRESETS),
        default=list(PRESETS),
        key="sim_strategies",
        persist_state="session",
        help="The Recommend page's presets; the Click-maximiser ranks by click appeal.",
    )
    columns = st.columns(4)
    n_users = columns[0].number_input(
        "Users", 20, 2000, 200, step=20, key="sim_users", persist_state="session"
    )
    rounds = columns[1].number_input(
        "Rounds", 5, 200, 50, step=5, key="sim_rounds", persist_state="session"
    )
    slate = columns[2].number_input(
        "Slate size", 3, 20, 10, key="sim_slate", persist_state="session"
    )
    seed = columns[3].number_input("Seed", 0, 2**31 - 1, 7, key="sim_seed", persist_state="session")
    with st.expander("User model parameters", icon=":material/person:"):
        values = {}
        for name, (label, low, high, step, help_text) in USER_CONTROLS.items():
            values[name] = st.slider(
                label,
                low,
                high,
                float(getattr(DEFAULTS, name)),
                step=step,
                help=help_text,
                key=f"sim_{name}",
                persist_state="session",
            )
    run = st.form_submit_button("Run simulation", type="primary", icon=":material/play_arrow:")


def _time_left(seconds: float) -> str:
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def _throttled(bar):
    """A progress callback that redraws the bar only when the whole percent changes (every
    round of every strategy would be hundreds of messages to the browser), with the time left
    extrapolated from the time so far once there is enough of it to go on."""
    shown = [-1]
    started = time.perf_counter()

    def report(share: float) -> None:
        percent = int(share * 100)
        if percent == shown[0]:
            return
        shown[0] = percent
        elapsed = time.perf_counter() - started
        text = f"Simulating… {percent}%"
        if share >= 0.02 and elapsed >= 1.0:
            text += f", about {_time_left(elapsed * (1 - share) / share)} left"
        bar.progress(share, text=text)

    return report


if run:
    if not chosen:
        st.warning("Choose at least one strategy to simulate.")
    else:
        params = dataclasses.replace(DEFAULTS, **values)
        settings = LabSettings(
            n_users=int(n_users), rounds=int(rounds), slate_size=int(slate), seed=int(seed)
        )
        started = time.perf_counter()
        bar = st.progress(0.0, text="Simulating…")
        population = make_population(
            persona_vectors(catalogue, encoder),
            embeddings.matrix,
            settings.n_users,
            params,
            np.random.default_rng([settings.seed, 0]),
        )
        runs = run_lab(
            [PRESETS[name] for name in chosen],
            context,
            population,
            catalogue.items["quality"].to_numpy(dtype=float),
            settings,
            params,
            _throttled(bar),
        )
        bar.empty()
        st.session_state[RESULT_KEY] = {
            "runs": runs,
            "settings": settings,
            "params": params,
            "seconds": time.perf_counter() - started,
            "catalogue": catalogue.fingerprint,
        }

result = st.session_state.get(RESULT_KEY)
if result is None:
    st.info(
        "Choose strategies and press **Run simulation**. The defaults take a few seconds; "
        "larger runs show the time left as they go."
    )
    st.stop()
if result["catalogue"] != catalogue.fingerprint:
    st.warning("These results are from another catalogue; run again to simulate this one.")

runs, settings = result["runs"], result["settings"]
st.caption(
    f"{len(runs)} strategies × {settings.n_users} users × {settings.rounds} rounds, slate "
    f"{settings.slate_size}, seed {settings.seed}: {result['seconds']:.1f} s."
)
curves = curve_table(runs)
colour = {run.name: COLOURS[i % len(COLOURS)] for i, run in enumerate(runs)}


def _band_chart(column: str, title: str, y_title: str, key: str) -> None:
    figure = go.Figure()
    for name, rows in curves.groupby("strategy", sort=False):
        figure.add_scatter(
            x=list(rows["round"]) + list(rows["round"])[::-1],
            y=list(rows[f"{column}_high"]) + list(rows[f"{column}_low"])[::-1],
            fill="toself",
            fillcolor=colour[name],
            opacity=0.15,
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
            legendgroup=name,
        )
        figure.add_scatter(
            x=rows["round"],
            y=rows[column],
            mode="lines",
            name=name,
            line={"color": colour[name]},
            legendgroup=name,
        )
    figure.update_layout(
        title=title,
        height=360,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        xaxis={"title": "Round"},
        yaxis={"title": y_title},
        legend={"orientation": "h", "y": -0.2},
    )
    st.plotly_chart(figure, key=key)


_band_chart("satisfaction", "Mean satisfaction per round (95% band)", "Satisfaction", "sim_sat")
left, right = st.columns(2)
with left:
    _band_chart("retention", "Retention: share of users still here", "Share", "sim_retention")
with right:
    _band_chart("cumulative_clicks", "Cumulative clicks per user", "Clicks", "sim_clicks")

st.subheader("Summary with 95% confidence intervals")
table = summary(runs)
shown = pd.DataFrame({"Strategy": table["strategy"]})
for key, label in MEASURES.items():
    shown[label] = [
        f"{row[key]:.3f} [{row[f'{key}_low']:.3f}, {row[f'{key}_high']:.3f}]"
        for _, row in table.iterrows()
    ]
shown["Catalogue coverage"] = table["coverage"].map("{:.3f}".format)
st.dataframe(shown, hide_index=True, key="sim_summary")
st.caption(
    "Intervals: mean ± t × standard error over users (retention: Wilson score interval). "
    "Final satisfaction counts users who left "
    "at the satisfaction they left with. Coverage is the share of items shown to anyone."
)

paired = differences(runs)
if len(paired):
    st.subheader("Paired differences, per user, with 95% intervals")
    shown_differences = pd.DataFrame({"Comparison": paired["comparison"]})
    for key, label in MEASURES.items():
        shown_differences[label] = [
            f"{row[key]:+.3f} [{row[f'{key}_low']:+.3f}, {row[f'{key}_high']:+.3f}]"
            for _, row in paired.iterrows()
        ]
    st.dataframe(shown_differences, hide_index=True, key="sim_differences")
    st.caption(
        "Each strategy met the same users with the same luck, so the difference is taken user "
        "by user; an interval that excludes 0 is a difference the run can tell apart."
    )

st.subheader("What the numbers say")
for sentence in reading(runs, table):
    st.markdown(f"- {plain(sentence)}")

st.download_button(
    "Download per-round results (CSV)",
    data=curves.to_csv(index=False).encode(),
    file_name="simulation-rounds.csv",
    mime="text/csv",
    on_click="ignore",
    icon=":material/download:",
)
st.download_button(
    "Download the summary (CSV)",
    data=table.to_csv(index=False).encode(),
    file_name="simulation-summary.csv",
    mime="text/csv",
    on_click="ignore",
    icon=":material/download:",
)

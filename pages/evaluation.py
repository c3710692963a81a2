"""Offline evaluation: every preset scored on a simulated log split by time."""

import streamlit as st

from pages.shared.cache import encoder_load, interaction_log, offline_table, persona_vectors
from pages.shared.notices import setup_notices
from pages.shared.workspace import workspace
from recsys.evaluation import METRIC_COLUMNS, EvaluationSettings
from recsys.log_population import log_provenance
from recsys.strategy import PRESETS

work = workspace()
catalogue, context = work.catalogue, work.context
DEFAULTS = EvaluationSettings()


def _labels(k: int) -> dict[str, tuple[str, str]]:
    """Column -> (header, help) for lists of ``k`` items."""
    return {
        "precision": (
            f"Precision@{k}",
            f"Share of the {k} recommended items that were liked later.",
        ),
        "recall": (f"Recall@{k}", "Share of the user's later likes that made the list."),
        "f1": (f"F1@{k}", "Harmonic mean of precision and recall, per user, then averaged."),
        "ndcg": (
            f"NDCG@{k}",
            "Later likes near the top count more: 1 = every later like ranked first.",
        ),
        "mrr": ("MRR", "1 / rank of the first later like in the list (0 if none), averaged."),
        "hit_rate": (f"Hit rate@{k}", "Share of users with at least one later like in the list."),
        "coverage": (
            "Coverage",
            "Share of the catalogue that appears in anyone's list.",
        ),
        "diversity": (
            "Diversity",
            "Intra-list diversity: 1 - mean cosine between the items of a list.",
        ),
        "novelty": (
            "Novelty (bits)",
            "Mean -log2 of the share of users who had clicked an item before the cut: "
            "higher = less popular items.",
        ),
    }


st.title("Offline evaluation")
setup_notices(encoder_load(), work.embeddings, work.upload is not None)
st.markdown(
    f"""
How would each strategy have done on users it has never met? The page simulates a fresh
**log**: {DEFAULTS.rounds} rounds of simulated users (other people than those whose log
trains collaborative filtering) meeting the *logging policy*, the items nearest their stated
interests with half the slots random. The log is **split by time**: for each user the first
{DEFAULTS.train_share:.0%} of the rounds are history, and the items they gave a thumbs-up in
the later rounds are **relevant**. Every strategy then sees each user as the app would at the
cut (interest vector replayed from the history's thumbs, history items no longer eligible)
and ranks its top *k*; the table scores those lists against the later likes. Users with no
later like are skipped.

**The bias.** The later likes could only be items the logging policy showed, so a strategy
that ranks like it (*Static*, interest text only) is favoured, and strategies that learn,
explore or diversify are judged on the logging policy's terms. The Simulation Lab lets each
strategy pick what its simulated users see instead.
"""
)
if context.has_log and (log := interaction_log()) is not None:
    st.caption(log_provenance(log.manifest))
if not context.has_log:
    st.info(
        "This catalogue has no interaction log, so there is nothing to learn collaborative "
        "filtering or popularity from: *Hybrid* and *Popular* rank by content here, as they "
        "do on the Recommend page.",
        icon=":material/info:",
    )

controls = st.columns(3)
k = controls[0].slider("List length k", 5, 20, DEFAULTS.k, key="eval_k", persist_state="session")
n_users = controls[1].slider(
    "Simulated users",
    100,
    1000,
    DEFAULTS.n_users,
    step=50,
    key="eval_users",
    persist_state="session",
    help="More users give steadier numbers and take longer.",
)
seed = controls[2].number_input(
    "Seed",
    min_value=0,
    max_value=2**31 - 1,
    value=7,
    step=1,
    key="eval_seed",
    persist_state="session",
    help="The same seed gives the same users and the same table.",
)

with st.spinner(
    f"Simulating {n_users:,} users over {DEFAULTS.rounds} rounds and ranking for "
    f"{len(PRESETS)} strategies…"
):
    result, seconds = offline_table(
        catalogue.fingerprint,
        work.space,
        k,
        n_users,
        int(seed),
        catalogue,
        context,
        persona_vectors(catalogue, work.encoder),
    )

labels = _labels(k)
shown = result.table.reset_index().rename(
    columns={"strategy": "Strategy"} | {c: labels[c][0] for c in METRIC_COLUMNS}
)
headers = [labels[c][0] for c in METRIC_COLUMNS]
if result.users == 0:
    st.warning(
        "None of the simulated users liked anything after the cut, so there is nothing to "
        "score. Try more users or another seed; a very small catalogue runs out of items.",
        icon=":material/warning:",
    )
else:
    st.dataframe(
        shown.style.format(precision=3, subset=headers).highlight_max(
            subset=headers, props="font-weight: bold; background-color: rgba(47, 158, 68, 0.2)"
        ),
        hide_index=True,
        key="eval_table",
        column_config={"Strategy": st.column_config.TextColumn("Strategy", pinned=True)}
        | {
            header: st.column_config.NumberColumn(header, help=help_text, format="%.3f")
            for header, help_text in labels.values()
        },
    )
    st.caption(
        "Highlighted: the best value in each column, the highest (more is better in every "
        "column, though Random shows that diversity and novelty are not worth having alone)."
    )
st.download_button(
    "Download this table (CSV)",
    data=shown.to_csv(index=False),
    file_name=f"offline-evaluation-k{k}-users{n_users}-seed{seed}.csv",
    mime="text/csv",
    on_click="ignore",
    icon=":material/download:",
    key="eval_download",
)
st.caption(
    f"{result.users:,} of {n_users:,} simulated users evaluated; {result.skipped:,} skipped "
    f"(no thumbs-up in rounds {result.train_rounds + 1}-{result.rounds}, or gone by then). "
    f"History: rounds 1-{result.train_rounds}. Computed in {seconds:.1f} s (then cached)."
)

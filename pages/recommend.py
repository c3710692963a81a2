"""Recommend: interests or a persona in, a ranked list out, thumbs that re-rank at once."""

import dataclasses
import json
from datetime import UTC, datetime

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from pages.resources import (
    CUSTOM,
    WORDS_NOT_IN_CATALOGUE,
    apply_preset,
    encoder_load,
    item_matrix,
    matching_preset,
    personas,
    plain,
    profile,
    profile_in_space,
    profile_settings,
    ranking_context_for,
    reset_session,
    session_rng,
    session_strategy,
    setup_notices,
    weights_all_zero,
)
from recsys import (
    Recommendation,
    RecommendedList,
    interest_text_problem,
    like_share_series,
    recommend,
    split_phrases,
)
from recsys.encoder import embedding_space
from recsys.ranking import SIMILARITY_LABELS, WEAK_MATCH, closest_match
from recsys.satisfaction import DEFAULT_SMOOTHING, INITIAL_SATISFACTION
from recsys.strategy import COMPONENT_LABELS, COMPONENTS, PRESETS, Strategy, strategy_on

catalogue, encoder, embeddings = item_matrix()
vectors = embeddings.matrix
space = embedding_space(encoder, catalogue.fingerprint)
context = ranking_context_for(catalogue, encoder, embeddings)
BADGE_COLOURS = {"content": "blue", "cf": "orange", "popularity": "gray", "hook": "red"}
EXPLORATION_LABELS = {"off": "Off", "epsilon": "ε-greedy", "thompson": "Thompson sampling"}
DIVERSITY_LABELS = {"none": "Off", "mmr": "MMR", "dpp": "DPP (greedy MAP)"}
CF_LABELS = {
    "item-cosine": "Item-item, cosine",
    "item-pearson": "Item-item, Pearson",
    "user": "User-based neighbours",
}
# The latest ratings are listed with an undo button each; earlier ones share one table, so a
# long session does not make every rerun redraw hundreds of rows.
UNDOABLE = 10
THUMBS = {True: ":green[:material/thumb_up:]", False: ":red[:material/thumb_down:]"}
persona_by_id = {persona.persona_id: persona for persona in personas()}


def _pick_persona() -> None:
    chosen = st.session_state.rec_persona
    if chosen is not None:
        st.session_state.rec_interest_text = persona_by_id[chosen].stated_interests


def _on_feedback(item_id: str, position: int) -> None:
    value = st.session_state.get(f"rec_fb_{item_id}")
    if value is None:  # the visitor cleared their own click
        return
    profile().record_feedback(
        item_id,
        catalogue.items.at[position, "title"],
        vectors[position],
        liked=value == 1,
        settings=profile_settings(),
        now=datetime.now(UTC),
        item_text=catalogue.embedding_text(position),
    )


def _undo(item_id: str) -> None:
    profile().undo_feedback(item_id)
    st.session_state.pop(f"rec_fb_{item_id}", None)


def _movement(before: int | None, now: int, had_list: bool) -> str:
    if before is None:
        return " · new" if had_list else ""
    if before > now:
        return f" · ▲{before - now}"
    if before < now:
        return f" · ▼{now - before}"
    return ""


def _score_parts(rec: Recommendation) -> str:
    """The score split into its components, as coloured badges (only non-zero weights)."""
    return " ".join(
        f":{BADGE_COLOURS[c]}-badge[{COMPONENT_LABELS[c]} {rec.contributions[c]:.2f}]"
        for c in COMPONENTS
        if ranked_by.weights[c] > 0
    )


def _draw_card(rec: Recommendation, rank_before: int | None, had_list: bool) -> None:
    """One card: rank, title, domain and category (with its move since the last list),
    description, reason, then the score with its parts and bar, and the thumbs."""
    item = catalogue.items.loc[rec.position]
    with st.container(border=True, key=f"rec_card_{rec.item_id}"):
        exploring = (
            "  \n:violet-badge[:material/explore: Exploring] :small[:gray[shown to learn more "
            "about your taste, not for its score]]"
            if rec.exploring
            else ""
        )
        st.markdown(
            f"**{rec.rank}\\. {plain(item.title)}**  \n"
            f":small[:gray[{plain(catalogue.domain_label(item.domain))} · "
            f"{plain(item.category)}{_movement(rank_before, rec.rank, had_list)}]]  \n"
            f"{plain(item.description)}  \n"
            f":small[:gray[:material/lightbulb: {plain(rec.reason)}]]" + exploring
        )
        with st.container(horizontal=True, vertical_alignment="center", gap="medium"):
            if strategy.order == "random":
                st.markdown(":small[Random pick]", width="content")
            else:
                st.markdown(f"Score **{rec.score:.2f}**", width="content")
                st.progress(min(1.0, max(0.0, rec.score)), width=120)
                st.markdown(
                    f"{_score_parts(rec)} :small[:gray[{SIMILARITY_LABELS[strategy.similarity]} "
                    f"{rec.similarity:.2f}]]",
                    width="content",
                )
            st.feedback(
                "thumbs",
                key=f"rec_fb_{rec.item_id}",
                on_change=_on_feedback,
                args=(rec.item_id, rec.position),
            )


def _choose_preset() -> None:
    chosen = st.session_state.rec_strategy
    if chosen in PRESETS:
        apply_preset(chosen)


def _strategy_changed() -> None:
    st.session_state.rec_strategy = matching_preset()


def _strategy_controls() -> Strategy:
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
    changed = {"on_change": _strategy_changed, "persist_state": "session"}
    with st.expander("Strategy controls", icon=":material/tune:"):
        if chosen.order == "random":
            st.caption("The Random preset ignores these; pick another preset to use them.")
        st.toggle("Learn from my thumbs", key="rec_learns", **changed)
        st.markdown("**Hybrid weights** (β, each component scaled to 0-1 first)")
        st.slider("β content", 0.0, 1.0, step=0.05, key="rec_w_content", **changed)
        st.slider("β collaborative", 0.0, 1.0, step=0.05, key="rec_w_cf", **changed)
        st.slider("β popularity", 0.0, 1.0, step=0.05, key="rec_w_popularity", **changed)
        st.slider("β click appeal (hook)", 0.0, 1.0, step=0.05, key="rec_w_hook", **changed)
        if weights_all_zero():
            st.info(
                "Every β is 0, which would rank by nothing: the list is ranked by content "
                "alone, as if β content were 1.",
                icon=":material/info:",
            )
        st.radio(
            "Content similarity",
            options=list(SIMILARITY_LABELS),
            format_func=SIMILARITY_LABELS.get,
            key="rec_similarity",
            help="The embeddings have unit length, so all three order items alike; their "
            "scales differ, which changes how MMR weighs redundancy.",
            **changed,
        )
        st.selectbox(
            "Collaborative filtering",
            options=list(CF_LABELS),
            format_func=CF_LABELS.get,
            key="rec_cf_method",
            **changed,
        )
        st.radio(
            "Diversity re-ranking",
            options=list(DIVERSITY_LABELS),
            format_func=DIVERSITY_LABELS.get,
            key="rec_diversity",
            horizontal=True,
            **changed,
        )
        st.slider(
            "Diversity λ (1 = plain ranking, lower = more varied)",
            0.0,
            1.0,
            step=0.05,
            key="rec_lambda",
            **changed,
        )
        st.radio(
            "Exploration",
            options=list(EXPLORATION_LABELS),
            format_func=EXPLORATION_LABELS.get,
            key="rec_exploration",
            horizontal=True,
            **changed,
        )
        st.slider("ε (share of random slots)", 0.0, 0.5, step=0.05, key="rec_epsilon", **changed)
        st.slider(
            "Thompson prior σ0 (width of the draw)",
            0.0,
            0.3,
            step=0.01,
            key="rec_thompson_scale",
            **changed,
        )
    return chosen


def _list_summary(recommendations: RecommendedList) -> None:
    """What the list is like as a whole, and what the score means under this strategy."""
    diversity = recommendations.diversity
    columns = st.columns(4)
    columns[0].metric(
        "Diversity",
        "–" if diversity is None else f"{diversity:.2f}",
        help="Intra-list diversity: 1 − the mean cosine similarity between the listed items; 0 "
        "means all alike. "
        "Lower the diversity λ to raise it.",
    )
    columns[1].metric("Domains", f"{recommendations.domains}", help="Domains the list spans.")
    columns[2].metric(
        "Domain spread",
        f"{recommendations.domain_entropy:.2f}",
        help="Normalised entropy of the domains' shares in the list: 1 = evenly spread.",
    )
    columns[3].metric(
        "Exploring",
        f"{sum(rec.exploring for rec in recommendations)}",
        help="Items in the list because exploration put them there, not for their score.",
    )
    named = f"Ranked by **{plain(strategy.name)}**."
    if strategy.order == "random":
        st.caption(f"{named} Random order: a baseline. Rate items with the thumbs all the same.")
    else:
        weights = ranked_by.weights
        total = sum(weights.values())
        parts = " + ".join(
            f"{weights[c] / total:.2f} × {COMPONENT_LABELS[c].lower()}"
            for c in COMPONENTS
            if weights[c] > 0
        )
        st.caption(
            f"{named} Score = {parts}, each scaled to 0-1 over the items you can be shown; "
            "the badges show each part. Rate any item with the thumbs: the list re-ranks at once."
        )
    if ranked_by != strategy:  # CF or popularity asked for, and no log to learn them from
        st.info(
            "This catalogue has no interaction log, so collaborative filtering and popularity "
            "are off: the list is ranked by the remaining components.",
            icon=":material/info:",
        )
    elif ranked_by.cf_weight > 0 and recommendations.cf_cold_start:
        st.caption(
            ":material/ac_unit: Collaborative filtering has no thumbs from you yet: it starts "
            "from the 5 items nearest your words (cold start)."
        )
    if not strategy.learns:
        st.caption("This strategy does not learn: thumbs remove items but do not move the list.")


def _apply_interests() -> str | None:
    """Embed a changed interest text into the profile; a sentence if it cannot be used."""
    text = st.session_state.rec_interest_text
    user = profile()
    if text == user.interest_text and user.has_interests:
        return None
    problem = interest_text_problem(text)
    if problem is not None:
        return problem
    phrases = split_phrases(text)
    embedded = encoder.encode([text, *phrases])
    if not np.any(embedded[0]):
        return WORDS_NOT_IN_CATALOGUE
    chosen = st.session_state.rec_persona
    persona_id = chosen if chosen and persona_by_id[chosen].stated_interests == text else None
    user.set_interests(text, embedded[0], phrases, embedded[1:], persona_id, space, encoder.encode)
    return None


with st.sidebar:
    st.header("Settings")
    st.multiselect(
        "Domains",
        options=sorted(catalogue.items["domain"].unique()),
        format_func=catalogue.domain_label,
        key="rec_domains",
        persist_state="session",
        placeholder="All domains",
    )
    strategy = _strategy_controls()
    ranked_by = strategy_on(strategy, context)  # what the list is really ranked by
    st.slider("Number of recommendations", 5, 30, key="rec_k", persist_state="session")
    st.slider(
        "Learning rate a (toward liked items)",
        0.0,
        1.0,
        step=0.05,
        key="rec_learning_rate",
        persist_state="session",
    )
    st.slider(
        "Weight of negative feedback b (away from disliked items)",
        0.0,
        1.0,
        step=0.05,
        key="rec_negative_weight",
        persist_state="session",
    )
    st.slider(
        "Anchor weight ρ (your own words' share of the query)",
        0.0,
        1.0,
        step=0.05,
        key="rec_anchor_weight",
        persist_state="session",
    )
    download_slot = st.empty()  # filled once this run has applied the visitor's interests
    st.button(
        "Reset session", on_click=reset_session, icon=":material/restart_alt:", width="stretch"
    )
    loaded = encoder_load()
    model_name = "all-MiniLM-L6-v2" if loaded.encoder is not None else "TF-IDF (fallback)"
    st.caption(
        f"Model: {model_name} ({loaded.source}) · {len(catalogue):,} items · embeddings: "
        f"{embeddings.origin}" + (f" ({plain(embeddings.note)})" if embeddings.note else "")
    )

st.title("Recommendations that learn from you")
setup_notices(embeddings)
left, right = st.columns([3, 2], gap="large")

with left:
    text_column, persona_column = st.columns([3, 2])
    with persona_column:
        st.selectbox(
            "Persona",
            options=list(persona_by_id),
            format_func=lambda persona_id: persona_by_id[persona_id].name,
            placeholder="Choose a persona…",
            key="rec_persona",
            persist_state="session",
            on_change=_pick_persona,
        )
        if st.session_state.rec_persona is not None:
            st.caption(plain(persona_by_id[st.session_state.rec_persona].bio))
    with text_column:
        st.text_area(
            "Your interests",
            key="rec_interest_text",
            persist_state="session",
            placeholder="For example: jazz, hiking in the mountains, Italian cooking",
            help="Separate interests with commas. Press Ctrl+Enter or click outside to apply.",
            height=100,
        )
    # New words are embedded in this catalogue's space directly; unchanged ones may first need
    # to follow a catalogue change into it (TF-IDF mode).
    text_changed = st.session_state.rec_interest_text != profile().interest_text
    if text_changed or not profile().has_interests:
        problem = _apply_interests()
    else:
        problem = profile_in_space(catalogue, encoder)
    user = profile()
    ranks_here = user.has_interests and user.space == space
    if problem is not None:
        (st.warning if user.has_interests else st.info)(problem)
        if ranks_here:
            st.caption(f"Still showing recommendations for: {plain(user.interest_text)}")

    if ranks_here:
        settings = profile_settings()
        recommendations = recommend(
            catalogue,
            context,
            user,
            settings,
            st.session_state.rec_k,
            st.session_state.rec_domains,
            strategy,
            session_rng(),
        )
        previous_ranks = st.session_state.get("rec_last_ranks", {})
        st.subheader("Recommended for you")
        if encoder_load().encoder is not None and user.anchor is not None:
            best = closest_match(embeddings.matrix, user.anchor)
            if best < WEAK_MATCH:
                st.info(
                    f"Nothing in this catalogue is close to your words: the closest item has "
                    f"similarity {best:.2f}, where interests it covers reach 0.3 or more. The "
                    "list below is the nearest there is. The model reads English best; try "
                    "other words, or pick a persona.",
                    icon=":material/search_off:",
                )
        _list_summary(recommendations)
        if not recommendations:
            st.info(
                "You have rated every item in the chosen domains. Widen the domain filter."
                if st.session_state.rec_domains
                else "You have rated every item in this catalogue. Undo a rating to bring its "
                "item back, or reset the session to start again."
            )
        for rec in recommendations:
            _draw_card(rec, previous_ranks.get(rec.item_id), bool(previous_ranks))
        st.session_state.rec_last_ranks = {rec.item_id: rec.rank for rec in recommendations}

download_slot.download_button(
    "Download this session (JSON)",
    data=json.dumps(
        {**profile().as_record(profile_settings()), "strategy": dataclasses.asdict(strategy)},
        indent=2,
    ),
    file_name="recommender-session.json",
    mime="application/json",
    on_click="ignore",
    icon=":material/download:",
    width="stretch",
)

with right:
    user = profile()
    likes = [event.liked for event in user.feedback_log]
    st.subheader("Satisfaction over time")
    if likes:
        steps = list(range(1, len(likes) + 1))
        figure = go.Figure()
        figure.add_scatter(
            x=steps,
            y=user.satisfaction_history,
            mode="lines+markers",
            name="Satisfaction",
            marker={"size": 9, "color": ["#2f9e44" if liked else "#e03131" for liked in likes]},
            line={"color": "#3b5bdb"},
        )
        figure.add_scatter(
            x=steps,
            y=like_share_series(likes),
            mode="lines",
            name="Like share so far",
            line={"color": "#868e96", "dash": "dot"},
        )
        figure.update_layout(
            height=280,
            margin={"l": 10, "r": 10, "t": 10, "b": 10},
            xaxis={"title": "Feedback step", "dtick": 1 if len(likes) <= 20 else None},
            yaxis={"title": "Satisfaction", "range": [0, 1.02]},
            legend={"orientation": "h", "y": -0.3},
        )
        st.plotly_chart(figure, key="rec_satisfaction_chart", config={"displayModeBar": False})
    else:
        st.info("Rate a few items and your satisfaction appears here, one point per thumb.")
    st.caption(
        f"Satisfaction S starts at {INITIAL_SATISFACTION} and after each rating becomes "
        f"{1 - DEFAULT_SMOOTHING:.1f} × S + {DEFAULT_SMOOTHING:.1f} × r, with r = 1 for a "
        "thumbs-up and 0 for a thumbs-down (an exponential moving average: recent reactions "
        "count most). The dotted line is the share of thumbs-up so far. Dots: green up, red "
        "down."
    )

    st.subheader(f"Rated ({len(user.feedback_log)})")
    if not user.feedback_log:
        st.caption("Items you rate move here; undo puts them back in the list.")
    recent = user.feedback_log[-UNDOABLE:]
    for event in reversed(recent):
        with st.container(
            key=f"rated_{event.item_id}", horizontal=True, vertical_alignment="center", wrap=False
        ):
            st.markdown(f"{THUMBS[event.liked]} {plain(event.title)}", width="stretch")
            st.button(
                "Undo", key=f"rated_undo_{event.item_id}", on_click=_undo, args=(event.item_id,)
            )
    if earlier := user.feedback_log[:-UNDOABLE]:
        st.caption(
            f"{len(earlier)} earlier ratings, newest first (undo works on the latest "
            f"{UNDOABLE}; every rating is in the session download):"
        )
        st.dataframe(
            pd.DataFrame(
                {
                    "Step": [event.step for event in earlier],
                    "Thumbs": ["up" if event.liked else "down" for event in earlier],
                    "Title": [event.title for event in earlier],
                }
            ).iloc[::-1],
            hide_index=True,
            height=250,
            key="rec_earlier_ratings",
        )

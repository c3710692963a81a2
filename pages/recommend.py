"""Recommend: interests or a persona in, a ranked list out, thumbs that re-rank at once."""

import json
from datetime import UTC, datetime

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from pages.resources import (
    WORDS_NOT_IN_CATALOGUE,
    encoder_load,
    item_matrix,
    model_banner,
    personas,
    plain,
    profile,
    profile_in_space,
    profile_settings,
    reset_session,
)
from recsys import (
    Recommendation,
    interest_text_problem,
    like_share_series,
    recommend,
    split_phrases,
)
from recsys.encoder import embedding_space
from recsys.satisfaction import DEFAULT_SMOOTHING, INITIAL_SATISFACTION

catalogue, encoder, embeddings = item_matrix()
vectors = embeddings.matrix
space = embedding_space(encoder, catalogue.fingerprint)
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


def _draw_card(rec: Recommendation, rank_before: int | None, had_list: bool) -> None:
    """One card: rank, title, domain and category (with its move since the last list),
    description, reason, then the score with its bar and the thumbs."""
    item = catalogue.items.loc[rec.position]
    with st.container(border=True, key=f"rec_card_{rec.item_id}"):
        st.markdown(
            f"**{rec.rank}\\. {plain(item.title)}**  \n"
            f":small[:gray[{plain(catalogue.domain_label(item.domain))} · "
            f"{plain(item.category)}{_movement(rank_before, rec.rank, had_list)}]]  \n"
            f"{plain(item.description)}  \n"
            f":small[:gray[:material/lightbulb: {plain(rec.reason)}]]"
        )
        with st.container(horizontal=True, vertical_alignment="center", gap="medium"):
            st.markdown(f"Score **{rec.score:.2f}**", width="content")
            st.progress(rec.score, width=160)
            st.feedback(
                "thumbs",
                key=f"rec_fb_{rec.item_id}",
                on_change=_on_feedback,
                args=(rec.item_id, rec.position),
            )


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
model_banner()
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
            vectors,
            user,
            settings,
            st.session_state.rec_k,
            st.session_state.rec_domains,
        )
        previous_ranks = st.session_state.get("rec_last_ranks", {})
        st.subheader("Recommended for you")
        st.caption(
            "Score = cosine similarity between the item and your interest vector (0 to 1). "
            "Rate any item with the thumbs: the list re-ranks at once."
        )
        if not recommendations:
            st.info("You have rated every item in the chosen domains. Widen the domain filter.")
        for rec in recommendations:
            _draw_card(rec, previous_ranks.get(rec.item_id), bool(previous_ranks))
        st.session_state.rec_last_ranks = {rec.item_id: rec.rank for rec in recommendations}

download_slot.download_button(
    "Download this session (JSON)",
    data=json.dumps(profile().as_record(profile_settings()), indent=2),
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
    for event in reversed(user.feedback_log):
        with st.container(
            key=f"rated_{event.item_id}", horizontal=True, vertical_alignment="center", wrap=False
        ):
            st.markdown(f"{THUMBS[event.liked]} {plain(event.title)}", width="stretch")
            st.button(
                "Undo", key=f"rated_undo_{event.item_id}", on_click=_undo, args=(event.item_id,)
            )

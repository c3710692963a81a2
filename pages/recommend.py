"""Recommend: interests or a persona in, a ranked list out, thumbs that re-rank at once."""

import dataclasses
import functools
import json
from datetime import UTC, datetime

import streamlit as st

from pages.shared.cache import encoder_load, personas
from pages.shared.cards import draw_card, exploration_note, list_summary, rated_list
from pages.shared.charts import satisfaction_chart
from pages.shared.controls import profile_controls, strategy_controls
from pages.shared.intent_line import intent_line
from pages.shared.notices import plain, setup_notices
from pages.shared.picker import picker
from pages.shared.session import (
    current_list,
    interests_in_workspace,
    profile,
    profile_settings,
    ranks_here,
    reset_session,
)
from pages.shared.workspace import Workspace, workspace
from recsys import RecommendedList, Strategy
from recsys.language import looks_like, not_english_sentence
from recsys.ranking import WEAK_MATCH, closest_match
from recsys.satisfaction import DEFAULT_SMOOTHING, INITIAL_SATISFACTION
from recsys.strategy import strategy_on

LAST_RANKS_KEY = "rec_last_ranks"  # {"catalogue": fingerprint, "ranks": {item_id: rank}}


def _pick_persona() -> None:
    chosen = st.session_state.rec_persona
    if chosen is not None:
        persona = next(p for p in personas() if p.persona_id == chosen)
        st.session_state.rec_interest_text = persona.stated_interests


def _on_feedback(work: Workspace, item_id: str, position: int) -> None:
    value = st.session_state.get(f"rec_fb_{item_id}")
    if value is None:  # the visitor cleared their own click
        return
    profile().record_feedback(
        item_id,
        work.catalogue.items.at[position, "title"],
        work.vectors[position],
        liked=value == 1,
        settings=profile_settings(),
        now=datetime.now(UTC),
        item_text=work.catalogue.embedding_text(position),
    )


def _undo(item_id: str) -> None:
    profile().undo_feedback(item_id)
    st.session_state.pop(f"rec_fb_{item_id}", None)


def _sidebar(work: Workspace) -> tuple[Strategy, object]:
    """The settings; returns the strategy and a slot for the session download."""
    with st.sidebar:
        st.header("Settings")
        st.multiselect(
            "Domains",
            options=sorted(work.catalogue.items["domain"].unique()),
            format_func=work.catalogue.domain_label,
            key="rec_domains",
            persist_state="session",
            placeholder="All domains",
        )
        strategy = strategy_controls(work.context)
        profile_controls()
        download_slot = st.empty()  # filled once this run has applied the visitor's interests
        st.button(
            "Reset session", on_click=reset_session, icon=":material/restart_alt:", width="stretch"
        )
        loaded = encoder_load()
        model_name = "all-MiniLM-L6-v2" if loaded.encoder is not None else "TF-IDF (fallback)"
        note = f" ({plain(work.embeddings.note)})" if work.embeddings.note else ""
        st.caption(
            f"Model: {model_name} ({loaded.source}) · {len(work.catalogue):,} items · "
            f"embeddings: {work.embeddings.origin}{note}"
        )
    return strategy, download_slot


def _interest_inputs() -> None:
    text_column, persona_column = st.columns([3, 2])
    by_id = {persona.persona_id: persona for persona in personas()}
    with persona_column:
        st.selectbox(
            "Persona",
            options=list(by_id),
            format_func=lambda persona_id: by_id[persona_id].name,
            placeholder="Choose a persona…",
            key="rec_persona",
            persist_state="session",
            on_change=_pick_persona,
        )
        if st.session_state.rec_persona is not None:
            st.caption(plain(by_id[st.session_state.rec_persona].bio))
    with text_column:
        st.text_area(
            "Your interests",
            key="rec_interest_text",
            persist_state="session",
            placeholder="For example: jazz, hiking in the mountains, Italian cooking",
            help="Separate interests with commas. Press Ctrl+Enter or click outside to apply.",
            height=100,
        )


def _match_note(work: Workspace) -> bool:
    """Say when the visitor's words are not English or nothing is close to them; returns
    whether the list is then only the nearest items rather than recommendations."""
    user = profile()
    language = looks_like(user.interest_text)
    best = closest_match(work.vectors, user.anchor) if work.has_model else None
    if language is not None:
        st.info(not_english_sentence(language, best), icon=":material/translate:")
        return True
    if best is not None and best < WEAK_MATCH:
        st.info(
            f"Nothing in this catalogue is close to your words: the closest item has "
            f"similarity {best:.2f}, where interests it covers reach 0.3 or more. The "
            "list below is the nearest there is, not a recommendation. The model reads "
            "English best; try other words, or pick a persona.",
            icon=":material/search_off:",
        )
        return True
    return False


def _empty_list_note() -> None:
    st.info(
        "You have rated every item in the chosen domains. Widen the domain filter."
        if st.session_state.rec_domains
        else "You have rated every item in this catalogue. Undo a rating to bring its "
        "item back, or reset the session to start again."
    )


def _the_list(work: Workspace, strategy: Strategy, recommendations: RecommendedList) -> None:
    """The heading, the notes, the summary and a card per item (with its move since the
    last list of this catalogue)."""
    last = st.session_state.get(LAST_RANKS_KEY, {})
    previous = last.get("ranks", {}) if last.get("catalogue") == work.catalogue.fingerprint else {}
    ranked_by = strategy_on(strategy, work.context)
    heading = st.empty()
    nearest_only = _match_note(work)
    heading.subheader(
        "The nearest items, not recommendations" if nearest_only else "Recommended for you"
    )
    intent_line(profile(), recommendations)
    list_summary(recommendations, strategy, ranked_by)
    exploration_note(
        recommendations, ranked_by, work.catalogue, work.context.item_vectors, profile()
    )
    if not recommendations:
        _empty_list_note()
    on_feedback = functools.partial(_on_feedback, work)
    for rec in recommendations:
        draw_card(
            rec, work.catalogue, ranked_by, previous.get(rec.item_id), bool(previous), on_feedback
        )
    st.session_state[LAST_RANKS_KEY] = {
        "catalogue": work.catalogue.fingerprint,
        "ranks": {rec.item_id: rec.rank for rec in recommendations},
    }


def _download(slot, strategy: Strategy) -> None:
    record = {**profile().as_record(profile_settings()), "strategy": dataclasses.asdict(strategy)}
    slot.download_button(
        "Download this session (JSON)",
        data=json.dumps(record, indent=2),
        file_name="recommender-session.json",
        mime="application/json",
        on_click="ignore",
        icon=":material/download:",
        width="stretch",
    )


def _satisfaction() -> None:
    st.subheader("Satisfaction over time")
    if profile().feedback_log:
        satisfaction_chart(profile())
    else:
        st.info("Rate a few items and your satisfaction appears here, one point per thumb.")
    st.caption(
        f"Satisfaction S starts at {INITIAL_SATISFACTION} and after each rating becomes "
        f"{1 - DEFAULT_SMOOTHING:.1f} × S + {DEFAULT_SMOOTHING:.1f} × r, with r = 1 for a "
        "thumbs-up and 0 for a thumbs-down (an exponential moving average: recent reactions "
        "count most). The dotted line is the share of thumbs-up so far. Dots: green up, red "
        "down."
    )


work = workspace()
strategy, download_slot = _sidebar(work)
st.title("Recommendations that learn from you")
setup_notices(encoder_load(), work.embeddings, work.upload is not None)
left, right = st.columns([3, 2], gap="large")
with left:
    _interest_inputs()
    picker(work)
    problem = interests_in_workspace(work)
    if problem is not None:
        (st.warning if profile().has_interests else st.info)(problem)
        if ranks_here(work):
            st.caption(f"Still showing recommendations for: {plain(profile().interest_text)}")
    if ranks_here(work):
        _the_list(work, strategy, current_list(work))
_download(download_slot, strategy)
with right:
    _satisfaction()
    rated_list(profile(), _undo)

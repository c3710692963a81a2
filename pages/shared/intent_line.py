"""The line above the list that says what the page understood the visitor to ask for."""

from __future__ import annotations

import streamlit as st

from pages.shared.notices import plain
from pages.shared.session import INTENT_REMOVED_KEY, remove_intent_part, restore_intent
from recsys import RecommendedList, UserProfile
from recsys.catalog import DOMAINS

ROLE_WORDS = {
    "kind": "looking for",
    "interest": "about",
    "exclusion": "not",
    "excluded_kind": "not",
    "only": "only",
}


def _part_label(role: str, value: str) -> str:
    if role == "only":
        return "only those kinds"
    shown = DOMAINS.get(value, value).lower() if role in ("kind", "excluded_kind") else value
    return f"{ROLE_WORDS[role]}: {shown}"


def intent_line(user: UserProfile, recommendations: RecommendedList | None) -> None:
    """ "Looking for: books · about: the sea · not: courses", how many items the exclusions
    took out, and a button to remove each part (and to put them all back)."""
    intent = user.intent
    if intent is None:
        return
    described = intent.describe(DOMAINS)
    if described:
        st.markdown(f":material/manage_search: **{plain(described)}**")
    if recommendations is not None and recommendations.excluded:
        count = recommendations.excluded
        st.caption(f"{count:,} item{'s' if count != 1 else ''} left out for what you said no to.")
    parts = intent.parts()
    removed = st.session_state.get(INTENT_REMOVED_KEY, ())
    if not parts and not removed:
        return
    with st.container(horizontal=True, key="rec_intent_parts"):
        for index, (role, value) in enumerate(parts):
            st.button(
                plain(_part_label(role, value)),
                key=f"rec_intent_drop_{index}",
                on_click=remove_intent_part,
                args=(role, value),
                icon=":material/close:",
                help="Remove this part: the list re-ranks without it.",
                type="tertiary",
            )
        if removed:
            st.button(
                "Put back what I removed",
                key="rec_intent_restore",
                on_click=restore_intent,
                icon=":material/undo:",
                type="tertiary",
            )

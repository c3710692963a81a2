"""This visitor's session: the profile, the settings, their defaults, and the current list.

Everything here lives under the visitor's own ``st.session_state``; nothing is shared.
"""

from __future__ import annotations

import secrets

import numpy as np
import streamlit as st

from pages.shared.cache import kind_prototypes, personas
from pages.shared.controls import apply_preset, session_strategy
from pages.shared.workspace import CATALOGUE_SETTINGS, Workspace
from recsys import ProfileSettings, RecommendedList, UserProfile, recommend
from recsys.catalog import persona_for_text
from recsys.interests import apply_interest_text, follow_space
from recsys.strategy import VISITOR_DEFAULT

PROFILE_KEY = "profile"
SETTINGS_DEFAULTS = {
    "rec_k": 10,
    "rec_learning_rate": ProfileSettings.learning_rate,
    "rec_negative_weight": ProfileSettings.negative_weight,
    "rec_anchor_weight": ProfileSettings.anchor_weight,
    "rec_interest_text": "",
    "rec_persona": None,
    **CATALOGUE_SETTINGS,
}


def ensure_session_defaults() -> None:
    """Create this visitor's profile, the sidebar settings and the strategy once per session."""
    if PROFILE_KEY not in st.session_state:
        st.session_state[PROFILE_KEY] = UserProfile()
    for key, value in SETTINGS_DEFAULTS.items():
        st.session_state.setdefault(key, value)
    if "rec_strategy" not in st.session_state:
        apply_preset(VISITOR_DEFAULT)
    # Exploration and the random order draw from this session's own seed.
    st.session_state.setdefault("rec_seed", secrets.randbits(32))


def reset_session() -> None:
    """Forget this visitor: profile, interest text, ratings and settings (not other visitors)."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    ensure_session_defaults()


def profile() -> UserProfile:
    return st.session_state[PROFILE_KEY]


def profile_settings() -> ProfileSettings:
    return ProfileSettings(
        learning_rate=st.session_state.rec_learning_rate,
        negative_weight=st.session_state.rec_negative_weight,
        anchor_weight=st.session_state.rec_anchor_weight,
    )


def session_rng() -> np.random.Generator:
    """This session's generator for the current list: fixed until the next thumb, so
    re-running the page does not reshuffle exploration."""
    return np.random.default_rng([st.session_state.rec_seed, len(profile().feedback_log)])


INTENT_REMOVED_KEY = "rec_intent_removed"  # the parts of the intent the visitor took out


def interests_in_workspace(work: Workspace) -> str | None:
    """Bring the profile up to date with the interest text (and the parts of its intent the
    visitor removed) and into the workspace's space: new words are embedded directly;
    unchanged ones may first need to follow a catalogue change (TF-IDF mode). A sentence for
    the page when the text cannot be used."""
    text = st.session_state.rec_interest_text
    user = profile()
    if text != user.interest_text:
        st.session_state[INTENT_REMOVED_KEY] = ()
    removed = tuple(st.session_state.get(INTENT_REMOVED_KEY, ()))
    if text != user.interest_text or removed != user.intent_removed or not user.has_interests:
        persona_id = persona_for_text(personas(), st.session_state.rec_persona, text)
        prototypes = kind_prototypes(work.encoder) if work.has_model else None
        return apply_interest_text(
            user, text, work.encoder.encode, work.space, persona_id, removed, prototypes
        )
    return follow_space(user, work.space, work.encoder.encode)


def remove_intent_part(role: str, value: str) -> None:
    """Take one part out of the visitor's intent (the list re-ranks without it)."""
    removed = tuple(st.session_state.get(INTENT_REMOVED_KEY, ()))
    st.session_state[INTENT_REMOVED_KEY] = (*removed, (role, value))


def restore_intent() -> None:
    st.session_state[INTENT_REMOVED_KEY] = ()


def ranks_here(work: Workspace) -> bool:
    """Whether the profile has interests in this workspace's embedding space."""
    user = profile()
    return user.has_interests and user.space == work.space


def current_list(work: Workspace) -> RecommendedList:
    """The list the visitor's settings give now: the Recommend page's, and the map's."""
    return recommend(
        work.catalogue,
        work.context,
        profile(),
        profile_settings(),
        st.session_state.rec_k,
        st.session_state.rec_domains,
        session_strategy(),
        session_rng(),
    )


def profile_in_space(work: Workspace) -> str | None:
    """Move the profile into the workspace's embedding space if it is elsewhere (TF-IDF mode
    after a catalogue change); a sentence for the page if it cannot move."""
    return follow_space(profile(), work.space, work.encoder.encode)

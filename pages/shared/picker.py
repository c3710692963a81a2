"""Cold start by picking: a grid of varied items; the picks become the interest text."""

from __future__ import annotations

import streamlit as st

from pages.shared.cache import starter_grid_for
from pages.shared.notices import plain
from pages.shared.workspace import Workspace
from recsys.cold_start import interests_from_picks

PER_DOMAIN = 3
GRID_SEED_KEY = "rec_grid_seed"


def _refresh() -> None:
    st.session_state[GRID_SEED_KEY] = st.session_state.get(GRID_SEED_KEY, 0) + 1


def _use_picks(work: Workspace, positions: list[int]) -> None:
    st.session_state.rec_interest_text = interests_from_picks(work.catalogue, positions)
    st.session_state.rec_persona = None
    for position in positions:
        st.session_state.pop(f"rec_pick_{work.catalogue.items.at[position, 'item_id']}", None)


def picker(work: Workspace) -> None:
    """An expander with ``PER_DOMAIN`` items of each domain to tick, "Use these" and "Show me
    others"; the picks seed the interests as if typed (``recsys.cold_start``)."""
    seed = st.session_state.get(GRID_SEED_KEY, 0)
    grid = starter_grid_for(work, PER_DOMAIN, seed)
    with st.expander("Or pick a few things you like", icon=":material/grid_view:"):
        columns = st.columns(len(grid))
        picked = []
        for column, (domain, positions) in zip(columns, grid.items(), strict=True):
            column.markdown(f"**{plain(work.catalogue.domain_label(domain))}**")
            for position in positions:
                item_id = work.catalogue.items.at[position, "item_id"]
                title = work.catalogue.items.at[position, "title"]
                if column.checkbox(plain(title), key=f"rec_pick_{item_id}"):
                    picked.append(position)
        with st.container(horizontal=True):
            st.button(
                f"Use these ({len(picked)})",
                on_click=_use_picks,
                args=(work, picked),
                disabled=not picked,
                type="primary",
                key="rec_use_picks",
                icon=":material/check:",
            )
            st.button(
                "Show me others",
                on_click=_refresh,
                key="rec_grid_refresh",
                icon=":material/refresh:",
            )

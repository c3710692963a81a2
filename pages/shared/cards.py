"""The Recommend page's list: a summary line, one card per item, and the rated items."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import streamlit as st

from pages.shared.notices import plain
from recsys import Catalogue, Recommendation, RecommendedList, UserProfile
from recsys.explore import DrawSpread
from recsys.ranker import CF_SEED_ITEMS, CF_SEED_UNTIL, THOMPSON_WINDOW
from recsys.ranking import SIMILARITY_LABELS
from recsys.strategy import COMPONENT_LABELS, COMPONENTS, Strategy, score_formula

BADGE_COLOURS = {"content": "blue", "cf": "orange", "popularity": "gray", "hook": "red"}
THUMBS = {True: ":green[:material/thumb_up:]", False: ":red[:material/thumb_down:]"}
# The latest ratings are listed with an undo button each; earlier ones share one table, so a
# long session does not make every rerun redraw hundreds of rows.
UNDOABLE = 10


def _movement(before: int | None, now: int, had_list: bool) -> str:
    if before is None:
        return " · new" if had_list else ""
    if before > now:
        return f" · ▲{before - now}"
    if before < now:
        return f" · ▼{now - before}"
    return ""


def _score_parts(rec: Recommendation, ranked_by: Strategy) -> str:
    """The score split into its components, as coloured badges (only non-zero weights);
    under the learned click model, the predicted click chance."""
    if ranked_by.order == "click":
        return f":red-badge[Predicted click chance {rec.score:.1%}]"
    return " ".join(
        f":{BADGE_COLOURS[c]}-badge[{COMPONENT_LABELS[c]} {rec.contributions[c]:.2f}]"
        for c in COMPONENTS
        if ranked_by.weights[c] > 0
    )


def draw_card(
    rec: Recommendation,
    catalogue: Catalogue,
    ranked_by: Strategy,
    rank_before: int | None,
    had_list: bool,
    on_feedback: Callable[[str, int], None],
) -> None:
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
            if ranked_by.order == "random":
                st.markdown(":small[Random pick]", width="content")
            else:
                st.markdown(f"Match **{rec.similarity:.2f}**", width="content")
                st.progress(min(1.0, max(0.0, rec.similarity)), width=120)
                st.markdown(
                    f":small[:gray[rank score {rec.score:.2f}:]] {_score_parts(rec, ranked_by)}",
                    width="content",
                    help=f"Match: the {SIMILARITY_LABELS[ranked_by.similarity]} between the "
                    "item and your interests, on the same scale in every list. Rank score: "
                    "the strategy's mix, each part scaled to 0-1 over the items you can be "
                    "shown, so the top of every list scores near 1.",
                )
            st.feedback(
                "thumbs",
                key=f"rec_fb_{rec.item_id}",
                on_change=on_feedback,
                args=(rec.item_id, rec.position),
            )


def _list_metrics(recommendations: RecommendedList) -> None:
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


def list_summary(recommendations: RecommendedList, strategy: Strategy, ranked_by: Strategy) -> None:
    """What the list is like as a whole, and what the score means under this strategy
    (``ranked_by``: the strategy as it runs on this catalogue)."""
    _list_metrics(recommendations)
    named = f"Ranked by **{plain(strategy.name)}**."
    if strategy.order == "random":
        st.caption(f"{named} Random order: a baseline. Rate items with the thumbs all the same.")
    elif ranked_by.order == "click":
        st.caption(
            f"{named} Score = {score_formula(ranked_by)}. Rate any item with the thumbs: the "
            "list re-ranks at once."
        )
    else:
        st.caption(
            f"{named} Score = {score_formula(ranked_by)}, each scaled to 0-1 over the items "
            "you can be shown; the badges show each part. Rate any item with the thumbs: the "
            "list re-ranks at once."
        )
    if ranked_by != strategy:  # CF or popularity asked for, and no log to learn them from
        st.info(
            "This catalogue has no interaction log, so collaborative filtering and popularity "
            "are off: the list is ranked by the remaining components.",
            icon=":material/info:",
        )
    elif ranked_by.cf_weight > 0 and recommendations.cf_cold_start:
        st.caption(
            f":material/ac_unit: Collaborative filtering has fewer than {CF_SEED_UNTIL} thumbs "
            f"from you: it also counts the {CF_SEED_ITEMS} items nearest your words as likes "
            "(cold start)."
        )
    if not strategy.learns:
        st.caption("This strategy does not learn: thumbs remove items but do not move the list.")


def exploration_note(
    recommendations: RecommendedList,
    ranked_by: Strategy,
    catalogue: Catalogue,
    vectors: np.ndarray,
    user: UserProfile,
) -> None:
    """Under Thompson sampling, how wide the draw is now against where it started: the
    spread narrows along what the visitor has rated (``recsys.explore.DrawSpread``)."""
    if ranked_by.exploration != "thompson" or ranked_by.order == "random" or not recommendations:
        return
    rated = [catalogue.position(e.item_id) for e in user.feedback_log if e.item_id in catalogue]
    spread = DrawSpread.of(  # the ranker's window: the latest rated items of this catalogue
        vectors[rated[-THOMPSON_WINDOW:]],
        vectors[[rec.position for rec in recommendations]],
        ranked_by.thompson_scale,
        ranked_by.thompson_noise,
    )
    start = (
        f":material/casino: Thompson sampling ranks by a query drawn around your profile. Its "
        f"score noise is σ0 = {spread.prior:.3f} for an item unlike anything you rated"
    )
    worth = f"the prior is worth about {spread.prior_thumbs:.0f} thumbs along one direction"
    if not spread.thumbs:
        st.caption(f"{start}, and you have rated nothing yet; {worth}.")
        return
    st.caption(
        f"{start}; for the items in this list it is now {spread.in_list:.3f} on average, "
        f"narrowed by your {spread.thumbs} most recent thumb{'s' * (spread.thumbs > 1)} "
        f"({worth})."
    )


def rated_list(user: UserProfile, on_undo: Callable[[str], None]) -> None:
    """The rated items, newest first: the latest with an undo button each, then a table."""
    st.subheader(f"Rated ({len(user.feedback_log)})")
    if not user.feedback_log:
        st.caption("Items you rate move here; undo puts them back in the list.")
    for event in reversed(user.feedback_log[-UNDOABLE:]):
        with st.container(
            key=f"rated_{event.item_id}", horizontal=True, vertical_alignment="center", wrap=False
        ):
            st.markdown(f"{THUMBS[event.liked]} {plain(event.title)}", width="stretch")
            st.button(
                "Undo", key=f"rated_undo_{event.item_id}", on_click=on_undo, args=(event.item_id,)
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

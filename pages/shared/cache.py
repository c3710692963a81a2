"""The cache decorators, at the edge: each wraps a loader from recsys/.

Cached objects are shared by every visitor of the server and treated as read-only; anything a
visitor changes lives in ``st.session_state`` (``pages.shared.session``).
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from dataclasses import dataclass, field

import numpy as np
import streamlit as st
from numpy.typing import NDArray

from pages.shared.notices import progress_bar
from recsys import (
    Catalogue,
    CatalogueEmbeddings,
    EncoderLoad,
    Persona,
    Projection,
    TextEncoder,
    TfidfEncoder,
    catalogue_embeddings,
    fit_pca,
    fit_tsne,
    load_catalogue,
    load_encoder,
    load_personas,
)
from recsys.cold_start import starter_grid
from recsys.context import RankingContext, ranking_context
from recsys.encoder import MODEL_ENV_VAR, embedding_space, one_blas_thread
from recsys.evaluation import (
    EvaluationSettings,
    OfflineEvaluation,
    evaluation_rng,
    offline_evaluation,
)
from recsys.interactions import InteractionLog, read_log
from recsys.kinds import kind_prototype_vectors
from recsys.simulation import PersonaVectors, embed_personas

_log = logging.getLogger(__name__)


@st.cache_resource(show_spinner="Loading the sentence model (first start only)…")
def _encoder_load(override: str) -> EncoderLoad:
    loaded = load_encoder(override)
    one_blas_thread()  # numpy's BLAS threads would take the model's cores (see its docstring)
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


def text_encoder(catalogue: Catalogue) -> TextEncoder:
    """The sentence model, or TF-IDF fitted on ``catalogue`` when no model could load."""
    loaded = encoder_load()
    if loaded.encoder is not None:
        return loaded.encoder
    return _tfidf_encoder(catalogue.fingerprint, catalogue)


@dataclass
class _EmbeddingMemo:
    """Shipped-catalogue matrices keyed by (fingerprint, model name, model sha256). Entries
    are written once, under the lock, and only read after that."""

    matrices: dict[tuple[str, str, str], CatalogueEmbeddings] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


@st.cache_resource(show_spinner=False)
def _embedding_memo() -> _EmbeddingMemo:
    return _EmbeddingMemo()


def catalogue_vectors(catalogue: Catalogue, encoder: TextEncoder) -> CatalogueEmbeddings:
    """(n_items, dim) unit rows for ``catalogue``; shows a progress bar while building."""
    memo = _embedding_memo()
    key = (catalogue.fingerprint, encoder.name, encoder.model_sha256)
    with memo.lock:  # a second visitor arriving mid-build waits instead of building again
        if key not in memo.matrices:
            with progress_bar("Embedding the catalogue…") as progress:
                memo.matrices[key] = catalogue_embeddings(catalogue, encoder, progress)
        return memo.matrices[key]


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


@st.cache_resource(show_spinner=False, max_entries=8)
def projection(fingerprint: str, space: str, method: str, _vectors) -> Projection:
    """The catalogue's 2-D map by ``method`` ("PCA" or "t-SNE"), once per catalogue."""
    return fit_tsne(_vectors, seed=0) if method == "t-SNE" else fit_pca(_vectors)


@st.cache_data(show_spinner=False, max_entries=32)
def offline_table(
    fingerprint: str,
    space: str,
    k: int,
    n_users: int,
    seed: int,
    _catalogue: Catalogue,
    _context: RankingContext,
    _personas: PersonaVectors,
) -> tuple[OfflineEvaluation, float]:
    """The offline evaluation of every preset and the seconds it took (then cached)."""
    started = time.perf_counter()
    settings = EvaluationSettings(n_users=n_users, k=k)
    result = offline_evaluation(_catalogue, _context, _personas, settings, evaluation_rng(seed))
    return result, time.perf_counter() - started


@st.cache_data(show_spinner=False, max_entries=64)
def _starter_grid(
    fingerprint: str, space: str, per_domain: int, seed: int, _catalogue, _vectors
) -> dict[str, list[int]]:
    return starter_grid(_catalogue, _vectors, per_domain, np.random.default_rng([seed, 12]))


def starter_grid_for(work, per_domain: int, seed: int) -> dict[str, list[int]]:
    """The cold-start grid for the workspace's catalogue and the visitor's ``seed``."""
    return _starter_grid(
        work.catalogue.fingerprint, work.space, per_domain, seed, work.catalogue, work.vectors
    )


@st.cache_resource(show_spinner=False)
def _kind_prototypes(model: str, _encoder: TextEncoder) -> NDArray[np.float32]:
    return kind_prototype_vectors(_encoder.encode)


def kind_prototypes(encoder: TextEncoder) -> NDArray[np.float32]:
    """(6, dim) the kinds of item described in words and embedded once per model
    (``recsys.intent``), for the kinds a visitor names by meaning."""
    return _kind_prototypes(f"{encoder.name}:{encoder.model_sha256}", encoder)

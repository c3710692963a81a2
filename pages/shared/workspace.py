"""The workspace: the catalogue this visitor works on and everything ranked over it.

Every page starts with ``workspace()``. The catalogue is the shipped one, or the visitor's
own upload (kept in their session only; other visitors keep theirs).
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
import streamlit as st
from numpy.typing import NDArray

from pages.shared.cache import (
    catalogue_vectors,
    encoder_load,
    ranking_context_for,
    shipped_catalogue,
    text_encoder,
)
from pages.shared.notices import progress_bar
from recsys import Catalogue, CatalogueEmbeddings, TextEncoder, build_embeddings
from recsys.context import RankingContext
from recsys.encoder import embedding_space

UPLOAD_KEY = "catalogue_upload"
CATALOGUE_SETTINGS = {"rec_domains": []}  # settings that name this catalogue's contents


@dataclass(frozen=True)
class UploadedCatalogue:
    """A visitor's own catalogue, kept in their session only."""

    file_name: str
    catalogue: Catalogue
    embeddings: CatalogueEmbeddings


@dataclass(frozen=True)
class Workspace:
    """The active catalogue, the encoder for queries, the catalogue's embeddings, the shared
    ranking context, and the embedding space they live in (read-only, shared)."""

    catalogue: Catalogue
    encoder: TextEncoder
    embeddings: CatalogueEmbeddings
    context: RankingContext
    space: str
    upload: UploadedCatalogue | None

    @property
    def vectors(self) -> NDArray[np.float32]:
        """(n_items, dim) unit rows."""
        return self.embeddings.matrix

    @property
    def has_model(self) -> bool:
        """Whether the sentence model loaded (else TF-IDF mode)."""
        return encoder_load().encoder is not None


def uploaded() -> UploadedCatalogue | None:
    return st.session_state.get(UPLOAD_KEY)


def active_catalogue() -> Catalogue:
    """The visitor's uploaded catalogue if they have one, else the shipped one."""
    upload = uploaded()
    return upload.catalogue if upload is not None else shipped_catalogue()


def workspace() -> Workspace:
    """This visitor's workspace, from the caches (nothing is computed twice)."""
    upload = uploaded()
    if upload is not None:
        catalogue, embeddings = upload.catalogue, upload.embeddings
        encoder = text_encoder(catalogue)
    else:
        catalogue = shipped_catalogue()
        encoder = text_encoder(catalogue)
        embeddings = catalogue_vectors(catalogue, encoder)
    return Workspace(
        catalogue=catalogue,
        encoder=encoder,
        embeddings=embeddings,
        context=ranking_context_for(catalogue, encoder, embeddings),
        space=embedding_space(encoder, catalogue.fingerprint),
        upload=upload,
    )


def _forget_catalogue_settings() -> None:
    for key, value in CATALOGUE_SETTINGS.items():
        st.session_state[key] = value


def use_uploaded(file_name: str, catalogue: Catalogue) -> float:
    """Embed ``catalogue`` (with a progress bar) and make it this session's catalogue.
    Returns the seconds it took. Other visitors keep theirs."""
    encoder = text_encoder(catalogue)
    started = time.perf_counter()
    with progress_bar("Embedding your catalogue…") as progress:
        matrix = build_embeddings(catalogue, encoder, progress)
    seconds = time.perf_counter() - started
    st.session_state[UPLOAD_KEY] = UploadedCatalogue(
        file_name, catalogue, CatalogueEmbeddings(matrix, "built", f"uploaded {file_name}")
    )
    _forget_catalogue_settings()
    return seconds


def restore_shipped_catalogue() -> None:
    st.session_state.pop(UPLOAD_KEY, None)
    _forget_catalogue_settings()

"""The lab's inputs on the shipped catalogue, as the Simulation lab page builds them, for the
command-line runs (``python -m recsys.simulation``, ``recsys.simulation.sweep``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from recsys.context import RankingContext
from recsys.simulation.personas import PersonaVectors


@dataclass(frozen=True)
class LabInputs:
    """``context`` the shipped catalogue's ranking context with its interaction log,
    ``personas`` the persona vectors, ``quality`` (n,) the items' quality."""

    context: RankingContext
    personas: PersonaVectors
    quality: NDArray[np.float64]


def shipped_lab_inputs() -> LabInputs:
    """Load the catalogue, the sentence model, the embeddings, the personas and the log.
    Raises ``RuntimeError`` if the sentence model does not load (the lab's personas and the
    log are embedded with it)."""
    from recsys.catalog import load_catalogue, load_personas
    from recsys.context import ranking_context
    from recsys.embeddings import catalogue_embeddings
    from recsys.encoder import load_encoder
    from recsys.interactions import read_log
    from recsys.simulation.personas import embed_personas

    catalogue = load_catalogue()
    encoder = load_encoder().encoder
    if encoder is None:
        raise RuntimeError("the lab needs the sentence model, which did not load")
    vectors = catalogue_embeddings(catalogue, encoder).matrix
    return LabInputs(
        context=ranking_context(catalogue, vectors, read_log().events),
        personas=embed_personas(load_personas(), encoder.encode),
        quality=catalogue.items["quality"].to_numpy(dtype=float),
    )

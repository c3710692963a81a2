"""The personas' texts as vectors: what a simulated user's hidden taste, stated interests and
drift direction are built from (``recsys.simulation.users.make_population``)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from recsys.catalog import Persona
from recsys.encoder import l2_normalise
from recsys.explain import split_phrases
from recsys.multi_interest import MAX_INTERESTS


@dataclass(frozen=True)
class PersonaVectors:
    """Each persona's embedded texts, (n_personas, dim) unit rows, in ``ids`` order; and its
    stated interests one by one, ``phrases`` (n_personas, J, dim) with ``phrase_present``
    (n_personas, J) (None: the stated text is the one interest)."""

    ids: list[str]
    stated: NDArray[np.float32]
    hidden: NDArray[np.float32]
    drift: NDArray[np.float32]
    phrases: NDArray[np.float32] | None = None
    phrase_present: NDArray[np.bool_] | None = None


def embed_personas(personas: list[Persona], encode) -> PersonaVectors:
    """Embed every persona's stated interests (whole, and phrase by phrase, the first
    ``MAX_INTERESTS``), hidden taste and drift direction."""
    texts = [p.stated_interests for p in personas]
    texts += [p.hidden_taste for p in personas]
    texts += [p.drift_towards for p in personas]
    split = [split_phrases(p.stated_interests)[:MAX_INTERESTS] for p in personas]
    vectors = l2_normalise(
        np.asarray(encode(texts + [phrase for phrases in split for phrase in phrases]))
    )
    n, width = len(personas), max(len(phrases) for phrases in split)
    phrases = np.zeros((n, width, vectors.shape[1]), dtype=np.float32)
    present = np.zeros((n, width), dtype=bool)
    start = 3 * n
    for row, persona_phrases in enumerate(split):
        phrases[row, : len(persona_phrases)] = vectors[start : start + len(persona_phrases)]
        present[row, : len(persona_phrases)] = True
        start += len(persona_phrases)
    return PersonaVectors(
        [p.persona_id for p in personas],
        vectors[:n],
        vectors[n : 2 * n],
        vectors[2 * n : 3 * n],
        phrases,
        present,
    )


def only_personas(personas: PersonaVectors, ids: Sequence[str]) -> PersonaVectors:
    """The persona vectors of ``ids`` alone (in ``ids`` order): a population drawn from them
    (``make_population``) has only these personas, as first and as second persona. Raises
    ``ValueError`` naming an id that is not among ``personas.ids``, or for no ids at all."""
    unknown = [one for one in ids if one not in personas.ids]
    if unknown or not ids:
        raise ValueError(
            f"unknown personas {', '.join(unknown)}; choose among {', '.join(personas.ids)}"
            if unknown
            else "choose at least one persona"
        )
    rows = np.array([personas.ids.index(one) for one in ids], dtype=np.intp)
    return PersonaVectors(
        list(ids),
        personas.stated[rows],
        personas.hidden[rows],
        personas.drift[rows],
        None if personas.phrases is None else personas.phrases[rows],
        None if personas.phrase_present is None else personas.phrase_present[rows],
    )

"""The visitor's interest text: whether it can be used, and bringing it into a profile.

``apply_interest_text`` reads the text as an intent (``recsys.intent``: interests,
exclusions, kinds) and embeds what it asks for (the anchor), each interest and each exclusion
in one call; ``follow_space`` moves a profile into another embedding space (TF-IDF mode after
a catalogue change). Each returns a sentence for the page when it cannot, and then leaves the
profile as it was.
"""

from __future__ import annotations

import dataclasses

import numpy as np
from numpy.typing import NDArray

from recsys.intent import Intent, parse_intent
from recsys.kinds import kinds_from_embedding
from recsys.multi_interest import MAX_INTERESTS
from recsys.profile import Encode, UserProfile

MAX_INTEREST_CHARS = 2000


def interest_text_problem(text: str) -> str | None:
    """Why ``text`` cannot serve as interests, as a sentence for the page; None if it can."""
    stripped = text.strip()
    if not stripped:
        return "Type a few words about what you like, or pick a persona, to get recommendations."
    if len(stripped) > MAX_INTEREST_CHARS:
        return (
            f"Your interests are {len(stripped):,} characters long; please keep them under "
            f"{MAX_INTEREST_CHARS:,} (the model reads only about the first 200 words)."
        )
    if not any(character.isalpha() for character in stripped):
        return (
            "Your interests need at least one word, for example “jazz, hiking, Italian "
            "cooking”; numbers and symbols alone say nothing about taste."
        )
    return None


WORDS_NOT_IN_CATALOGUE = (
    "None of the words of your interests occur in this catalogue, and TF-IDF mode can only "
    "match words it has seen. Describe your interests in this catalogue's words, for example a "
    "topic or a genre."
)


NOTHING_LEFT = "Nothing is left to look for: put back a part you removed, or type new interests."
Removed = tuple[tuple[str, str], ...]


def read_intent(text: str, removed: Removed = ()) -> Intent:
    """The visitor's ``text`` as an intent, minus the parts they ``removed`` ((role, value))."""
    intent = parse_intent(text)
    for role, value in removed:
        intent = intent.without(role, value)
    return intent


def apply_interest_text(
    profile: UserProfile,
    text: str,
    encode: Encode,
    space: str,
    persona_id: str | None,
    removed: Removed = (),
    kind_prototypes: NDArray[np.float32] | None = None,
) -> str | None:
    """Read a changed interest ``text`` as an intent (``recsys.intent``, less the parts the
    visitor ``removed``) and embed it into ``profile`` in the embedding ``space``: what it
    asks for (the anchor), each interest (the multi-interest profile and the reasons) and
    each exclusion. With ``kind_prototypes`` (``recsys.intent.kind_prototype_vectors`` of the
    sentence model; None in TF-IDF mode) an interest may also name a kind by meaning ("a good
    read about sailing"). Each distinct text is embedded once. A sentence for the page when
    the text cannot be used, and then the profile is left as it was."""
    unchanged = text == profile.interest_text and removed == profile.intent_removed
    if unchanged and profile.has_interests:
        return None
    problem = interest_text_problem(text)
    if problem is not None:
        return problem
    intent = read_intent(text, removed)
    query = intent.query_text
    if not query.strip() and not intent.kinds:
        return NOTHING_LEFT
    query = query or " ".join(intent.kinds)
    phrases = list(intent.interests[:MAX_INTERESTS]) or [query]
    texts = list(dict.fromkeys([query, *phrases, *intent.exclusions]))
    vector_of = dict(zip(texts, encode(texts), strict=True))
    if not np.any(vector_of[query]):
        return WORDS_NOT_IN_CATALOGUE
    phrase_vectors = np.array([vector_of[phrase] for phrase in phrases])
    if kind_prototypes is not None:
        intent = with_kinds_by_meaning(intent, phrase_vectors, kind_prototypes)
    profile.set_interests(
        text, vector_of[query], phrases, phrase_vectors, persona_id, space, encode
    )
    profile.intent = intent
    profile.intent_removed = removed
    dim = len(vector_of[query])
    exclusions = [vector_of[phrase] for phrase in intent.exclusions]
    profile.exclusion_vectors = np.array(exclusions).reshape(len(exclusions), dim)
    return None


def with_kinds_by_meaning(
    intent: Intent, phrase_vectors: NDArray[np.float32], prototypes: NDArray[np.float32]
) -> Intent:
    """``intent`` with the kinds its interests name by meaning, when it names none by word (a
    word is the clearer sign: "a podcast for learning a language" asks for podcasts, not for
    courses); a kind the visitor excluded stays out."""
    if intent.kinds:
        return intent
    named = [
        kind if kind not in intent.excluded_kinds else None
        for kind in kinds_from_embedding(phrase_vectors, prototypes)
    ]
    kinds = tuple(dict.fromkeys(kind for kind in named if kind))
    own = tuple((kind,) if kind else () for kind in named) if intent.interests else ()
    return dataclasses.replace(intent, kinds=kinds, interest_kinds=own)


def follow_space(profile: UserProfile, space: str, encode: Encode) -> str | None:
    """Move ``profile`` into the embedding ``space`` if it is elsewhere (TF-IDF mode after a
    catalogue change); a sentence for the page if its words cannot move there."""
    if not profile.has_interests or profile.space == space:
        return None
    return None if profile.move_to_space(space, encode) else WORDS_NOT_IN_CATALOGUE

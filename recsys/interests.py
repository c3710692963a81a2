"""The visitor's interest text: whether it can be used, and bringing it into a profile.

``apply_interest_text`` embeds the whole text (the anchor) and each phrase (for the reasons)
in one call; ``follow_space`` moves a profile into another embedding space (TF-IDF mode after
a catalogue change). Each returns a sentence for the page when it cannot, and then leaves the
profile as it was.
"""

from __future__ import annotations

import numpy as np

from recsys.explain import split_phrases
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


def apply_interest_text(
    profile: UserProfile, text: str, encode: Encode, space: str, persona_id: str | None
) -> str | None:
    """Embed a changed interest ``text`` (the whole text, and each phrase for the reasons)
    into ``profile`` in the embedding ``space``; a sentence for the page when the text cannot
    be used, and then the profile is left as it was."""
    if text == profile.interest_text and profile.has_interests:
        return None
    problem = interest_text_problem(text)
    if problem is not None:
        return problem
    phrases = split_phrases(text)
    embedded = encode([text, *phrases])
    if not np.any(embedded[0]):
        return WORDS_NOT_IN_CATALOGUE
    profile.set_interests(text, embedded[0], phrases, embedded[1:], persona_id, space, encode)
    return None


def follow_space(profile: UserProfile, space: str, encode: Encode) -> str | None:
    """Move ``profile`` into the embedding ``space`` if it is elsewhere (TF-IDF mode after a
    catalogue change); a sentence for the page if its words cannot move there."""
    if not profile.has_interests or profile.space == space:
        return None
    return None if profile.move_to_space(space, encode) else WORDS_NOT_IN_CATALOGUE

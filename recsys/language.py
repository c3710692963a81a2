"""What language a visitor's text looks like, so the page can say when the model cannot read it.

all-MiniLM-L6-v2 was trained on English: text in another script gets vectors that sit close
to nothing in particular (Chinese 0.15-0.18 against every item here), and text in another
Latin-script language matches mostly on shared names. ``looks_like`` names the script or the
language by two plain signals, no model:

- script: the share of letters in each Unicode script (Han, kana, Hangul, Cyrillic, Greek,
  Arabic, Hebrew, Devanagari, Thai). A script holding at least ``SCRIPT_SHARE`` of the letters
  names the text; Han with any kana is Japanese, Han alone Chinese.
- language, for Latin letters: the share of words that are among the most common function
  words of Spanish, French, German, Italian, Portuguese or Dutch, against English's. A
  language needs at least ``DISTINCT_WORDS`` distinct such words, ``WORD_SHARE`` of the
  distinct words, and more than English ("La La Land and De Niro films" has two: English).

English (or too little to tell) gives None. The page then speaks in a sentence, with an
example in English, and labels what it shows as the nearest items, not recommendations.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

SCRIPT_SHARE = 0.3
WORD_SHARE = 0.2
DISTINCT_WORDS = 3
_SCRIPTS = {  # the first word of a character's Unicode name -> the script
    "CJK": "Han",
    "HIRAGANA": "kana",
    "KATAKANA": "kana",
    "HANGUL": "Korean",
    "CYRILLIC": "Cyrillic",
    "GREEK": "Greek",
    "ARABIC": "Arabic",
    "HEBREW": "Hebrew",
    "DEVANAGARI": "Devanagari",
    "THAI": "Thai",
}
_SCRIPT_NAMES = {
    "Korean": "Korean",
    "Cyrillic": "written in Cyrillic (Russian, Ukrainian or another language)",
    "Greek": "Greek",
    "Arabic": "written in Arabic script",
    "Hebrew": "Hebrew",
    "Devanagari": "written in Devanagari (Hindi or another language)",
    "Thai": "Thai",
}
_FUNCTION_WORDS = {
    "English": "the and of to in is for on with my about like love i want some",
    "Spanish": "el la los las de del y que en un una por para con me gusta gustan mucho muy",
    "French": "le la les des du de et que en un une pour avec j'aime aime sur dans très",
    "German": "der die das und ich mag gern ein eine mit für über von zu den nicht sehr",
    "Italian": "il lo la gli le di e che un una per con mi piace piacciono molto della",
    "Portuguese": "o os as de do da e que um uma para com eu gosto muito sobre em",
    "Dutch": "de het een en van ik hou houd met voor over op niet zeer graag",
}
_WORDS = {language: set(words.split()) for language, words in _FUNCTION_WORDS.items()}
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


@dataclass(frozen=True)
class Language:
    """``name`` for a sentence ("Chinese", "written in Cyrillic (...)"); ``script`` True when
    it was told by the script, False when by the words of a Latin-script language."""

    name: str
    script: bool


def _script_of(character: str) -> str | None:
    name = unicodedata.name(character, "")
    return _SCRIPTS.get(name.split(" ", 1)[0]) if name else None


def _by_script(letters: list[str]) -> Language | None:
    counts: dict[str, int] = {}
    for character in letters:
        script = _script_of(character)
        if script is not None:
            counts[script] = counts.get(script, 0) + 1
    cjk = counts.get("Han", 0) + counts.get("kana", 0)
    if cjk >= SCRIPT_SHARE * len(letters):
        return Language("Japanese" if counts.get("kana") else "Chinese", True)
    for script, count in sorted(counts.items(), key=lambda pair: -pair[1]):
        if script in _SCRIPT_NAMES and count >= SCRIPT_SHARE * len(letters):
            return Language(_SCRIPT_NAMES[script], True)
    return None


def _by_words(text: str) -> Language | None:
    words = [word.lower() for word in _WORD.findall(text)]
    if not words:
        return None
    distinct = set(words)
    hits = {language: len(distinct & vocabulary) for language, vocabulary in _WORDS.items()}
    english = hits.pop("English")
    language, count = max(hits.items(), key=lambda pair: pair[1])
    if count >= DISTINCT_WORDS and count >= WORD_SHARE * len(distinct) and count > english:
        return Language(language, False)
    return None


def looks_like(text: str) -> Language | None:
    """The language or script ``text`` looks like when it is not English; None for English
    or when there is too little to tell (module docstring)."""
    letters = [character for character in text if character.isalpha()]
    if not letters:
        return None
    return _by_script(letters) or _by_words(text)


def not_english_sentence(language: Language, closest: float | None = None) -> str:
    """What the page says: what the text looks like, that the model reads English, how close
    the closest item came (when known), and an example in English."""
    looks = (
        f"is {language.name}"
        if language.name.startswith("written")
        else f"looks like {language.name}"
    )
    measured = (
        f" (the closest item has similarity {closest:.2f}, where interests the catalogue "
        "covers reach 0.3 or more)"
        if closest is not None
        else ""
    )
    return (
        f"Your text {looks}, and the model here reads English{measured}: the items below are "
        "only the nearest it could find, not recommendations. Try your interests in English, "
        "for example “science fiction films, jazz, Italian cooking”."
    )

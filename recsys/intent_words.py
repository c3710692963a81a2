"""The words an intent is read with: kinds, exclusion cues, fillers, links, topics.

Lists are "|"-separated phrases; a kind word also matches with its last word in the plural
(``forms``); ``table`` groups phrases by their first word, longest first, for a greedy
longest match. ``recsys.intent`` reads a text with them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from types import MappingProxyType


def each(phrases: str) -> list[str]:
    """The phrases of a "|"-separated list."""
    return phrases.split("|")


#: Kind words per domain, "|"-separated; each also matches with its last word in the plural.
KIND_WORDS: Mapping[str, str] = MappingProxyType(
    {
        "ecommerce": "things to buy|stuff to buy|something to buy|to buy|buy|gadget|gear|product|"
        "shop|shopping|gift|gift idea",
        "news": "news|reporting|analysis|article|journalism|report|long read|column",
        "movies": "film|movie|series|show|documentary|video|tv|television|anime|cartoon",
        "music": "podcast|album|playlist|song|music|new music|record|audiobook",
        "books": "book|novel|graphic novel|memoir|biography|read|cookbook|comic|poetry|poem|ebook",
        "courses": "course|class|lesson|tutorial|workshop|bootcamp|masterclass|lecture",
    }
)
TOPIC_PHRASES = (
    "reality tv|reality show|talk show|game show|video game|fake news|golf course|main course|"
    "of course|working class|middle class|upper class|first class|world series|life lesson|"
    "photo album|product design|product management|film photography"
)
KEEP_TOGETHER = frozenset(
    tuple(pair.split(" and "))
    for pair in each(
        "rock and roll|salt and pepper|science and technology|arts and crafts|rhythm and blues|"
        "drum and bass|war and peace|pride and prejudice|fish and chips|food and drink|"
        "black and white|bed and breakfast"
    )
)
HEAD_ONLY = frozenset(each("music|musics|record|records|analysis|analyses"))
BEFORE_READ = frozenset(each("a|good|great|quick|light|easy|fun|gripping"))
NEGATIVE_VERBS = [
    f"{who}{neg} {really}{verb}"
    for who in ("i ", "we ", "")
    for neg in ("don't", "dont", "do not", "doesn't", "does not")
    for really in ("really ", "")
    for verb in ("like", "want", "enjoy", "love")
]
EXCLUSION_CUES = "|".join(NEGATIVE_VERBS) + (
    "|i hate|hate|i dislike|dislike|i can't stand|i'm not|im not|i am not|not|no|without|except|"
    "except for|excluding|avoid|avoiding|minus|nothing|nothing about|nothing on|anything but|"
    "apart from|other than|never"
)
WISH_CUES = "i like|i love|i enjoy|i want|i'd like|i'm into|i am into|also|plus|some|only|just"
ONLY_CUES = "only|just|nothing but"
LINKS = "about|on|of|for|with|from|by|in|set in|featuring|to"
FILLERS = (
    "i need|i would like|im into|i'm interested in|i am interested in|interested in|into|"
    "i'm looking for|looking for|show me|give me|recommend|recommend me|please|something about|"
    "something on|anything about|anything on|stuff about|things about|a|an|good|great|any|more|"
    "really|lots of|a lot of|and|but|or|&|maybe|mostly|especially|nothing but|much|too much|"
    "fan of|a fan of|then"
)
TRAILERS = frozenset(each(f"{LINKS}|only|please|and|or|&|but|too|also"))
WORD = re.compile(r"\w+(?:['’&-]\w+)*|&")
CLAUSE_END = re.compile(r"[,;\n\r]|[.!?](?=\s|$)")
ROLES = ("kind", "interest", "exclusion", "excluded_kind", "only")

Token = tuple[int, int, str]  # start, end (in the text), the word lower-cased
Table = Mapping[str, tuple[tuple[str, ...], ...]]


def forms(phrases: str) -> list[str]:
    """Each "|"-separated phrase and its plural (of the last word)."""
    found = []
    for phrase in each(phrases):
        head, _, last = phrase.rpartition(" ")
        if last == "analysis":
            plural = "analyses"
        elif last.endswith("y") and last[-2:-1] not in tuple("aeiou"):
            plural = last[:-1] + "ies"
        else:
            plural = last + ("es" if last.endswith(("s", "x", "ch", "sh")) else "s")
        found += [phrase, f"{head} {plural}".strip()]
    return found


def table(phrases: Iterable[str]) -> Table:
    """Phrases as word tuples grouped by their first word, longest first."""
    grouped: dict[str, list[tuple[str, ...]]] = {}
    for phrase in sorted(set(phrases), key=lambda p: -len(p.split())):
        grouped.setdefault(phrase.split()[0], []).append(tuple(phrase.split()))
    return MappingProxyType({first: tuple(found) for first, found in grouped.items()})


KIND_OF = MappingProxyType(
    {tuple(form.split()): domain for domain, words in KIND_WORDS.items() for form in forms(words)}
)
KINDS, TOPICS = table(" ".join(k) for k in KIND_OF), table(forms(TOPIC_PHRASES))
CUES = table(f"{j}{c}" for j in ("", "but ", "and ") for c in each(EXCLUSION_CUES))
WISHES, ONLY = table(each(WISH_CUES)), table(each(ONLY_CUES))
LEADING = table(each(f"{WISH_CUES}|{LINKS}|{FILLERS}"))

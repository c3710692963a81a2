"""What the visitor asked for: interests, exclusions and kinds of item, read from free text.

The word lists (``KIND_WORDS``, the cues, fillers and links) are ``recsys.intent_words``.

``parse_intent`` is pure and deterministic and reads words only:

1. Clauses end at commas, semicolons, line breaks and sentence ends; no exclusion reaches past
   its clause ("no horror, and jazz"). Words are letters and digits joined by ``-``, ``'`` or
   ``&``, so "no-knead", "nocturnes", "Nottingham" and "cannot" are never "no"/"not".
2. An exclusion cue (no, not, without, except, but not, avoid, nothing about, I don't like,
   I hate, I dislike, anything but, minus, ...) excludes what follows, up to the clause end, a
   "but", or an "and" before a wish ("and I like"). "X-free" is wanted ("gluten-free baking").
3. Items: split at "or"/"nor" always, and at "and"/"&" when both neighbours have 2+ words or
   the text uses commas or semicolons, except the pairs in ``KEEP_TOGETHER`` ("rock and
   roll"): "salt and pepper" is one item, "hiking in the mountains and Italian cooking" two.
4. Kinds: ``KIND_WORDS`` (whole words, last word singular or plural) name a domain. "music",
   "record" and "analysis" count only at the head of an item ("music for studying", not
   "classical music" or "data analysis"); "read" only as a noun after a/good/great/quick/...;
   adjacent kind words take the last one's domain ("news podcast": music) except "series"
   ("book series": books); ``TOPIC_PHRASES`` ("reality tv", "video games") are topics.
5. Interests: a wanted item minus leading filler ("I like", "something about", "a", "some",
   "good", ...) and its kind words with their links ("about", "of", ...); words before and
   after a kind word are two interests ("science fiction films about time travel"). An
   excluded item of kind words only excludes those kinds ("no courses"); otherwise its kind
   words are dropped ("no horror films": horror). A kind asked for and excluded is excluded.
6. ``only``: "only"/"just"/"nothing but" before a kind word, or "only" after one.

Every interest and exclusion is a slice of the text as typed (case and typos kept).

``recsys.kinds`` names a kind by meaning (a sentence per kind, against each interest).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from itertools import groupby
from types import MappingProxyType

from recsys import intent_words as vocab


def _skip(words: list[str], i: int, table: vocab.Table) -> int:
    """The first position from ``i`` on where no phrase of ``table`` starts."""
    while n := _longest(words, i, table):
        i += n
    return i


def _clauses(text: str) -> list[list[vocab.Token]]:
    starts = [0, *(m.end() for m in vocab.CLAUSE_END.finditer(text))]
    ends = [*(m.start() for m in vocab.CLAUSE_END.finditer(text)), len(text)]
    clauses = [vocab.WORD.finditer(text, a, b) for a, b in zip(starts, ends, strict=True)]
    return [[(m.start(), m.end(), m.group().lower().replace("’", "'")) for m in c] for c in clauses]


def _longest(words: list[str], i: int, table: vocab.Table) -> int:
    """Length of the longest phrase of ``table`` that starts at ``words[i]``; 0 for none."""
    candidates = table.get(words[i], ()) if i < len(words) else ()
    return next((len(p) for p in candidates if tuple(words[i : i + len(p)]) == p), 0)


def _runs(tokens: list[vocab.Token]) -> list[tuple[bool, list[vocab.Token]]]:
    """The clause as (excluded?, tokens) runs, cut at exclusion cues and where they end."""
    words = [t[2] for t in tokens]
    runs: list[tuple[bool, list[vocab.Token]]] = [(False, [])]
    i = 0
    while i < len(tokens):
        excluded = runs[-1][0]
        cue = 0 if _longest(words, i, vocab.ONLY) == 2 else _longest(words, i, vocab.CUES)
        ends = excluded and (
            words[i] == "but" or (words[i] in ("and", "&") and _longest(words, i + 1, vocab.WISHES))
        )
        if cue or ends:
            runs.append((bool(cue), []))
            i += cue or 1
        else:
            runs[-1][1].append(tokens[i])
            i += 1
    return [run for run in runs if run[1]]


def _items(tokens: list[vocab.Token], listy: bool) -> list[list[vocab.Token]]:
    """Split at or/nor, and at and/& by the rule of the module docstring."""
    groups: list[list[vocab.Token]] = [[]]
    joins: list[vocab.Token] = []
    for token in tokens:
        if token[2] in ("and", "&", "or", "nor"):
            joins.append(token)
            groups.append([])
        else:
            groups[-1].append(token)
    items = [groups[0]]
    for join, left, right in zip(joins, groups, groups[1:], strict=False):
        kept = bool(left and right) and (left[-1][2], right[0][2]) in vocab.KEEP_TOGETHER
        long = len(left) >= 2 and len(right) >= 2
        if join[2] in ("or", "nor") or ((listy or long) and not kept):
            items.append(right)
        else:
            items[-1] = [*items[-1], join, *right]
    return [item for item in items if item]


def _kind_labels(words: list[str]) -> list[str | None]:
    """Each word's domain if it is part of a kind word in its place, else None."""
    labels: list[str | None] = [None] * len(words)
    head, i = _skip(words, 0, vocab.LEADING), 0
    while i < len(words):
        if n := _longest(words, i, vocab.TOPICS):
            i += n
            continue
        n = _longest(words, i, vocab.KINDS)
        fits = n > 0 and (words[i] not in vocab.HEAD_ONLY or i == head)
        if words[i] == "read" and n == 1:
            fits = i > 0 and words[i - 1] in vocab.BEFORE_READ
        if fits:
            labels[i : i + n] = [vocab.KIND_OF[tuple(words[i : i + n])]] * n
        i += max(n, 1)
    return labels


def _item_parts(item: list[vocab.Token]) -> tuple[list[tuple[int, int]], list[str], bool]:
    """(spans of the topic segments, domains of the kind runs in order, asks only?)."""
    words = [t[2] for t in item]
    labels = _kind_labels(words)
    spans, kinds = [], []
    for is_kind, group in groupby(range(len(item)), key=lambda k: labels[k] is not None):
        at = list(group)
        if is_kind:  # "series" defers to the kind word before it ("book series")
            kinds.append(([labels[k] for k in at if words[k] != "series"] or [labels[at[0]]])[-1])
            continue
        start, end = _skip(words, at[0], vocab.LEADING), at[-1] + 1
        while end > start and words[end - 1] in vocab.TRAILERS:
            end -= 1
        if start < end:
            spans.append((item[start][0], item[end - 1][1]))
    return spans, kinds, _asks_only(words, labels)


def _asks_only(words: list[str], labels: list[str | None]) -> bool:
    """ "only"/"just"/"nothing but" before a kind word (fillers between), or "only" after one."""
    for k in range(len(words)):
        if n := _longest(words, k, vocab.ONLY):
            j = _skip(words, k + n, vocab.LEADING)
            if j < len(words) and labels[j] is not None:
                return True
    return len(words) > 1 and words[-1] == "only" and labels[-2] is not None


@dataclass(frozen=True)
class Intent:
    """A parsed request, each tuple in first-mention order without repeats; ``kinds`` is a soft
    boost, or with ``only`` a hard filter. ``interest_kinds`` (aligned with ``interests``, or
    empty) are the kinds each interest's own item named: in "jazz, hiking books" only hiking
    asks for books."""

    text: str
    interests: tuple[str, ...] = ()
    exclusions: tuple[str, ...] = ()
    kinds: tuple[str, ...] = ()
    excluded_kinds: tuple[str, ...] = ()
    only: bool = False
    interest_kinds: tuple[tuple[str, ...], ...] = ()

    def describe(self, labels: Mapping[str, str]) -> str:
        """E.g. "Looking for: books · about: the sea · not: courses", with ``labels`` (domain
        key -> shown name) lower-cased; '' when nothing was asked."""
        kinds, excluded = (
            [labels.get(k, k).lower() for k in ks] for ks in (self.kinds, self.excluded_kinds)
        )
        sections = [("Only" if self.only else "Looking for", kinds), ("about", self.interests)]
        sections.append(("not", [*self.exclusions, *excluded]))
        text = " · ".join(f"{name}: {', '.join(values)}" for name, values in sections if values)
        return text[:1].upper() + text[1:]

    def parts(self) -> list[tuple[str, str]]:
        """Every part the visitor may remove, as (role, value), role one of ``ROLES``."""
        found = [(role, value) for role in vocab.ROLES[:4] for value in getattr(self, _FIELD[role])]
        return found + ([("only", "")] if self.only else [])

    def without(self, role: str, value: str) -> Intent:
        """This intent minus one part (unchanged if it has no such part). Removing the last
        kind also drops ``only``: a hard filter to no kind would show nothing."""
        if role not in vocab.ROLES:
            raise ValueError(f"role must be one of {', '.join(vocab.ROLES)}, not {role!r}")
        if role == "only":
            return replace(self, only=False)
        kept = tuple(v for v in getattr(self, _FIELD[role]) if v != value)
        changed = replace(self, **{_FIELD[role]: kept})
        if role == "interest" and self.interest_kinds:
            pairs = zip(self.interests, self.interest_kinds, strict=True)
            changed = replace(changed, interest_kinds=tuple(k for i, k in pairs if i != value))
        if role == "kind":
            own = tuple(tuple(k for k in ks if k != value) for ks in self.interest_kinds)
            changed = replace(changed, interest_kinds=own)
        return replace(changed, only=False) if role == "kind" and not kept else changed

    def kinds_of(self, index: int) -> tuple[str, ...]:
        """The kinds interest ``index`` asks for: its own, or, when the text named kinds for
        no interest in particular, all of them."""
        own = self.interest_kinds[index] if index < len(self.interest_kinds) else ()
        named_by_some = any(self.interest_kinds)
        return own if named_by_some else self.kinds

    @property
    def query_text(self) -> str:
        """Interests joined by ", "; with none, the text minus its exclusions, unless the
        visitor removed interests or kinds that those words would bring back (then '')."""
        if self.interests:
            return ", ".join(self.interests)
        typed = parse_intent(self.text)
        if typed.interests or typed.kinds != self.kinds:
            return ""
        runs = [run for clause in _clauses(self.text) for out, run in _runs(clause) if not out]
        return ", ".join(self.text[run[0][0] : run[-1][1]] for run in runs)


_FIELD = MappingProxyType({role: f"{role}s" for role in vocab.ROLES[:4]})  # "kind" -> "kinds"


def parse_intent(text: str) -> Intent:
    """Read ``text`` into an ``Intent`` by the rules of the module docstring."""
    found: dict[str, list[str]] = {role: [] for role in vocab.ROLES[:4]}
    kinds_of: dict[str, list[str]] = {}  # interest (case-folded) -> the kinds its item named
    asks_only = False
    parsed = _parsed_items(text)
    topical = any(spans for excluded, spans, _, _, _ in parsed if not excluded)
    for excluded, spans, kinds, only, item in parsed:
        if topical and not excluded and not spans and kinds:
            spans = [_whole(item)]  # "poetry" among topics is a topic as well as a kind
        phrases = [text[slice(*_widened(text, a, b))] for a, b in spans]
        if not excluded:
            found["interest"] += phrases
            found["kind"] += kinds
            for phrase in phrases:
                kinds_of.setdefault(phrase.casefold(), []).extend(kinds)
            asks_only = asks_only or only
        else:
            found["exclusion" if phrases else "excluded_kind"] += phrases or kinds
    kinds = _unique([kind for kind in found["kind"] if kind not in found["excluded_kind"]])
    exclusions, excluded_kinds = _unique(found["exclusion"]), _unique(found["excluded_kind"])
    only = asks_only and bool(kinds)
    interests = _unique(found["interest"])
    per_interest = tuple(
        _unique([k for k in kinds_of[one.casefold()] if k in kinds]) for one in interests
    )
    return Intent(text, interests, exclusions, kinds, excluded_kinds, only, per_interest)


def _parsed_items(text: str) -> list[tuple[bool, list[tuple[int, int]], list[str], bool, list]]:
    """Every item of ``text``: (excluded?, topic spans, kinds, asks only?, its tokens)."""
    listy = bool(re.search(r"[,;]", text))
    return [
        (excluded, *_item_parts(item), item)
        for clause in _clauses(text)
        for excluded, run in _runs(clause)
        for item in _items(run, listy)
    ]


def _whole(item: list[vocab.Token]) -> tuple[int, int]:
    """The span of an item without its leading filler ("some podcasts": "podcasts")."""
    start = _skip([t[2] for t in item], 0, vocab.LEADING)
    return item[min(start, len(item) - 1)][0], item[-1][1]


def _widened(text: str, start: int, end: int) -> tuple[int, int]:
    """A phrase's span grown over the characters glued to it (no space, separator or
    sentence end between): "<b>jazz</b>" stays whole, as typed, rather than "b>jazz</b"."""
    while start > 0 and not text[start - 1].isspace() and text[start - 1] not in ",;":
        start -= 1
    while end < len(text) and not text[end].isspace() and text[end] not in ",;.!?":
        end += 1
    return start, end


def _unique(values: list[str]) -> tuple[str, ...]:
    """In order, without repeats (ignoring case)."""
    return tuple({value.casefold(): value for value in reversed(values)}.values())[::-1]

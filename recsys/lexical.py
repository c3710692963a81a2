"""Exact words count: an Okapi BM25 score over the items' texts, fused with the dense one.

The content score is a cosine between sentence embeddings, which gives a name, a label or a
rare term the visitor typed no credit unless the embedding happens to carry it. BM25
(Robertson & Zaragoza 2009) scores the words themselves. For query q and item d,

    bm25(q, d) = sum over distinct terms t of q   idf(t) * tf (k1 + 1) / (tf + k1 L(d))
    L(d)       = 1 - b + b |d| / avgdl
    idf(t)     = ln(1 + (N - df + 0.5) / (df + 0.5))

with tf the count of t in d, |d| the item's term count, avgdl the mean over the N items, df
the items holding t; k1 = 1.2 (tf saturation), b = 0.75 (length normalisation), as in
``BM25Settings``. Each query term counts once (Robertson's k3 = 0). A query with no term of
the vocabulary scores 0 everywhere.

Terms (``tokenise``): lower-case runs of Unicode letters/digits of 2+ characters, minus
sklearn's English stop words (less a few content words it lists, ``KEPT_WORDS``), folded by
``fold``: "ies" -> "y", else "es" after s/x/z/ch/sh, else a final "s" (not "ss", "us", "is")
is dropped where 3+ letters remain; then a final "ing" where 4+ remain; ``UNFOLDED`` words
stay. So "films" -> "film", "boxes" -> "box", "stories" -> "story", "cooking" -> "cook",
"chess", "news" and "baking" stay. Items and queries are folded alike.

Fusion, on a fixed scale (the card's match means the same in every list)::

    match(q, i) = (1 - w) cos(q, i) + w bm25(q, i) / (bm25(q, i) + h),   w = 0.3, h = 10

(``fused_match``; the ranker then min-max scales it over the items a user may see, like
every component). On the relevance benchmark (``python -m recsys.benchmark --relevance``, 90
judged queries, 2,730 items) nDCG@10 of the new pipeline was 0.592 without words (w = 0),
0.633 at w = 0.15, 0.638 at w = 0.3 with h = 5 and 0.640 with h = 10; min-max fusion of the
two scores (below) gave 0.639 but a match that is not on a fixed scale.

Tried first, on the 819-item catalogue (top 10 of all items): a name typed alone (12 title
words such as "Tidebreath", "Hessa Vey") is already ranked 1st by the embedding; inside a
longer interest text ("jazz piano, gardening for beginners and Tidebreath") it sinks. With
(1 - w) minmax(dense) + w minmax(bm25), and with reciprocal rank fusion (Cormack, Clarke &
Buttcher 2009, k = 60), against 12 generic queries ("jazz piano", "sourdough baking"):

    fusion       named item in top 10   its median rank   generic top 10 kept from w = 0
    w = 0        3 / 12                 37.5              10.0 / 10
    w = 0.2      4 / 12                 17.5               8.4 / 10
    w = 0.3      4 / 12                 11.5               7.7 / 10
    w = 0.5      9 / 12                  8.0               6.8 / 10
    RRF k = 60   5 / 12                 11.0               6.7 / 10

RRF throws the scores' margins away (a weak match on one common word ranks like a strong
one) and moved the generic lists most for a middling gain on names, so it was not kept.

Cost (one core, m = 1): ``scores`` 0.3 ms at 819 items, 0.4 ms at 2,457 and 0.5 ms at 4,914
(the texts repeated). Building takes 0.1 s for 819 items, 0.4 s for 2,457;
the (n_terms, n_items) CSR float64 matrix is 0.3 MiB for 819 items, 1.7 MiB for 4,914.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy import sparse
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

_log = logging.getLogger(__name__)

#: Content words sklearn's list drops that a visitor may well mean ("TV show", "fire safety").
KEPT_WORDS = frozenset({"bill", "fire", "interest", "mill", "show", "system"})
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) - KEPT_WORDS
#: Provisional share of the lexical score in ``weighted_fusion`` (measured above).
LEXICAL_WEIGHT = 0.3
_WORD = re.compile(r"[^\W_]+")
_MIN_STEM = 3
_MIN_ING_STEM = 4
_SIBILANTS = ("s", "x", "z", "ch", "sh")
#: Singular words ending in "s" whose folding would meet another word ("news" -> "new").
UNFOLDED = frozenset({"news", "lens"})


@dataclass(frozen=True)
class BM25Settings:
    """BM25's two knobs: ``k1`` saturates term frequency, ``b`` normalises item length."""

    k1: float = 1.2
    b: float = 0.75

    def __post_init__(self) -> None:
        if self.k1 < 0 or not 0 <= self.b <= 1:
            raise ValueError(f"BM25 needs k1 >= 0 and 0 <= b <= 1, got k1={self.k1}, b={self.b}")


def fold(word: str) -> str:
    """Fold a lower-case word's plural and "-ing" endings (rules in the module docstring)."""
    if word in UNFOLDED:
        return word
    if word.endswith("ies") and len(word) - 3 >= _MIN_STEM:
        word = word[:-3] + "y"
    elif word.endswith("es") and word[:-2].endswith(_SIBILANTS) and len(word) - 2 >= _MIN_STEM:
        word = word[:-2]
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")) and len(word) > _MIN_STEM:
        word = word[:-1]
    if word.endswith("ing") and len(word) - 3 >= _MIN_ING_STEM:
        word = word[:-3]
    return word


def words(text: str) -> list[str]:
    """The lower-case letter/digit words of ``text`` that are kept (2+ characters, not stop
    words), before folding, in order."""
    return [w for w in _WORD.findall(text.lower()) if len(w) > 1 and w not in STOP_WORDS]


def tokenise(text: str) -> list[str]:
    """The folded terms of ``text``, in order, repeats kept."""
    return [fold(w) for w in words(text)]


class LexicalIndex:
    """BM25 over a catalogue's texts, built once; row i of ``texts`` is item i.

    ``weights`` is the (n_terms, n_items) CSR matrix of each term's BM25 contribution to each
    item (the idf times the saturated, length-normalised tf), so a query's scores are the sum
    of its terms' rows."""

    def __init__(self, texts: Sequence[str], settings: BM25Settings = BM25Settings()) -> None:
        self.settings = settings
        self.n_items = len(texts)
        self.vocabulary: dict[str, int] = {}
        term_ids: list[int] = []
        item_ids: list[int] = []
        for item, text in enumerate(texts):
            for term in tokenise(text):
                term_ids.append(self.vocabulary.setdefault(term, len(self.vocabulary)))
                item_ids.append(item)
        shape = (len(self.vocabulary), self.n_items)
        counts = sparse.coo_matrix(
            (np.ones(len(term_ids)), (term_ids, item_ids)), shape=shape
        ).tocsr()  # duplicates summed: tf
        self.weights = _bm25_weights(counts, settings)
        _log.debug("BM25 index: %d items, %d terms", self.n_items, len(self.vocabulary))

    def query_terms(self, query: str) -> list[int]:
        """Row ids of the query's distinct known terms, in query order."""
        known = (self.vocabulary.get(term) for term in tokenise(query))
        return list(dict.fromkeys(t for t in known if t is not None))

    def scores(self, queries: Sequence[str]) -> NDArray[np.float64]:
        """(m, n_items) BM25 scores of each query against every item; 0 without a known term."""
        rows = [self.query_terms(q) for q in queries]
        indptr = np.cumsum([0] + [len(r) for r in rows])
        indices = np.array([t for r in rows for t in r], dtype=np.int64)
        selector = sparse.csr_matrix(
            (np.ones(len(indices)), indices, indptr), shape=(len(rows), len(self.vocabulary))
        )
        return np.asarray((selector @ self.weights).toarray(), dtype=np.float64)

    def containing_all(self, query: str) -> NDArray[np.bool_]:
        """(n_items,) True for the items that hold every term of ``query`` (none when the
        query has no term, or one the index has never seen)."""
        terms = list(dict.fromkeys(tokenise(query)))
        rows = [self.vocabulary.get(term) for term in terms]
        if not rows or None in rows:
            return np.zeros(self.n_items, dtype=bool)
        held = (self.weights[rows] > 0).astype(np.int32).sum(axis=0)
        return np.asarray(held).ravel() == len(rows)

    def matched_terms(self, query: str, position: int) -> list[str]:
        """The query's words (lower-case, first spelling per term) whose folded term item
        ``position`` holds, in query order: for "matches your words: jazz, trio"."""
        matched: dict[str, str] = {}
        for word in words(query):
            term = fold(word)
            row = self.vocabulary.get(term)
            if row is not None and term not in matched and self._holds(row, position):
                matched[term] = word
        return list(matched.values())

    def _holds(self, term: int, position: int) -> bool:
        start, end = self.weights.indptr[term], self.weights.indptr[term + 1]
        return bool(np.any(self.weights.indices[start:end] == position))


def _bm25_weights(counts: sparse.csr_matrix, settings: BM25Settings) -> sparse.csr_matrix:
    """(n_terms, n_items) tf counts -> their BM25 contributions (module docstring)."""
    n_terms, n_items = counts.shape
    lengths = np.asarray(counts.sum(axis=0), dtype=np.float64).ravel()
    mean_length = float(lengths.mean()) if n_items and lengths.mean() > 0 else 1.0
    df = np.diff(counts.indptr).astype(np.float64)
    idf = np.log1p((n_items - df + 0.5) / (df + 0.5))
    tf = counts.data
    norm = settings.k1 * (1 - settings.b + settings.b * lengths[counts.indices] / mean_length)
    term_of_entry = np.repeat(np.arange(n_terms), np.diff(counts.indptr))
    data = idf[term_of_entry] * tf * (settings.k1 + 1) / (tf + norm)
    weights = sparse.csr_matrix((data, counts.indices, counts.indptr), shape=counts.shape)
    weights.sort_indices()
    return weights


LEXICAL_HALF = 10.0  # the BM25 score at which the word match is one half


def word_match(lexical: NDArray[np.floating], half: float = LEXICAL_HALF) -> NDArray[np.float64]:
    """BM25 scores on a fixed scale: bm25 / (bm25 + half), 0 without a matching word, one half
    at ``half``, below 1 always; the same in every list, unlike a min-max."""
    lexical = np.asarray(lexical, dtype=np.float64)
    return lexical / (lexical + half)


def fused_match(
    dense: NDArray[np.floating],
    lexical: NDArray[np.floating],
    weight: float = LEXICAL_WEIGHT,
    half: float = LEXICAL_HALF,
) -> NDArray[np.float64]:
    """The content match on a fixed scale: (1 - weight) cosine + weight ``word_match``; (m, n)
    each. Without a matching word an item keeps its cosine's order (scaled by 1 - weight)."""
    if not 0.0 <= weight <= 1.0:
        raise ValueError(f"the lexical weight must lie between 0 and 1, got {weight}")
    return (1.0 - weight) * np.asarray(dense, dtype=np.float64) + weight * word_match(lexical, half)

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from recsys.catalog import load_catalogue
from recsys.lexical import (
    BM25Settings,
    LexicalIndex,
    fold,
    fused_match,
    tokenise,
    word_match,
)

# Three items: lengths 2, 3, 1 terms, so avgdl = 2.
CORPUS = ["Jazz piano", "jazz, JAZZ and a trio", "violin"]
WORDS = ["jazz", "piano", "trio", "films", "film", "cooking", "violins", "the", "and"]


@pytest.fixture
def index() -> LexicalIndex:
    return LexicalIndex(CORPUS)


def test_bm25_idf_tf_saturation_and_length_by_hand(index):
    scores = index.scores(["jazz", "trio", "jazz trio", "Jazz jazz"])
    # jazz: df = 2 of N = 3 -> idf = ln(1 + (3 - 2 + 0.5) / (2 + 0.5)) = ln(1.6)
    # item 0: tf 1, |d| = avgdl -> L = 1, tf part 1 * 2.2 / (1 + 1.2) = 1
    # item 1: tf 2, |d| = 3 -> L = 0.25 + 0.75 * 1.5 = 1.375, tf part 2 * 2.2 / (2 + 1.65)
    idf_jazz = math.log(1.6)
    assert scores[0] == pytest.approx([idf_jazz, idf_jazz * 4.4 / 3.65, 0.0])
    # trio: df = 1 -> idf = ln(1 + 2.5 / 1.5) = ln(8 / 3); item 1: 1 * 2.2 / (1 + 1.65)
    trio_item_1 = math.log(8 / 3) * 2.2 / 2.65
    assert scores[1] == pytest.approx([0.0, trio_item_1, 0.0])
    assert scores[2] == pytest.approx(scores[0] + scores[1])  # terms add
    assert scores[3] == pytest.approx(scores[0])  # a repeated query term counts once


def test_bm25_settings_switch_saturation_and_length_off():
    no_length = LexicalIndex(CORPUS, BM25Settings(b=0.0)).scores(["jazz"])[0]
    # b = 0: item 1's tf 2 gives 2 * 2.2 / (2 + 1.2) = 1.375 times item 0's, not 2 (saturation)
    assert no_length[1] / no_length[0] == pytest.approx(1.375)
    binary = LexicalIndex(CORPUS, BM25Settings(k1=0.0)).scores(["jazz"])[0]
    # k1 = 0: tf (0 + 1) / (tf + 0) = 1, only the idf is left
    assert binary == pytest.approx([math.log(1.6), math.log(1.6), 0.0])
    with pytest.raises(ValueError, match="0 <= b <= 1"):
        BM25Settings(b=1.5)


def test_longer_item_scores_lower_for_the_same_tf():
    scores = LexicalIndex(["jazz", "jazz piano trio violin"]).scores(["jazz"])[0]
    # avgdl 2.5; L = 0.25 + 0.75 * 0.4 = 0.55 and 0.25 + 0.75 * 1.6 = 1.45; idf = ln(1 + 0.5/2.5)
    idf = math.log(1.2)
    assert scores == pytest.approx([idf * 2.2 / (1 + 1.2 * 0.55), idf * 2.2 / (1 + 1.2 * 1.45)])


def test_tokenise_lower_cases_drops_stop_words_and_folds():
    assert tokenise("The Films, NOVELS & cooking!") == ["film", "novel", "cook"]
    assert tokenise("Café Ñandú 42, snake_case") == ["café", "ñandú", "42", "snake", "case"]
    assert tokenise("C and R, Zoë's") == ["zoë"]  # one-letter words go, "and" is a stop word
    assert tokenise("TV show about fire") == ["tv", "show", "fire"]  # kept content words


@pytest.mark.parametrize(
    ("word", "folded"),
    [
        ("films", "film"),
        ("boxes", "box"),
        ("dishes", "dish"),
        ("stories", "story"),
        ("cooking", "cook"),
        ("openings", "open"),
        ("chess", "chess"),  # "ss" is not a plural
        ("bus", "bus"),
        ("analysis", "analysis"),
        ("news", "news"),  # would meet "new"
        ("gas", "gas"),  # only 2 letters would remain
        ("ties", "tie"),  # "ies" needs 3 letters before it
        ("baking", "baking"),  # "-ing" needs 4 letters before it
        ("king", "king"),
    ],
)
def test_fold_cases(word, folded):
    assert fold(word) == folded


def test_query_without_a_known_word_scores_zero(index):
    scores = index.scores(["qwerty", "", "the and of"])
    assert scores.shape == (3, 3)
    assert not scores.any()
    assert index.scores([]).shape == (0, 3)
    assert LexicalIndex([]).scores(["jazz"]).shape == (1, 0)
    assert not LexicalIndex(["", "the"]).scores(["jazz"]).any()


def test_matched_terms_gives_the_visitors_words_present_in_the_item(index):
    assert index.matched_terms("Jazz trios and violins, jazz", 1) == ["jazz", "trios"]
    assert index.matched_terms("Jazz trios and violins", 2) == ["violins"]
    assert index.matched_terms("qwerty", 0) == []


def test_the_shipped_catalogue_finds_a_name_the_embedding_text_holds():
    catalogue = load_catalogue()
    index = LexicalIndex(catalogue.embedding_texts())
    best = int(np.argmax(index.scores(["a Tidebreath pacer"])[0]))
    assert catalogue.items.title[best].startswith("Tidebreath")
    assert index.matched_terms("a Tidebreath pacer", best) == ["tidebreath", "pacer"]


shapes = st.tuples(st.integers(1, 4), st.integers(1, 12))
grid = st.sampled_from([0.0, 0.125, 0.25, 0.5, 0.75, 1.0, 2.0])  # few values: many ties


texts = st.lists(st.sampled_from(WORDS), max_size=6).map(" ".join)


@given(st.lists(texts, min_size=1, max_size=6), st.lists(texts, min_size=1, max_size=4))
def test_bm25_properties(corpus, queries):
    index = LexicalIndex(corpus)
    scores = index.scores(queries)
    assert scores.shape == (len(queries), len(corpus))
    assert np.all(scores >= 0)
    for row, query in enumerate(queries):  # positive exactly where a term is shared
        shared = [bool(set(tokenise(query)) & set(tokenise(text))) for text in corpus]
        assert (scores[row] > 0).tolist() == shared
        assert np.array_equal(index.scores([query])[0], scores[row])  # batch = one by one
    assert np.array_equal(LexicalIndex(corpus).scores(queries), scores)  # deterministic
    widened = index.scores([q + " jazz" for q in queries])
    assert np.all(widened >= scores - 1e-12)  # one more term never lowers a score


def test_the_fused_match_by_hand_and_on_a_fixed_scale():
    dense = np.array([[0.5, 0.2, 0.0]])
    lexical = np.array([[0.0, 10.0, 30.0]])
    # by hand, w = 0.3, h = 10: 0.7 * 0.5 + 0 = 0.35; 0.7 * 0.2 + 0.3 * 10/20 = 0.29;
    # 0 + 0.3 * 30/40 = 0.225
    np.testing.assert_allclose(fused_match(dense, lexical, 0.3, 10.0), [[0.35, 0.29, 0.225]])
    np.testing.assert_allclose(word_match(np.array([0.0, 10.0])), [0.0, 0.5])
    # the same item scores the same whatever else is in the list (no min-max)
    alone = fused_match(dense[:, :1], lexical[:, :1], 0.3, 10.0)
    assert alone[0, 0] == pytest.approx(0.35)
    with pytest.raises(ValueError):
        fused_match(dense, lexical, 1.5)


@given(
    arrays(np.float64, 6, elements=st.floats(-1, 1)),
    arrays(np.float64, 6, elements=st.floats(0, 100)),
)
def test_without_a_matching_word_the_cosine_order_is_kept(dense, lexical):
    fused = fused_match(dense[None], np.zeros((1, 6)))[0]
    np.testing.assert_allclose(fused, 0.7 * dense)
    assert np.all(word_match(lexical) < 1) and np.all(word_match(lexical) >= 0)

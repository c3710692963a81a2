import numpy as np

from recsys.catalog import make_catalogue
from recsys.intent import Intent, parse_intent
from recsys.intent_ranking import (
    EXCLUDE_ABOVE,
    KIND_BOOST,
    excluded_by_intent,
    interest_boosts,
    kind_boost,
    label_texts,
)
from recsys.lexical import LexicalIndex
from tests.conftest import tiny_items


def _catalogue():
    return make_catalogue(tiny_items())


def _labels(catalogue):
    return LexicalIndex(label_texts(catalogue))


def test_an_excluded_kind_takes_out_its_domain_and_only_keeps_the_kinds_asked_for():
    catalogue = _catalogue()
    vectors = np.eye(len(catalogue), dtype=np.float32)
    domains = catalogue.items["domain"].to_numpy()
    no_music = Intent("jazz, no music", interests=("jazz",), excluded_kinds=("music",))
    excluded = excluded_by_intent(catalogue, vectors, _labels(catalogue), no_music, None)
    assert excluded.tolist() == (domains == "music").tolist()
    only_books = Intent("only books", kinds=("books",), only=True)
    excluded = excluded_by_intent(catalogue, vectors, _labels(catalogue), only_books, None)
    assert excluded.tolist() == (domains != "books").tolist()


def test_an_excluded_phrase_takes_out_items_holding_its_words_or_close_to_it():
    catalogue = _catalogue()
    n = len(catalogue)
    vectors = np.zeros((n, 2), dtype=np.float32)
    vectors[:, 1] = 1.0
    close = n - 1
    vectors[close] = [EXCLUDE_ABOVE + 0.01, 0.0]  # by hand: cosine with (1, 0) just above
    intent = parse_intent("books, but no piano")
    assert intent.exclusions == ("piano",)
    excluded = excluded_by_intent(
        catalogue, vectors, _labels(catalogue), intent, np.array([[1.0, 0.0]], np.float32)
    )
    texts = [text.lower() for text in label_texts(catalogue)]
    by_words = np.array(["piano" in text for text in texts])
    assert by_words.any()
    expected = by_words.copy()
    expected[close] = True
    assert excluded.tolist() == expected.tolist()


def test_without_an_intent_nothing_is_excluded_or_raised():
    catalogue = _catalogue()
    vectors = np.eye(len(catalogue), dtype=np.float32)
    assert not excluded_by_intent(catalogue, vectors, _labels(catalogue), None, None).any()
    assert not kind_boost(catalogue, ()).any()


def test_each_interest_is_raised_for_its_own_kinds():
    catalogue = _catalogue()
    intent = parse_intent("jazz, hiking books")
    boosts = interest_boosts(catalogue, intent, 2)
    books = (catalogue.items["domain"] == "books").to_numpy()
    assert not boosts[0].any()  # "jazz" named no kind
    np.testing.assert_allclose(boosts[1], np.where(books, KIND_BOOST, 0.0))
    # a kind named for no interest in particular raises every interest
    everywhere = interest_boosts(catalogue, Intent("t", ("a", "b"), kinds=("books",)), 2)
    np.testing.assert_allclose(everywhere, np.where(books, KIND_BOOST, 0.0)[None].repeat(2, 0))

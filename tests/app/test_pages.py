"""AppTest: every page renders, and the Recommend page's controls work (real model)."""

import re
from datetime import UTC, datetime

import numpy as np
import pytest

from recsys import ProfileSettings, load_catalogue, load_personas
from recsys.embeddings import EMBEDDINGS_PATH

pytestmark = pytest.mark.slow

PAGES = [
    "pages/recommend.py",
    "pages/map.py",
    "pages/simulation.py",
    "pages/evaluation.py",
    "pages/catalogue.py",
    "pages/about.py",
]


def card_keys(at):
    return [
        c.key.removeprefix("rec_card_")
        for c in at.get("flex_container")
        if getattr(c, "key", None) and c.key.startswith("rec_card_")
    ]


def all_text(at):
    return "\n".join(m.value for m in [*at.markdown, *at.caption])


@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_without_error(app, page):
    app.switch_page(page).run()
    assert not app.exception
    assert app.title


def test_start_page_asks_for_interests(app):
    assert app.title[0].value == "Recommendations that learn from you"
    assert "Type a few words" in app.info[0].value
    assert card_keys(app) == []


def test_typing_interests_gives_a_ranked_scored_explained_list(app):
    app.text_area(key="rec_interest_text").input("jazz records and vinyl, Italian cooking").run()
    assert not app.exception
    keys = card_keys(app)
    assert len(keys) == 10
    scores = [float(m.value.split("**")[1]) for m in app.markdown if m.value.startswith("Match")]
    assert len(scores) == 10 and scores == sorted(scores, reverse=True)
    assert all(0 <= s <= 1 for s in scores)
    assert "your interest “" in all_text(app)  # "For your interest" under the default
    assert len(app.get("feedback")) == 10


def test_list_length_and_domain_filter(app):
    app.text_area(key="rec_interest_text").input("space telescopes and astronomy").run()
    app.slider(key="rec_k").set_value(5).run()
    assert len(card_keys(app)) == 5
    app.multiselect(key="rec_domains").set_value(["books"]).run()
    assert not app.exception
    assert all(key.startswith("books-") for key in card_keys(app))


def test_persona_fills_interests_and_shows_who_it_is(app):
    persona = load_personas()[1]
    app.selectbox(key="rec_persona").set_value(persona.persona_id).run()
    assert app.text_area(key="rec_interest_text").value == persona.stated_interests
    assert persona.bio.split()[0] in all_text(app)
    assert len(card_keys(app)) == 10
    assert app.session_state["profile"].persona_id == persona.persona_id


def test_bad_input_gets_a_sentence_and_keeps_the_list(app):
    app.text_area(key="rec_interest_text").input("gardening and houseplants").run()
    before = card_keys(app)
    app.text_area(key="rec_interest_text").input("!!! 123 ???").run()
    assert not app.exception
    assert "at least one word" in app.warning[0].value
    assert card_keys(app) == before
    assert app.session_state["profile"].interest_text == "gardening and houseplants"


def test_settings_survive_a_visit_to_another_page(app):
    app.text_area(key="rec_interest_text").input("board games").run()
    app.slider(key="rec_learning_rate").set_value(0.6).run()
    app.switch_page("pages/about.py").run()
    app.switch_page("pages/recommend.py").run()
    assert app.slider(key="rec_learning_rate").value == 0.6
    assert app.text_area(key="rec_interest_text").value == "board games"
    assert len(card_keys(app)) == 10


def test_reset_forgets_the_session(app):
    app.text_area(key="rec_interest_text").input("chess").run()
    app.slider(key="rec_k").set_value(7).run()
    reset = next(b for b in app.button if b.label == "Reset session")
    reset.click().run()
    assert not app.exception
    assert app.text_area(key="rec_interest_text").value == ""
    assert app.slider(key="rec_k").value == 10
    assert card_keys(app) == []
    assert not app.session_state["profile"].has_interests


def test_session_download_is_offered(app):
    button = app.get("download_button")[0]
    assert button.proto.label == "Download this session (JSON)"


def test_tfidf_mode_is_labelled_and_still_recommends(monkeypatch, make_app):
    monkeypatch.setenv("RECSYS_MODEL", "tfidf")
    at = make_app()
    assert "TF-IDF mode" in at.warning[0].value
    at.text_area(key="rec_interest_text").input("jazz piano and hiking boots").run()
    assert not at.exception
    assert len(card_keys(at)) == 10
    at.text_area(key="rec_interest_text").input("qwxz zzvv").run()
    assert "None of the words of your interests occur in this catalogue" in at.warning[1].value
    assert len(card_keys(at)) == 10  # the previous list stays


def test_a_corrupt_embeddings_manifest_is_rebuilt_not_trusted(monkeypatch, tmp_path, make_app):
    import recsys.embeddings
    from pages.shared.cache import _embedding_memo

    manifest = tmp_path / "embeddings.json"
    manifest.write_text("{ this is not json")
    monkeypatch.setattr(recsys.embeddings, "MANIFEST_PATH", manifest)
    monkeypatch.setenv("RECSYS_CACHE_DIR", str(tmp_path / "cache"))
    _embedding_memo().matrices.clear()  # forget the shipped matrix this process already holds
    try:
        at = make_app()
        caption = next(c.value for c in at.sidebar.caption if "embeddings:" in c.value)
        assert "embeddings: built (the embeddings manifest is unreadable" in caption
        at.text_area(key="rec_interest_text").input("board games for families").run()
        assert not at.exception and len(card_keys(at)) == 10
    finally:
        _embedding_memo().matrices.clear()


def test_a_long_session_lists_the_latest_ratings_with_undo_and_the_rest_in_a_table(app):
    app.text_area(key="rec_interest_text").input("mountain hiking").run()
    profile = app.session_state["profile"]
    catalogue, vectors = load_catalogue(), np.load(EMBEDDINGS_PATH)
    for position in range(25):
        profile.record_feedback(
            catalogue.item_ids[position],
            catalogue.items.title[position],
            vectors[position],
            position % 3 != 0,
            ProfileSettings(),
            datetime.now(UTC),
        )
    app.run()
    assert not app.exception
    assert any(h.value == "Rated (25)" for h in app.subheader)
    undo = [b.key for b in app.button if (b.key or "").startswith("rated_undo_")]
    assert undo == [f"rated_undo_{catalogue.item_ids[p]}" for p in range(24, 14, -1)]
    earlier = app.dataframe[0].value
    assert list(earlier["Step"]) == list(range(15, 0, -1))  # newest first
    assert list(earlier["Title"])[-1] == catalogue.items.title[0]
    assert list(earlier["Thumbs"])[-3:] == ["up", "up", "down"]
    assert "15 earlier ratings" in all_text(app)
    app.button(key=f"rated_undo_{catalogue.item_ids[24]}").click().run()
    assert any(h.value == "Rated (24)" for h in app.subheader)
    assert len(app.dataframe[0].value) == 14


def test_words_the_model_cannot_read_get_a_sentence_and_still_a_list(app):
    app.text_area(key="rec_interest_text").input("ジャズとハイキング").run()
    assert not app.exception
    notice = [i.value for i in app.info if i.value.startswith("Your text looks like Japanese")]
    assert len(notice) == 1
    assert float(re.search(r"the closest item has similarity (\d\.\d\d)", notice[0])[1]) < 0.25
    assert len(card_keys(app)) == 10
    app.text_area(key="rec_interest_text").input("jazz and hiking").run()
    assert not [i for i in app.info if i.value.startswith("Your text looks like")]

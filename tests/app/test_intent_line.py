"""AppTest: what the Recommend page understood the visitor to ask for, and changing it."""

import pytest

from recsys import load_catalogue
from tests.app.test_pages import all_text, card_keys

pytestmark = pytest.mark.slow


def _domains(keys):
    return [key.split("-")[0] for key in keys]


def _intent_line(at) -> str:
    shown = next(m.value for m in at.markdown if m.value.startswith(":material/manage_search:"))
    return shown.replace("\\", "")  # the page escapes Markdown


def _part(at, label: str):
    return next(
        b
        for b in at.button
        if (b.key or "").startswith("rec_intent_drop_") and label in b.label.replace("\\", "")
    )


def test_the_intent_line_says_in_plain_words_what_was_asked(app):
    app.text_area(key="rec_interest_text").input("science fiction films but no horror").run()
    assert not app.exception
    line = _intent_line(app)
    assert "Looking for: movies & videos" in line and "about: science fiction" in line
    assert "not: horror" in line
    assert "left out for what you said no to" in all_text(app)
    items = load_catalogue().items.set_index("item_id")
    shown = items.loc[card_keys(app)]
    assert not shown["category"].str.contains("Horror").any()  # the exclusion holds
    assert (shown["domain"] == "movies").sum() >= 5  # the kind is raised


def test_removing_a_part_re_ranks_without_it_and_it_can_be_put_back(app):
    app.text_area(key="rec_interest_text").input("cooking, but no courses").run()
    assert "courses" not in _domains(card_keys(app))
    _part(app, "not: online courses").click().run()
    assert not app.exception
    assert "not:" not in _intent_line(app)
    assert "courses" in _domains(card_keys(app))  # courses are back in the list
    next(b for b in app.button if b.key == "rec_intent_restore").click().run()
    assert "not: online courses" in _intent_line(app)
    assert "courses" not in _domains(card_keys(app))


def test_every_interest_of_several_keeps_a_place_under_the_multi_interest_preset(app):
    app.selectbox(key="rec_strategy").set_value("Adaptive (multi-interest)").run()
    app.text_area(key="rec_interest_text").input(
        "jazz, hiking in the mountains, Italian cooking"
    ).run()
    assert not app.exception
    text = all_text(app)
    for interest in ("jazz", "hiking in the mountains", "Italian cooking"):
        assert f"For your interest “{interest}”" in text


def test_picking_from_the_grid_seeds_the_interests(app):
    picks = [c for c in app.checkbox if c.key.startswith("rec_pick_")]
    assert len(picks) == 18  # three of each domain
    picks[0].check().run()
    next(b for b in app.button if b.key == "rec_use_picks").click().run()
    assert not app.exception
    assert app.text_area(key="rec_interest_text").value
    assert len(card_keys(app)) == 10

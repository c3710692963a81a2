"""AppTest: the strategy controls on the Recommend page (real model, shipped log)."""

import pytest

from recsys.strategy import PRESETS
from tests.app.test_pages import card_keys

pytestmark = pytest.mark.slow


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


@pytest.fixture
def typed(app):
    app.text_area(key="rec_interest_text").input("jazz records, hiking, science fiction").run()
    app.selectbox(key="rec_strategy").set_value("Adaptive (feedback)").run()  # as in the tests
    assert len(card_keys(app)) == 10
    return app


@pytest.mark.parametrize("preset", list(PRESETS))
def test_every_preset_renders_a_full_list(typed, preset):
    typed.selectbox(key="rec_strategy").set_value(preset).run()
    assert not typed.exception
    assert len(card_keys(typed)) == 10
    assert typed.toggle(key="rec_learns").value == PRESETS[preset].learns


CONTROLS = [
    ("slider", "rec_content_weight", 0.4),
    ("slider", "rec_cf_weight", 0.5),
    ("slider", "rec_popularity_weight", 0.3),
    ("slider", "rec_hook_weight", 0.2),
    ("radio", "rec_similarity", "euclidean"),
    ("selectbox", "rec_cf_method", "item-pearson"),
    ("selectbox", "rec_cf_method", "user"),
    ("radio", "rec_diversity", "dpp"),
    ("slider", "rec_diversity_lambda", 0.3),
    ("radio", "rec_exploration", "epsilon"),
    ("slider", "rec_epsilon", 0.3),
    ("radio", "rec_exploration", "thompson"),
    ("slider", "rec_thompson_scale", 0.2),
    ("slider", "rec_thompson_noise", 0.2),
    ("toggle", "rec_learns", False),
]


@pytest.mark.parametrize(("kind", "key", "value"), CONTROLS)
def test_each_control_re_renders_and_makes_the_strategy_custom(typed, kind, key, value):
    getattr(typed, kind)(key=key).set_value(value).run()
    assert not typed.exception
    # From Adaptive, Thompson exploration or not learning is another preset; else a custom mix.
    other_presets = {
        ("rec_exploration", "thompson"): "Adaptive + explore",
        ("rec_learns", False): "Static (interest text only)",
    }
    expected = other_presets.get((key, value), "Custom")
    assert typed.selectbox(key="rec_strategy").value == expected
    assert len(card_keys(typed)) == 10


def test_thompson_says_how_wide_its_draw_is(typed):
    typed.selectbox(key="rec_strategy").set_value("Adaptive + explore").run()
    sigma0 = PRESETS["Adaptive + explore"].thompson_scale
    (note,) = [c.value for c in typed.caption if "Thompson sampling ranks by" in c.value]
    assert f"σ0 = {sigma0:.3f}" in note and "rated nothing yet" in note
    typed.selectbox(key="rec_strategy").set_value("Adaptive (feedback)").run()
    assert not [c for c in typed.caption if "Thompson sampling ranks by" in c.value]


def test_hybrid_cards_show_their_score_parts_and_cf_cold_start(typed):
    typed.selectbox(key="rec_strategy").set_value("Hybrid (CF + content)").run()
    text = "\n".join(m.value for m in typed.markdown)
    assert ":blue-badge[Content" in text and ":orange-badge[Collaborative" in text
    assert ":gray-badge[Popularity" in text
    captions = "\n".join(c.value for c in typed.caption)
    assert "cold start" in captions


def test_the_click_maximisers_cards_show_the_predicted_click_chance(typed):
    typed.selectbox(key="rec_strategy").set_value("Click-maximiser").run()
    assert not typed.exception
    text = [m.value for m in typed.markdown]
    badges = [t for t in text if ":red-badge[Predicted click chance " in t]
    reasons = [t for t in text if "Predicted click chance" in t and "learned from logged" in t]
    assert len(badges) == 10 and len(reasons) == 10
    chances = [float(b.split("Predicted click chance ")[1].split("%")[0]) for b in badges]
    assert chances == sorted(chances, reverse=True) and 0 < chances[-1] <= chances[0] < 100
    captions = "\n".join(c.value for c in typed.caption)
    assert "Score = predicted click chance (learned from logged impressions" in captions


def test_lower_lambda_raises_the_lists_diversity(typed):
    plain = float(metric(typed, "Diversity"))
    typed.radio(key="rec_diversity").set_value("mmr").run()
    typed.slider(key="rec_diversity_lambda").set_value(0.2).run()
    assert float(metric(typed, "Diversity")) > plain


def test_the_strategy_survives_a_visit_to_another_page(typed):
    typed.selectbox(key="rec_strategy").set_value("Adaptive + diverse").run()
    typed.switch_page("pages/map.py").run()
    typed.switch_page("pages/recommend.py").run()
    assert typed.selectbox(key="rec_strategy").value == "Adaptive + diverse"
    assert typed.radio(key="rec_diversity").value == "mmr"

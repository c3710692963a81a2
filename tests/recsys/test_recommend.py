from datetime import UTC, datetime

import numpy as np

from recsys.context import ranking_context
from recsys.explain import split_phrases
from recsys.profile import ProfileSettings, UserProfile
from recsys.recommend import exclusion_mask, recommend
from recsys.strategy import PRESETS


def _setup(catalogue, encoder, text):
    vectors = encoder.encode(catalogue.embedding_texts())
    profile = UserProfile()
    phrases = split_phrases(text)
    embedded = encoder.encode([text, *phrases])
    profile.set_interests(text, embedded[0], phrases, embedded[1:])
    return ranking_context(catalogue, vectors), profile


def test_recommendations_are_ranked_scored_and_explained(tiny_catalogue, fake_encoder):
    vectors, profile = _setup(tiny_catalogue, fake_encoder, "jazz piano")
    recs = recommend(tiny_catalogue, vectors, profile, ProfileSettings(), k=3)
    assert [r.rank for r in recs] == [1, 2, 3]
    assert {recs[0].item_id, recs[1].item_id} == {"a1", "a2"}
    assert all(0 <= r.score <= 1 for r in recs)
    assert [r.similarity for r in recs] == sorted((r.similarity for r in recs), reverse=True)
    assert all(r.contributions["content"] == r.score for r in recs)  # content only
    assert not any(r.exploring for r in recs)
    assert recs[0].reason.startswith("For your interest “jazz piano”")  # multi-interest default


def test_rated_items_leave_the_list_and_likes_pull_similar_items_up(tiny_catalogue, fake_encoder):
    vectors, profile = _setup(tiny_catalogue, fake_encoder, "jazz piano")
    settings = ProfileSettings(learning_rate=0.8)
    before = recommend(tiny_catalogue, vectors, profile, settings, k=6)
    rank_before = {r.item_id: r.rank for r in before}
    position = tiny_catalogue.position("b1")
    profile.record_feedback(
        "b1", "Mountain Trails", vectors.item_vectors[position], True, settings, datetime.now(UTC)
    )
    after = recommend(tiny_catalogue, vectors, profile, settings, k=6)
    assert "b1" not in [r.item_id for r in after] and len(after) == 5
    rank_after = {r.item_id: r.rank for r in after}
    assert rank_after["b2"] < rank_before["b2"]  # "Trail Running" shares "mountain trails"
    assert any("which you liked" in r.reason for r in after)


def test_domain_filter_and_exclusion_mask(tiny_catalogue, fake_encoder):
    vectors, profile = _setup(tiny_catalogue, fake_encoder, "jazz piano")
    recs = recommend(tiny_catalogue, vectors, profile, ProfileSettings(), k=10, domains=["books"])
    assert {r.item_id for r in recs} == {"b1", "c1"}
    mask = exclusion_mask(tiny_catalogue, ["a1"], ["music"])
    assert mask.tolist() == [True, False, True, True, True, True]
    assert not exclusion_mask(tiny_catalogue, [], None).any()


def test_everything_rated_gives_an_empty_list(tiny_catalogue, fake_encoder):
    vectors, profile = _setup(tiny_catalogue, fake_encoder, "jazz")
    for item_id in tiny_catalogue.item_ids:
        position = tiny_catalogue.position(item_id)
        profile.record_feedback(
            item_id,
            item_id,
            vectors.item_vectors[position],
            False,
            ProfileSettings(),
            datetime.now(UTC),
        )
    assert recommend(tiny_catalogue, vectors, profile, ProfileSettings(), k=5).items == []
    assert np.isfinite(profile.interest_vector).all()


def test_every_preset_gives_a_full_list_without_a_log(tiny_catalogue, fake_encoder, rng):
    context, profile = _setup(tiny_catalogue, fake_encoder, "jazz piano")
    for strategy in PRESETS.values():
        recs = recommend(
            tiny_catalogue, context, profile, ProfileSettings(), 4, None, strategy, rng
        )
        assert len(recs) == 4 and len({r.item_id for r in recs}) == 4
        assert recs.domains >= 1 and recs.diversity is not None


def test_a_static_strategy_ignores_thumbs_but_drops_the_rated_item(tiny_catalogue, fake_encoder):
    context, profile = _setup(tiny_catalogue, fake_encoder, "jazz piano")
    static = PRESETS["Static (interest text only)"]
    before = [
        r.item_id
        for r in recommend(tiny_catalogue, context, profile, ProfileSettings(), 6, strategy=static)
    ]
    position = tiny_catalogue.position("b1")
    profile.record_feedback(
        "b1", "b1", context.item_vectors[position], True, ProfileSettings(0.9), datetime.now(UTC)
    )
    after = [
        r.item_id
        for r in recommend(tiny_catalogue, context, profile, ProfileSettings(), 6, strategy=static)
    ]
    assert after == [item for item in before if item != "b1"]

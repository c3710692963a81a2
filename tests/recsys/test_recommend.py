from datetime import UTC, datetime

import numpy as np

from recsys.explain import split_phrases
from recsys.profile import ProfileSettings, UserProfile
from recsys.recommend import exclusion_mask, recommend


def _setup(catalogue, encoder, text):
    vectors = encoder.encode(catalogue.embedding_texts())
    profile = UserProfile()
    phrases = split_phrases(text)
    embedded = encoder.encode([text, *phrases])
    profile.set_interests(text, embedded[0], phrases, embedded[1:])
    return vectors, profile


def test_recommendations_are_ranked_scored_and_explained(tiny_catalogue, fake_encoder):
    vectors, profile = _setup(tiny_catalogue, fake_encoder, "jazz piano")
    recs = recommend(tiny_catalogue, vectors, profile, ProfileSettings(), k=3)
    assert [r.rank for r in recs] == [1, 2, 3]
    assert {recs[0].item_id, recs[1].item_id} == {"a1", "a2"}
    assert all(0 <= r.score <= 1 for r in recs)
    assert [r.cosine for r in recs] == sorted((r.cosine for r in recs), reverse=True)
    assert recs[0].reason.startswith("Close to your interest “jazz piano”")


def test_rated_items_leave_the_list_and_likes_pull_similar_items_up(tiny_catalogue, fake_encoder):
    vectors, profile = _setup(tiny_catalogue, fake_encoder, "jazz piano")
    settings = ProfileSettings(learning_rate=0.8)
    before = recommend(tiny_catalogue, vectors, profile, settings, k=6)
    rank_before = {r.item_id: r.rank for r in before}
    position = tiny_catalogue.position("b1")
    profile.record_feedback(
        "b1", "Mountain Trails", vectors[position], True, settings, datetime.now(UTC)
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
            item_id, item_id, vectors[position], False, ProfileSettings(), datetime.now(UTC)
        )
    assert recommend(tiny_catalogue, vectors, profile, ProfileSettings(), k=5) == []
    assert np.isfinite(profile.interest_vector).all()

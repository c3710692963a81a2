import json
from datetime import UTC, datetime

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from recsys.interests import interest_text_problem
from recsys.profile import ProfileSettings, UserProfile
from recsys.update_rule import ranking_query, update_interest

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_thumbs_up_moves_a_share_of_the_way_then_renormalises():
    u = np.array([1.0, 0.0], dtype=np.float32)
    h = np.array([0.0, 1.0], dtype=np.float32)
    # By hand: u + 0.3 (h - u) = (0.7, 0.3); |.| = sqrt(0.49 + 0.09) = sqrt(0.58)
    expected = np.array([0.7, 0.3]) / np.sqrt(0.58)
    np.testing.assert_allclose(update_interest(u, h, True, 0.3, 0.2), expected, rtol=1e-6)


def test_thumbs_down_pushes_away_with_the_negative_weight():
    u = np.array([1.0, 0.0], dtype=np.float32)
    h = np.array([0.6, 0.8], dtype=np.float32)
    # By hand: u - 0.5 (h - u) = (1 - 0.5 * -0.4, -0.5 * 0.8) = (1.2, -0.4); |.| = sqrt(1.6)
    expected = np.array([1.2, -0.4]) / np.sqrt(1.6)
    np.testing.assert_allclose(update_interest(u, h, False, 0.3, 0.5), expected, rtol=1e-6)


def test_a_vanishing_step_keeps_the_vector():
    u = np.array([1.0, 0.0], dtype=np.float32)
    np.testing.assert_array_equal(update_interest(u, -u, True, 0.5, 0.2), u)


unit_vectors = (
    arrays(np.float32, 8, elements=st.floats(-1, 1, width=32))
    .filter(lambda v: np.linalg.norm(v) > 0.1)
    .map(lambda v: v / np.linalg.norm(v))
)


@given(unit_vectors, unit_vectors, st.booleans(), st.floats(0, 1), st.floats(0, 1))
def test_updated_interest_stays_unit_length(u, h, liked, a, b):
    assert np.linalg.norm(update_interest(u, h, liked, a, b)) == pytest.approx(1.0, abs=1e-5)


@given(unit_vectors, unit_vectors, st.floats(0.01, 1))
def test_liking_never_moves_away_from_the_item(u, h, a):
    assert update_interest(u, h, True, a, 0.2) @ h >= u @ h - 1e-5


def test_ranking_query_blends_the_anchor_by_hand():
    u = np.array([0.0, 1.0], dtype=np.float32)
    c = np.array([1.0, 0.0], dtype=np.float32)
    # (1 - 0.25) u + 0.25 c = (0.25, 0.75), normalised
    expected = np.array([0.25, 0.75]) / np.sqrt(0.625)
    np.testing.assert_allclose(ranking_query(u, c, 0.25), expected, rtol=1e-6)


def test_settings_reject_rates_outside_zero_one():
    with pytest.raises(ValueError, match="learning_rate"):
        ProfileSettings(learning_rate=1.5)


def _profile_with_interests(dim: int = 4) -> UserProfile:
    profile = UserProfile()
    anchor = np.eye(dim, dtype=np.float32)[0]
    profile.set_interests("jazz", anchor, ["jazz"], anchor[None, :])
    return profile


def test_feedback_updates_the_profile_at_once_and_logs_it():
    profile = _profile_with_interests()
    item = np.eye(4, dtype=np.float32)[1]
    profile.record_feedback("x1", "Item one", item, True, ProfileSettings(), NOW)
    expected = update_interest(np.eye(4, dtype=np.float32)[0], item, True, 0.3, 0.2)
    np.testing.assert_allclose(profile.interest_vector, expected)
    assert profile.rated == {"x1": True}
    assert profile.feedback_log[0].as_record() == {
        "step": 1,
        "item_id": "x1",
        "title": "Item one",
        "thumbs": "up",
        "learning_rate": 0.3,
        "negative_weight": 0.2,
        "timestamp": "2026-11-23T12:00:00+00:00",
    }


def test_undo_is_exactly_as_if_the_rating_never_happened():
    settings = ProfileSettings()
    items = np.eye(4, dtype=np.float32)
    undone, never = _profile_with_interests(), _profile_with_interests()
    undone.record_feedback("x1", "one", items[1], True, settings, NOW)
    undone.record_feedback("x2", "two", items[2], False, settings, NOW)
    undone.record_feedback("x3", "three", items[3], True, settings, NOW)
    undone.undo_feedback("x2")
    never.record_feedback("x1", "one", items[1], True, settings, NOW)
    never.record_feedback("x3", "three", items[3], True, settings, NOW)
    np.testing.assert_allclose(undone.interest_vector, never.interest_vector, rtol=1e-6)
    assert [e.step for e in undone.feedback_log] == [1, 2]
    assert list(undone.rated) == ["x1", "x3"]


def test_replay_uses_the_rates_each_event_was_given_with():
    items = np.eye(4, dtype=np.float32)
    profile = _profile_with_interests()
    profile.record_feedback("x1", "one", items[1], True, ProfileSettings(learning_rate=0.9), NOW)
    profile.record_feedback("x2", "two", items[2], True, ProfileSettings(learning_rate=0.1), NOW)
    before = profile.interest_vector.copy()
    profile.set_interests("jazz", items[0], ["jazz"], items[:1])  # same anchor: replay
    np.testing.assert_allclose(profile.interest_vector, before, rtol=1e-6)


def test_rating_an_item_again_replaces_the_first_rating():
    profile = _profile_with_interests()
    item = np.eye(4, dtype=np.float32)[1]
    profile.record_feedback("x1", "one", item, True, ProfileSettings(), NOW)
    profile.record_feedback("x1", "one", item, False, ProfileSettings(), NOW)
    assert profile.rated == {"x1": False}
    assert len(profile.feedback_log) == 1


def test_new_interest_text_keeps_the_feedback_and_replays_it():
    profile = _profile_with_interests()
    items = np.eye(4, dtype=np.float32)
    profile.record_feedback("x1", "one", items[1], True, ProfileSettings(), NOW)
    profile.set_interests("hiking", items[2], ["hiking"], items[2:3])
    expected = update_interest(items[2], items[1], True, 0.3, 0.2)
    np.testing.assert_allclose(profile.interest_vector, expected, rtol=1e-6)
    assert profile.rated == {"x1": True}


def test_feedback_before_interests_is_refused():
    with pytest.raises(ValueError, match="interests"):
        UserProfile().record_feedback("x", "x", np.ones(2), True, ProfileSettings(), NOW)


def test_session_record_is_json_with_log_and_histories():
    profile = _profile_with_interests()
    items = np.eye(4, dtype=np.float32)
    profile.record_feedback("x1", "one", items[1], True, ProfileSettings(), NOW)
    profile.record_feedback("x2", "two", items[2], False, ProfileSettings(), NOW)
    record = json.loads(json.dumps(profile.as_record(ProfileSettings())))
    assert record["interest_text"] == "jazz"
    assert [e["thumbs"] for e in record["feedback_log"]] == ["up", "down"]
    assert record["satisfaction_history"] == pytest.approx([0.65, 0.455])
    assert record["like_share_history"] == pytest.approx([1.0, 0.5])


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("", "Type a few words"),
        ("   \n ", "Type a few words"),
        ("12345 !!! ???", "at least one word"),
        ("x" * 2001, "2,001 characters"),
    ],
)
def test_unusable_interest_text_gets_a_sentence(text, fragment):
    assert fragment in interest_text_problem(text)


def test_ordinary_interest_text_is_fine():
    assert interest_text_problem("jazz, hiking; Italian cooking") is None


def test_moving_to_another_space_embeds_everything_again(fake_encoder):
    def other_space(texts):  # a different space: 16 dimensions, words only from a small list
        known = ["jazz", "piano", "mountain", "trails"]
        rows = [
            [float(word in text.lower().split()) for word in known] + [0.0] * 12 for text in texts
        ]
        vectors = np.array(rows, dtype=np.float32)
        norms = np.linalg.norm(vectors, axis=1, keepdims=True)
        return np.divide(vectors, norms, out=np.zeros_like(vectors), where=norms > 0)

    profile = UserProfile()
    embedded = fake_encoder.encode(["jazz piano", "jazz piano"])
    profile.set_interests("jazz piano", embedded[0], ["jazz piano"], embedded[1:], space="A")
    item = fake_encoder.encode(["mountain trails"])[0]
    profile.record_feedback(
        "b1", "Mountain Trails", item, True, ProfileSettings(), NOW, item_text="mountain trails"
    )

    assert profile.move_to_space("B", other_space)
    assert profile.space == "B" and profile.anchor.shape == (16,)
    anchor, liked = other_space(["jazz piano", "mountain trails"])
    np.testing.assert_allclose(profile.feedback_log[0].item_vector, liked)
    np.testing.assert_allclose(
        profile.interest_vector, update_interest(anchor, liked, True, 0.3, 0.2), rtol=1e-6
    )

    profile.interest_text = "opera"  # no word of it exists in space C: nothing changes
    assert not profile.move_to_space("C", other_space)
    assert profile.space == "B"


def test_feedback_from_another_space_needs_an_encoder():
    profile = _profile_with_interests()
    profile.record_feedback(
        "x1", "one", np.eye(4, dtype=np.float32)[1], True, ProfileSettings(), NOW
    )
    with pytest.raises(ValueError, match="another embedding space"):
        profile.set_interests(
            "jazz",
            np.eye(4, dtype=np.float32)[0],
            ["jazz"],
            np.eye(4, dtype=np.float32)[:1],
            space="elsewhere",
        )

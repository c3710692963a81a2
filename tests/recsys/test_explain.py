import numpy as np

from recsys.explain import MAX_PHRASES, explain, split_phrases


def test_split_phrases_at_commas_semicolons_lines_and_sentences():
    text = "jazz, hiking;  Italian cooking\nold maps. Chess"
    assert split_phrases(text) == ["jazz", "hiking", "Italian cooking", "old maps", "Chess"]


def test_split_phrases_deduplicates_and_caps():
    assert split_phrases("a, a, b") == ["a", "b"]
    assert len(split_phrases(", ".join(f"topic {i}" for i in range(30)))) == MAX_PHRASES
    assert split_phrases("") == []
    assert split_phrases("...") == ["..."]


def test_reason_names_the_closest_source():
    eye = np.eye(3, dtype=np.float32)
    items = np.array([[0.9, 0.1, 0.0], [0.0, 0.2, 0.95]], dtype=np.float32)
    reasons = explain(items, ["jazz"], eye[:1], ["Trail Guide"], eye[2:3])
    assert reasons[0] == "Close to your interest “jazz” (0.90)"
    assert reasons[1] == "Similar to “Trail Guide”, which you liked (0.95)"


def test_without_phrases_or_likes_there_is_still_a_line():
    items = np.eye(2, dtype=np.float32)
    assert explain(items, [], np.zeros((0, 2)), [], np.zeros((0, 2))) == [
        "Close to your profile",
        "Close to your profile",
    ]

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


def test_nothing_below_the_weak_match_is_called_close():
    items = np.array([[0.2, 0.98]], dtype=np.float32)  # cosine 0.20 with "jazz" = (1, 0)
    (reason,) = explain(items, ["jazz"], np.eye(2, dtype=np.float32)[:1], [], np.zeros((0, 2)))
    assert reason == "The nearest there is to “jazz” (0.20): nothing in the catalogue is close"


def test_the_reason_comes_from_the_component_that_put_the_item_there():
    from recsys.explain import reasons

    content = ["Close to your interest “jazz” (0.61)"] * 6
    # contributions in (content, cf, popularity, hook) order, by hand
    parts = np.array(
        [
            [0.6, 0.0, 0.0, 0.0],  # content
            [0.2, 0.5, 0.0, 0.0],  # cf, leaning on a liked item
            [0.2, 0.5, 0.0, 0.0],  # cf at cold start
            [0.1, 0.0, 0.9, 0.0],  # popularity
            [0.3, 0.0, 0.0, 0.5],  # hook
            [0.6, 0.0, 0.0, 0.0],  # content, but exploring
        ]
    )
    exploring = np.array([False] * 5 + [True])
    served = [("jazz", 0.61)] + [None] * 5
    because = [None, "Blue Train", None, None, None, None]
    lines = reasons(content, parts, exploring, False, served, because)
    assert lines == [
        "For your interest “jazz” (0.61)",
        "People who liked “Blue Train” also liked this",
        "Liked by people who liked the items nearest your words",
        "Popular: among the most liked items in the interaction log",
        "Ranked up for its click appeal (a catchy title or promise)",
        "Shown to learn more about your taste, not for its score",
    ]
    assert reasons(content[:1], parts[:1], exploring[:1], True, served[:1], because[:1]) == [
        "Random pick: the baseline, not chosen for you"
    ]


def test_under_the_click_model_the_reason_is_the_predicted_click_chance():
    from recsys.explain import reasons

    content = ["Close to your interest “jazz” (0.61)"] * 2
    parts = np.zeros((2, 4))  # the click model's score has no component parts
    exploring = np.array([False, True])
    lines = reasons(content, parts, exploring, False, [None, None], [None, None], [0.123, 0.05])
    assert lines[0].startswith("Predicted click chance 12.3%")
    assert lines[1] == "Shown to learn more about your taste, not for its score"

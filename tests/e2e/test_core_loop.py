"""The core loop in a real browser: type interests, rate, see the list re-rank."""

import pytest

from tests.e2e.visitors import (
    CARD,
    CHART_POINTS,
    card_ids,
    chart_points,
    download_session,
    rate,
    type_interests,
    wait_idle,
)


def satisfaction_by_hand(likes: list[bool]) -> list[float]:
    """S starts at 0.5 and becomes 0.7 S + 0.3 r after each thumb (r = 1 up, 0 down)."""
    history, s = [], 0.5
    for liked in likes:
        s = 0.7 * s + 0.3 * float(liked)
        history.append(s)
    return history


def wait_for_chart_points(page, n: int) -> None:
    page.wait_for_function(
        "([selector, n]) => document.querySelectorAll(selector).length === n",
        arg=[CHART_POINTS, n],
    )


def test_type_rate_five_and_watch_the_list_learn(page, artifacts):
    type_interests(page, "jazz records, hiking in the mountains, Italian cooking")
    before = card_ids(page)
    assert len(before) == 10
    assert page.get_by_text("Match", exact=False).count() >= 10

    thumbs = ["up", "down", "up", "up", "down"]
    lists, rated_ids = [before], []
    for n, direction in enumerate(thumbs):
        item = lists[-1][2 * (n % 2)]  # the top card, or the third
        rate(page, item, direction)
        rated_ids.append(item)
        lists.append(card_ids(page))
        assert len(lists[-1]) == 10 and item not in lists[-1]
        assert page.get_by_text(f"Rated ({n + 1})").is_visible()
        wait_for_chart_points(page, n + 1)

    after = lists[-1]
    assert not set(rated_ids) & set(after)
    survivors = [i for i in before if i not in rated_ids]
    assert after[: len(survivors)] != survivors, "the list only lost the rated items"
    rated = page.locator("[class*='st-key-rated_']:not([class*='st-key-rated_undo'])")
    assert rated.count() == 5
    assert chart_points(page) == 5
    assert "which you liked" in page.locator("[data-testid='stMain']").inner_text()
    page.mouse.move(0, 0)
    title = page.get_by_role("heading", name="Recommendations that learn from you")
    title.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "recommend.png"))

    record = download_session(page)
    assert record["interest_text"] == "jazz records, hiking in the mountains, Italian cooking"
    assert [e["item_id"] for e in record["feedback_log"]] == rated_ids
    assert [e["thumbs"] for e in record["feedback_log"]] == thumbs
    likes = [t == "up" for t in thumbs]
    assert record["satisfaction_history"] == pytest.approx(satisfaction_by_hand(likes))
    assert all(e["timestamp"] for e in record["feedback_log"])
    assert record["strategy"]["name"] == "Adaptive (multi-interest)"  # the visitor default

    last = rated_ids[-1]
    page.locator(f".st-key-rated_undo_{last} button").click()
    page.locator(f".st-key-rated_{last}").wait_for(state="detached")
    wait_idle(page)
    assert page.get_by_text("Rated (4)").is_visible()
    # undo replays the profile without the last thumb: the list is the one seen before it
    page.locator(f".st-key-rec_card_{last}").wait_for()
    assert card_ids(page) == lists[-2]
    wait_for_chart_points(page, 4)


def test_persona_pick_fills_interests(page):
    page.get_by_role("combobox", name="Persona").click()
    page.get_by_role("option", name="Marco, the home cook").click()
    page.locator(CARD).first.wait_for()
    wait_idle(page)
    box = page.get_by_role("textbox", name="Your interests")
    assert box.input_value() == "Italian cooking, good kitchen tools, food travel"
    assert page.get_by_text("Cooks for six every Sunday").is_visible()
    assert len(card_ids(page)) == 10

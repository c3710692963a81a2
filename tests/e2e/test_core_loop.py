"""The core loop in a real browser: type interests, rate, see the list re-rank."""

import json

import pytest

from tests.e2e.streamlit_page import CARD, card_ids, chart_points, rate, type_interests, wait_idle


def test_type_rate_and_watch_the_list_learn(page, artifacts):
    type_interests(page, "jazz records, hiking in the mountains, Italian cooking")
    before = card_ids(page)
    assert len(before) == 10
    assert page.get_by_text("Score", exact=False).count() >= 10

    liked = before[0]
    rate(page, liked, "up")
    after_like = card_ids(page)
    disliked = after_like[2]
    rate(page, disliked, "down")
    after = card_ids(page)

    assert liked not in after and disliked not in after
    assert len(after) == 10
    survivors = [i for i in before if i not in (liked, disliked)]
    assert after[:8] != survivors, "the list only lost the rated items; it did not re-rank"
    rated = page.locator("[class*='st-key-rated_']:not([class*='st-key-rated_undo'])")
    assert rated.count() == 2
    assert page.get_by_text("Rated (2)").is_visible()
    page.wait_for_function(
        "() => document.querySelectorAll('.stPlotlyChart .scatterlayer .trace:first-child"
        " .points path').length === 2"
    )
    assert chart_points(page) == 2
    assert "which you liked" in page.locator("[data-testid='stMain']").inner_text()
    page.mouse.move(0, 0)
    title = page.get_by_role("heading", name="Recommendations that learn from you")
    title.scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "recommend.png"))

    with page.expect_download() as download_info:
        page.get_by_role("button", name="Download this session (JSON)").click()
    record = json.loads(download_info.value.path().read_text(encoding="utf-8"))
    assert record["interest_text"] == "jazz records, hiking in the mountains, Italian cooking"
    assert [e["item_id"] for e in record["feedback_log"]] == [liked, disliked]
    assert [e["thumbs"] for e in record["feedback_log"]] == ["up", "down"]
    assert record["satisfaction_history"] == pytest.approx([0.65, 0.455])
    assert all(e["timestamp"] for e in record["feedback_log"])
    assert record["strategy"]["name"] == "Adaptive (feedback)"

    page.locator(f".st-key-rated_undo_{disliked} button").click()
    page.locator(f".st-key-rated_{disliked}").wait_for(state="detached")
    wait_idle(page)
    assert page.get_by_text("Rated (1)").is_visible()
    # undo replays the profile without the dislike: the list is the one seen before it
    page.locator(f".st-key-rec_card_{disliked}").wait_for()
    assert card_ids(page) == after_like
    page.wait_for_function(
        "() => document.querySelectorAll('.stPlotlyChart .scatterlayer .trace:first-child"
        " .points path').length === 1"
    )


def test_persona_pick_fills_interests(page):
    page.get_by_role("combobox", name="Persona").click()
    page.get_by_role("option", name="Marco, the home cook").click()
    page.locator(CARD).first.wait_for()
    wait_idle(page)
    box = page.get_by_role("textbox", name="Your interests")
    assert box.input_value() == "Italian cooking, good kitchen tools, food travel"
    assert page.get_by_text("Cooks for six every Sunday").is_visible()
    assert len(card_ids(page)) == 10

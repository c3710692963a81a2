"""The embedding map in a real browser, after a few thumbs on the Recommend page."""

from tests.e2e.visitors import MAP_CHART, card_ids, rate, type_interests, wait_idle


def test_map_shows_the_path_and_the_liked_items(page, artifacts):
    type_interests(page, "astronomy, telescopes and the night sky")
    for step in range(3):
        rate(page, card_ids(page)[0], "up" if step != 1 else "down")
    page.get_by_role("link", name="Embedding map").click()
    # The map by its key: until the Recommend page's elements are cleared, ".stPlotlyChart"
    # can still find its satisfaction chart.
    chart = page.locator(MAP_CHART)
    chart.locator(".scatterlayer .trace").first.wait_for()
    wait_idle(page)
    legend = chart.locator(".legend").text_content()  # SVG: text, not layout
    for name in ("Your interest vector", "Liked", "Disliked", "Recommended now", "Books"):
        assert name in legend
    path_labels = chart.locator(".scatterlayer .trace .textpoint").all_text_contents()
    assert path_labels == ["start", "1", "2", "3"]
    assert page.get_by_text("PC1 explains").is_visible()
    assert page.get_by_role("heading", name="How alike are your recommendations?").is_visible()
    page.screenshot(path=str(artifacts / "map.png"))

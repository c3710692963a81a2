"""Reading and driving the app's pages in a real browser, the way a visitor does."""

from recsys.benchmark.visitors import (
    CARD,
    MAP_CHART,
    card_ids,
    thumbs_button,
    type_interests,
    wait_idle,
)

__all__ = ["CARD", "MAP_CHART", "card_ids", "chart_points", "rate", "type_interests", "wait_idle"]


def chart_points(page) -> int:
    return page.locator(".stPlotlyChart .scatterlayer .trace:first-child .points path").count()


def rate(page, item_id: str, thumbs: str) -> None:
    page.locator(thumbs_button(item_id, liked=thumbs == "up")).click()
    page.locator(f".st-key-rated_{item_id}").wait_for()
    page.locator(f".st-key-rec_card_{item_id}").wait_for(state="detached")
    wait_idle(page)

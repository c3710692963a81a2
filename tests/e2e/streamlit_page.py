"""Reading and driving the app's pages in a real browser, the way a visitor does."""

from tests.e2e.visitors import (
    CARD,
    EXCEPTION,
    MAP_CHART,
    card_ids,
    download_session,
    thumbs_button,
    type_interests,
    wait_idle,
)

__all__ = [
    "CARD",
    "CHART_POINTS",
    "EXCEPTION",
    "MAP_CHART",
    "card_ids",
    "chart_points",
    "download_session",
    "rate",
    "type_interests",
    "wait_idle",
]


# the dots of the first trace of the satisfaction chart, one per thumb
CHART_POINTS = ".stPlotlyChart .scatterlayer .trace:first-child .points path"


def chart_points(page) -> int:
    return page.locator(CHART_POINTS).count()


def rate(page, item_id: str, thumbs: str) -> None:
    page.locator(thumbs_button(item_id, liked=thumbs == "up")).click()
    page.locator(f".st-key-rated_{item_id}").wait_for()
    page.locator(f".st-key-rec_card_{item_id}").wait_for(state="detached")
    wait_idle(page)

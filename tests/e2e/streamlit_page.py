"""Reading and driving the app's pages in a real browser, the way a visitor does."""

CARD = "[class*='st-key-rec_card_']"


def card_ids(page) -> list[str]:
    return page.eval_on_selector_all(
        CARD,
        "cards => cards.map(c => [...c.classList].find(k => k.startsWith('st-key-rec_card_'))"
        ".slice('st-key-rec_card_'.length))",
    )


def wait_idle(page) -> None:
    """Wait until Streamlit has finished the rerun the last action started."""
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for()


def chart_points(page) -> int:
    return page.locator(".stPlotlyChart .scatterlayer .trace:first-child .points path").count()


def rate(page, item_id: str, thumbs: str) -> None:
    page.locator(f".st-key-rec_fb_{item_id} button[aria-label='Thumbs {thumbs}']").click()
    page.locator(f".st-key-rated_{item_id}").wait_for()
    page.locator(f".st-key-rec_card_{item_id}").wait_for(state="detached")
    wait_idle(page)


def type_interests(page, text: str) -> None:
    box = page.get_by_role("textbox", name="Your interests")
    box.fill(text)
    box.press("Control+Enter")
    page.locator(CARD).first.wait_for()
    wait_idle(page)

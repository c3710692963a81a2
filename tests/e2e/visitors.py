"""A visitor in a real browser, the way the benchmark and the browser tests drive one.

The page is read the way Streamlit 1.67 draws it: each recommendation card is a container
with the class ``st-key-rec_card_<item id>`` and its thumbs are ``st-key-rec_fb_<item id>``;
the app is idle when ``stApp`` says ``data-test-script-state="notRunning"``.

A click's latency is measured inside the page: from the click event to the animation frame in
which the rated card has gone and a full list is back (what the visitor sees), free of the
test driver's own overhead.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.serve import resident_memory_mb

CARD = "[class*='st-key-rec_card_']"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
EXCEPTION = "[data-testid='stException']"
MAP_CHART = ".st-key-map_chart"  # the Embedding map page's scatter plot
# the dots of the first trace of the satisfaction chart, one per thumb
CHART_POINTS = ".stPlotlyChart .scatterlayer .trace:first-child .points path"
VIEWPORT = {"width": 1400, "height": 1000}  # a laptop screen: the wide layout, two columns
CLICK_CLOCK = (
    "() => { if (window.__clockOn) return; window.__clockOn = true;"
    " document.addEventListener('click', () => { window.__clickAt = performance.now(); },"
    " true); }"
)
CARD_IDS = (
    "cards => cards.map(c => [...c.classList].find(k => k.startsWith('st-key-rec_card_'))"
    ".slice('st-key-rec_card_'.length))"
)
# Armed before a click: window.__settled becomes a promise of the milliseconds from the click
# to the first frame in which the page shows the outcome. A MutationObserver checks at each
# change of the page, so waiting costs nothing between changes (ten pages polling every frame
# would slow the very thing measured).
ARM = """([kind, arg]) => {
  const shown = {
    reranked: ([id, want]) => !document.querySelector('.st-key-rec_card_' + id)
      && document.querySelectorAll("[class*='st-key-rec_card_']").length >= want,
    counter: n => [...document.querySelectorAll('[data-testid=stMarkdownContainer]')]
      .some(e => e.innerText.trim() === 'Rated ' + n),
  }[kind];
  window.__settled = new Promise(resolve => {
    const observer = new MutationObserver(() => {
      if (!shown(arg)) return;
      observer.disconnect();
      requestAnimationFrame(() => resolve(performance.now() - window.__clickAt));
    });
    observer.observe(document.body, {childList: true, subtree: true, characterData: true});
  });
}"""
SETTLED = "() => window.__settled"
THUMBS = {True: "Thumbs up", False: "Thumbs down"}


def thumbs_button(item_id: str, liked: bool) -> str:
    return f".st-key-rec_fb_{item_id} button[aria-label='{THUMBS[liked]}']"


def wait_idle(page) -> None:
    """Wait until Streamlit has finished the rerun the last action started."""
    page.locator(IDLE).wait_for()


def card_ids(page) -> list[str]:
    """The item ids of the recommendation cards, top first."""
    return page.eval_on_selector_all(CARD, CARD_IDS)


def chart_points(page) -> int:
    """How many dots the satisfaction chart shows (one per thumb)."""
    return page.locator(CHART_POINTS).count()


def type_interests(page, text: str) -> None:
    box = page.get_by_role("textbox", name="Your interests")
    box.fill(text)
    box.press("Control+Enter")
    page.locator(CARD).first.wait_for()
    wait_idle(page)


def rate(page, item_id: str, thumbs: str) -> None:
    """Thumbs ``"up"`` or ``"down"`` on the card of ``item_id``, waiting until it has left the
    list and the rerun is over."""
    page.locator(thumbs_button(item_id, liked=thumbs == "up")).click()
    page.locator(f".st-key-rated_{item_id}").wait_for()
    page.locator(f".st-key-rec_card_{item_id}").wait_for(state="detached")
    wait_idle(page)


def rate_top_item(page, liked: bool, list_length: int = 10) -> tuple[str, float]:
    """Thumbs on the first card; returns its id and the click-to-re-ranked-list time (ms)."""
    page.evaluate(CLICK_CLOCK)
    wait_idle(page)
    item_id = card_ids(page)[0]
    page.evaluate(ARM, ["reranked", [item_id, list_length]])
    page.locator(thumbs_button(item_id, liked)).click()
    return item_id, float(page.evaluate(SETTLED))


def trivial_round_trips(page, clicks: int) -> list[float]:
    """Click-to-update times (ms) on ``TRIVIAL_PAGE``: a thumb, then its counter moves."""
    page.evaluate(CLICK_CLOCK)
    samples = []
    for n in range(clicks):
        wait_idle(page)
        page.evaluate(ARM, ["counter", n + 1])
        page.locator(f".st-key-fb_{n} button[aria-label='Thumbs up']").click()
        samples.append(float(page.evaluate(SETTLED)))
    return samples


def open_app(browser, url: str, timeout_ms: int = 60_000):
    """A new visitor: a browser context of its own (so a Streamlit session of its own) on the
    app at ``url``, returned once the interests box is there. Close it with
    ``page.context.close()``."""
    context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    page.goto(url)
    page.get_by_role("textbox", name="Your interests").wait_for()
    return page


def logged_clicks(session: dict) -> list[tuple[str, bool]]:
    """The downloaded session's feedback log as (item id, liked) pairs, in click order."""
    return [(e["item_id"], e["thumbs"] == "up") for e in session.get("feedback_log", [])]


def download_session(page) -> dict:
    """The session record the Recommend page offers for download."""
    with page.expect_download() as download:
        page.get_by_role("button", name="Download this session (JSON)").click()
    return json.loads(Path(download.value.path()).read_text(encoding="utf-8"))


@dataclass(frozen=True)
class SoakReport:
    """``clicks`` thumbs in one session: what was clicked, and the server's memory (MB, RSS)
    after each click. Memory has settled after ``settle_after`` clicks (caches filled)."""

    clicked: list[tuple[str, bool]]
    latencies_ms: list[float]
    memory_mb: list[float]
    settle_after: int
    session: dict

    @property
    def settled_mb(self) -> float:
        return self.memory_mb[self.settle_after - 1]

    @property
    def peak_after_settling_mb(self) -> float:
        return max(self.memory_mb[self.settle_after - 1 :])

    @property
    def growth(self) -> float:
        """Peak after settling over settled, minus one (0.05 is 5% above)."""
        return self.peak_after_settling_mb / self.settled_mb - 1

    def problems(self) -> list[str]:
        """Sentences for everything the soak found wrong (empty when all is well)."""
        found = []
        log = self.session.get("feedback_log", [])
        if len(log) != len(self.clicked):
            found.append(f"the feedback log has {len(log)} entries for {len(self.clicked)} clicks")
        if logged_clicks(self.session) != self.clicked:
            found.append("the feedback log differs from the clicks made")
        if len(self.session.get("satisfaction_history", [])) != len(self.clicked):
            found.append("the satisfaction history lost points")
        if self.growth > 0.10:
            found.append(
                f"memory grew {self.growth:.1%} after settling "
                f"({self.settled_mb:.0f} -> {self.peak_after_settling_mb:.0f} MB)"
            )
        return found


def soak(page, server_pid: int, clicks: int = 300, settle_after: int = 50) -> SoakReport:
    """``clicks`` thumbs (up, down, up, ...) on the top card of an open Recommend page with
    interests typed, sampling the server's memory after each; then the session download."""
    clicked, latencies, memory = [], [], []
    for n in range(clicks):
        liked = n % 2 == 0
        item_id, elapsed = rate_top_item(page, liked)
        clicked.append((item_id, liked))
        latencies.append(elapsed)
        memory.append(resident_memory_mb(server_pid))
    wait_idle(page)
    return SoakReport(clicked, latencies, memory, settle_after, download_session(page))

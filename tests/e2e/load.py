"""Many visitors at once: concurrent browser sessions doing the core loop against one server.

Each visitor is a separate browser context (its own cookies, its own Streamlit session) in one
headless chromium, driven through playwright's async API so all of them click at the same
time. Some visitors first upload a catalogue of their own, with item ids nobody else has.

The run has three phases, so the clicking overlaps for the whole measured window: every
visitor opens the app (and uploads) and types their interests; then all of them rate the top
card, up and down in turn, until ``seconds`` have passed; then each downloads its session.
``LoadReport.problems`` says in sentences what went wrong, isolation included: a visitor's
interests, feedback log and cards must be their own.
"""

from __future__ import annotations

import asyncio
import json
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from recsys.benchmark.compute import median_p95
from tests.e2e.serve import (
    CHROMIUM_FLAGS,
    CHROMIUM_PATH,
    cpu_seconds,
    resident_memory_mb,
)
from tests.e2e.visitors import (
    ARM,
    CARD,
    CARD_IDS,
    CLICK_CLOCK,
    EXCEPTION,
    IDLE,
    SETTLED,
    VIEWPORT,
    logged_clicks,
    thumbs_button,
)

INTERESTS = (
    "jazz records, hiking in the mountains, Italian cooking",
    "machine learning, statistics, Python programming",
    "sleep science, running, healthy breakfasts",
    "space exploration, telescopes, science fiction novels",
    "woodworking, home repair, garden design",
    "chess openings, board games, puzzles",
    "film noir, detective stories, old cameras",
    "baking bread, coffee roasting, food travel",
    "climate policy, cycling in cities, urban planning",
    "classical piano, opera, music history",
)
UPLOADERS = (2, 6)  # visitors who bring a catalogue of their own
UPLOAD_ROWS = 150


@dataclass
class VisitorRun:
    """What one visitor did and saw."""

    number: int
    interests: str
    own_ids: frozenset[str] = frozenset()  # item ids of their upload (empty: shipped catalogue)
    clicked: list[tuple[str, bool]] = field(default_factory=list)
    latencies_ms: list[float] = field(default_factory=list)
    seen_ids: set[str] = field(default_factory=set)
    session: dict = field(default_factory=dict)
    interest_box: str = ""
    errors: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class LoadReport:
    """``server_cpu_seconds`` is the CPU time the server used while the visitors clicked: with
    the browsers on the same machine, it tells the server's share of the latency."""

    visitors: list[VisitorRun]
    clicking_seconds: float
    server_cpu_seconds: float
    memory_mb: float
    server_log: str

    @property
    def latencies_ms(self) -> list[float]:
        return [ms for visitor in self.visitors for ms in visitor.latencies_ms]

    def problems(self) -> list[str]:
        """Sentences for errors and for anything one visitor saw of another (empty: none)."""
        found = []
        uploaded = {i for v in self.visitors for i in v.own_ids}
        for v in self.visitors:
            who = f"visitor {v.number}"
            found += [f"{who}: {error}" for error in v.errors]
            if not v.clicked:
                found.append(f"{who} made no clicks")
            if v.interest_box != v.interests or v.session.get("interest_text") != v.interests:
                found.append(f"{who}'s interests became {v.session.get('interest_text')!r}")
            if logged_clicks(v.session) != v.clicked:
                found.append(f"{who}'s feedback log differs from their {len(v.clicked)} clicks")
            if v.own_ids and not v.seen_ids <= v.own_ids:
                found.append(f"{who} saw items outside their own upload")
            if not v.own_ids and v.seen_ids & uploaded:
                found.append(f"{who} saw items of another visitor's upload")
        for line in self.server_log.splitlines():
            if "Traceback" in line or line.startswith(("ERROR", "CRITICAL")):
                found.append(f"server log: {line.strip()}")
        return found

    def summary(self) -> str:
        median, p95 = median_p95(self.latencies_ms)
        return (
            f"{len(self.visitors)} sessions, {self.clicking_seconds:.0f} s of clicking, "
            f"{len(self.latencies_ms)} clicks: median {median:.0f} ms, p95 {p95:.0f} ms; "
            f"server CPU {self.server_cpu_seconds / self.clicking_seconds:.0%} of one core, "
            f"{1000 * self.server_cpu_seconds / len(self.latencies_ms):.0f} ms a click; "
            f"server memory {self.memory_mb:.0f} MB"
        )


def upload_csv(number: int, rows: int = UPLOAD_ROWS) -> tuple[bytes, frozenset[str]]:
    """A visitor's own catalogue: shipped texts under ids only this visitor uses."""
    from recsys.catalog import load_catalogue

    items = load_catalogue().items
    picks = np.random.default_rng(number).choice(len(items), size=rows, replace=False)
    frame = items.iloc[picks][["title", "description", "domain", "category"]].copy()
    ids = [f"visitor{number}-{n:03d}" for n in range(rows)]
    frame.insert(0, "item_id", ids)
    return frame.to_csv(index=False).encode(), frozenset(ids)


async def _idle(page) -> None:
    await page.locator(IDLE).wait_for()


async def _upload(page, number: int, run: VisitorRun) -> None:
    data, run.own_ids = upload_csv(number)
    await page.get_by_role("link", name="Catalogue").click()
    await page.get_by_role("heading", name="Bring your own catalogue").wait_for()
    await page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(
        {"name": f"visitor{number}.csv", "mimeType": "text/csv", "buffer": data}
    )
    await page.get_by_text(f"{len(run.own_ids)} items are ready").wait_for()
    await page.get_by_role("button", name="Embed and use this catalogue").click()
    await page.get_by_text(f"Embedded {len(run.own_ids)} items").wait_for()
    await _idle(page)
    await page.get_by_role("link", name="Recommend").click()


async def _start(browser, url: str, run: VisitorRun):
    context = await browser.new_context(viewport=VIEWPORT)
    page = await context.new_page()
    page.set_default_timeout(120_000)
    page.on("pageerror", lambda error: run.errors.append(f"page error: {error}"))
    await page.goto(url)
    box = page.get_by_role("textbox", name="Your interests")
    await box.wait_for()
    if run.number in UPLOADERS:
        await _upload(page, run.number, run)
        await box.wait_for()
    await box.fill(run.interests)
    await box.press("Control+Enter")
    await page.locator(CARD).first.wait_for()
    await _idle(page)
    await page.evaluate(CLICK_CLOCK)
    return context, page


async def _click_until(page, run: VisitorRun, deadline: float) -> None:
    while time.monotonic() < deadline:
        await _idle(page)
        shown = await page.eval_on_selector_all(CARD, CARD_IDS)
        run.seen_ids.update(shown)
        liked = len(run.clicked) % 2 == 0
        await page.evaluate(ARM, ["reranked", [shown[0], min(10, len(shown))]])
        await page.locator(thumbs_button(shown[0], liked)).click()
        run.clicked.append((shown[0], liked))
        run.latencies_ms.append(float(await page.evaluate(SETTLED)))


async def _finish(page, run: VisitorRun) -> None:
    await _idle(page)
    run.seen_ids.update(await page.eval_on_selector_all(CARD, CARD_IDS))
    run.interest_box = await page.get_by_role("textbox", name="Your interests").input_value()
    if count := await page.locator(EXCEPTION).count():
        run.errors.append(f"{count} exception box(es) on the page")
    async with page.expect_download() as download:
        await page.get_by_role("button", name="Download this session (JSON)").click()
    path = await (await download.value).path()
    run.session = json.loads(Path(path).read_text(encoding="utf-8"))


async def _gather(runs: list[VisitorRun], coroutines) -> None:
    for run, outcome in zip(
        runs, await asyncio.gather(*coroutines, return_exceptions=True), strict=True
    ):
        if isinstance(outcome, BaseException):
            run.errors.append(f"{type(outcome).__name__}: {str(outcome).splitlines()[0]}")


async def _load(
    url: str, pid: int, sessions: int, seconds: float
) -> tuple[list[VisitorRun], float, float]:
    from playwright.async_api import async_playwright

    runs = [VisitorRun(n, INTERESTS[n % len(INTERESTS)]) for n in range(sessions)]
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            opened = await asyncio.gather(*(_start(browser, url, run) for run in runs))
            pages = [page for _, page in opened]
            started, cpu = time.monotonic(), cpu_seconds(pid)
            await _gather(
                runs,
                (_click_until(p, r, started + seconds) for p, r in zip(pages, runs, strict=True)),
            )
            clicking, cpu = time.monotonic() - started, cpu_seconds(pid) - cpu
            await _gather(runs, (_finish(p, r) for p, r in zip(pages, runs, strict=True)))
        finally:
            await browser.close()
    return runs, clicking, cpu


def run_load(app, sessions: int = 10, seconds: float = 120.0) -> LoadReport:
    """``sessions`` visitors doing the core loop for ``seconds`` against ``app`` (a
    ``ServedApp``); the report holds what each did and saw."""
    # A thread of its own: the caller may already run an event loop (playwright's sync API).
    with ThreadPoolExecutor(max_workers=1) as worker:
        load = _load(app.url, app.pid, sessions, seconds)
        runs, clicking, cpu = worker.submit(asyncio.run, load).result()
    return LoadReport(runs, clicking, cpu, resident_memory_mb(app.pid), app.log())

"""The browser half of ``python -m recsys.benchmark``, which imports this module only when
the browser figures are asked for (so ``--no-browser`` needs neither playwright nor tests/).

``bench_browser``: in headless Debian chromium, the cold start, the thumbs round trip against
a trivial Streamlit page's, the server's memory after start, after a long session and after a
default lab run, and the map page. ``bench_load``: many visitors at once (``--load``). Each
prints its lines of the README's table; run from the repository root.
"""

from __future__ import annotations

import time

from recsys.benchmark.compute import median_p95, summary
from tests.e2e.load import run_load
from tests.e2e.serve import (
    ServedApp,
    chromium_browser,
    resident_memory_mb,
    served_app,
    served_trivial_page,
)
from tests.e2e.visitors import (
    CARD,
    MAP_CHART,
    VIEWPORT,
    rate_top_item,
    soak,
    trivial_round_trips,
    type_interests,
    wait_idle,
)


def bench_browser(clicks: int, soak_clicks: int) -> None:
    """Cold start, click round trips (ours and a trivial page's), memory, the map page."""
    with chromium_browser() as browser:
        baseline = trivial_page_round_trips(browser, clicks)
        with served_app() as app:
            page = cold_start(browser, app)
            click_round_trips(page, app, clicks, baseline)
            memory_soak(page, app, clicks, soak_clicks)
            map_page_visits(page, soak_clicks)
            lab_run_memory(page, app)


def trivial_page_round_trips(browser, clicks: int) -> list[float]:
    """The yardstick: ``clicks`` round trips (ms) on ``TRIVIAL_PAGE``, served like the app."""
    with served_trivial_page() as trivial:
        page = browser.new_page()
        page.goto(trivial.url)
        page.locator(".st-key-fb_0").wait_for(timeout=120_000)
        baseline = trivial_round_trips(page, clicks)
        page.close()
    return baseline


def cold_start(browser, app: ServedApp):
    """A first visitor types interests: prints the time to the first list (server start
    included) and the server's memory; returns the page, showing the list."""
    page = browser.new_page(viewport=VIEWPORT, accept_downloads=True)
    started = time.perf_counter()
    page.goto(app.url)
    page.get_by_role("textbox", name="Your interests").wait_for(timeout=120_000)
    type_interests(page, "jazz, hiking, Italian cooking")
    cold = app.started_in + (time.perf_counter() - started)
    up = app.started_in
    print(f"cold start to first list          {cold:7.2f} s (server up {up:.2f} s)")
    print(f"server memory after start         {resident_memory_mb(app.pid):7.0f} MB")
    return page


def click_round_trips(page, app: ServedApp, clicks: int, baseline: list[float]) -> None:
    """``clicks`` thumbs on the top card, timed, next to the trivial page's ``baseline``."""
    ours = [rate_top_item(page, n % 2 == 0)[1] for n in range(clicks)]
    print(f"thumbs click to re-ranked list    {summary(ours)}")
    print(f"same round trip, trivial page     {summary(baseline)}")
    ratio = median_p95(ours)[0] / median_p95(baseline)[0]
    print(f"our overhead (median ratio)       {ratio:7.1f} x")


def memory_soak(page, app: ServedApp, clicks: int, soak_clicks: int) -> None:
    """Thumbs until the session has ``soak_clicks``: the server's memory, and the last
    ``clicks`` round trips."""
    report = soak(page, app.pid, soak_clicks - clicks, settle_after=20)
    print(
        f"server memory after {soak_clicks} clicks     {report.memory_mb[-1]:7.0f} MB "
        f"(settled {report.settled_mb:.0f}, peak {report.peak_after_settling_mb:.0f}, "
        f"{report.growth:+.1%})"
    )
    late = summary(report.latencies_ms[-clicks:])
    print(f"click round trip, last {clicks} of {soak_clicks}   {late}")


def map_page_visits(page, soak_clicks: int) -> None:
    """From Recommend to the Embedding map and back, seven times; the first visit fits the
    projection, the six timed ones use the cache."""
    map_samples = []
    for visit in range(7):
        page.get_by_role("link", name="Recommend").click()
        page.locator(CARD).first.wait_for()
        wait_idle(page)
        started = time.perf_counter()
        page.get_by_role("link", name="Embedding map").click()
        page.locator(f"{MAP_CHART} .scatterlayer .trace").first.wait_for()
        wait_idle(page)
        if visit:
            map_samples.append((time.perf_counter() - started) * 1000)
    print(f"embedding map page after {soak_clicks} thumbs {summary(map_samples)}")
    assert page.locator(CARD).count() == 0  # on the map page now


def lab_run_memory(page, app: ServedApp) -> None:
    """A default Simulation lab run, then the server's memory."""
    page.get_by_role("link", name="Simulation lab").click()
    page.get_by_role("button", name="Run simulation").click()
    page.get_by_role("heading", name="What the numbers say").wait_for(timeout=300_000)
    wait_idle(page)
    print(f"server memory after a default lab run {resident_memory_mb(app.pid):5.0f} MB")


def bench_load(sessions: int, seconds: float) -> None:
    """``sessions`` visitors clicking at once for ``seconds``, and any problem they met."""
    with served_app() as app:
        report = run_load(app, sessions, seconds)
    print(f"load: {report.summary()}")
    for problem in report.problems():
        print(f"  problem: {problem}")

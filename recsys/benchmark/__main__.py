"""``python -m recsys.benchmark``: print this machine's figures for the README's table.

Without options it measures everything the README reports except the two long runs:
compute figures, then in a real browser (Debian chromium) the cold start, the thumbs round
trip against a trivial Streamlit page's, the server's memory after start and after a
300-click session, and the map page. ``--load`` adds ten concurrent visitors for two minutes,
``--upload`` a 5,000-row upload; ``--no-browser`` keeps to the compute figures.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

import numpy as np

from recsys.benchmark.compute import (
    bench_model,
    bench_ranking,
    bench_recommend,
    bench_simulation,
    bench_upload,
    median_p95,
    summary,
)


def bench_browser(clicks: int, soak_clicks: int) -> None:
    """Cold start, click round trips (ours and a trivial page's), memory, the map page."""
    from tests.e2e.serve import (
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

    with chromium_browser() as browser:
        with served_trivial_page() as trivial:
            page = browser.new_page()
            page.goto(trivial.url)
            page.locator(".st-key-fb_0").wait_for(timeout=120_000)
            baseline = trivial_round_trips(page, clicks)
            page.close()
        with served_app() as app:
            page = browser.new_page(viewport=VIEWPORT, accept_downloads=True)
            started = time.perf_counter()
            page.goto(app.url)
            page.get_by_role("textbox", name="Your interests").wait_for(timeout=120_000)
            type_interests(page, "jazz, hiking, Italian cooking")
            cold = app.started_in + (time.perf_counter() - started)
            up = app.started_in
            print(f"cold start to first list          {cold:7.2f} s (server up {up:.2f} s)")
            print(f"server memory after start         {resident_memory_mb(app.pid):7.0f} MB")
            ours = [rate_top_item(page, n % 2 == 0)[1] for n in range(clicks)]
            print(f"thumbs click to re-ranked list    {summary(ours)}")
            print(f"same round trip, trivial page     {summary(baseline)}")
            ratio = median_p95(ours)[0] / median_p95(baseline)[0]
            print(f"our overhead (median ratio)       {ratio:7.1f} x")
            report = soak(page, app.pid, soak_clicks - clicks, settle_after=20)
            print(
                f"server memory after {soak_clicks} clicks     {report.memory_mb[-1]:7.0f} MB "
                f"(settled {report.settled_mb:.0f}, peak {report.peak_after_settling_mb:.0f}, "
                f"{report.growth:+.1%})"
            )
            late = summary(report.latencies_ms[-clicks:])
            print(f"click round trip, last {clicks} of {soak_clicks}   {late}")
            map_samples = []
            for visit in range(7):  # the first visit fits the projection; later ones use the cache
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
            page.get_by_role("link", name="Simulation lab").click()
            page.get_by_role("button", name="Run simulation").click()
            page.get_by_role("heading", name="What the numbers say").wait_for(timeout=300_000)
            wait_idle(page)
            print(f"server memory after a default lab run {resident_memory_mb(app.pid):5.0f} MB")


def bench_load(sessions: int, seconds: float) -> None:
    from tests.e2e.load import run_load
    from tests.e2e.serve import served_app

    with served_app() as app:
        report = run_load(app, sessions, seconds)
    print(f"load: {report.summary()}")
    for problem in report.problems():
        print(f"  problem: {problem}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m recsys.benchmark", description=__doc__)
    parser.add_argument("--repeat", type=int, default=200, help="timed runs per figure")
    parser.add_argument("--clicks", type=int, default=40, help="thumbs clicks to time")
    parser.add_argument("--soak", type=int, default=300, help="clicks in the memory soak")
    parser.add_argument("--no-browser", action="store_true", help="skip the browser figures")
    parser.add_argument("--load", action="store_true", help="add 10 visitors for 2 minutes")
    parser.add_argument("--upload", action="store_true", help="add a 5,000-row upload")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    bench_model(args.repeat)
    bench_ranking(args.repeat, np.random.default_rng(0))
    bench_recommend(args.repeat)
    bench_simulation()
    if args.upload:
        bench_upload(np.random.default_rng(1))
    if not args.no_browser:
        bench_browser(args.clicks, args.soak)
    if args.load:
        bench_load(10, 120.0)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""The performance figures in the README, measured on this machine: ``python -m recsys.benchmark``.

Prints, warm and as medians (with p95) over repeated runs:

- encoding one query with the sentence model;
- re-ranking (score + top-k) at the shipped catalogue size and at 10,000 and 100,000 synthetic
  items; the visitor's whole list under three presets; CF scores for one session; hybrid + MMR
  (top 30 of 200 candidates);
- the simulation lab: every preset, 200 users x 50 rounds and 1,000 users x 100 rounds;
- with ``--upload``: reading, checking and embedding a 5,000-row uploaded CSV, its PCA, and a
  t-SNE map of the shipped catalogue's size;
- with ``--browser`` (needs Debian's chromium and the ``playwright`` package): cold start of
  ``streamlit run`` to the first recommendations, a thumbs click to the re-ranked list in a
  real browser, and the server's resident memory.

It also holds the two helpers the browser tests share: ``served_app`` starts the app on a free
localhost port, ``chromium_page`` opens it in headless Debian chromium.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_PATH = os.environ.get("RECSYS_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class ServedApp:
    url: str
    pid: int
    started_in: float  # seconds from launch until the health endpoint answered


@contextlib.contextmanager
def served_app(
    script: str = "app.py", env: dict[str, str] | None = None, timeout: float = 120.0
) -> Iterator[ServedApp]:
    """``streamlit run script`` on a free localhost port; stopped on exit."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
    ]
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"streamlit exited early: {process.stderr.read()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            if time.perf_counter() - started > timeout:
                raise TimeoutError(f"streamlit did not answer on {url} within {timeout} s")
            time.sleep(0.1)
        yield ServedApp(url=url, pid=process.pid, started_in=time.perf_counter() - started)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


@contextlib.contextmanager
def chromium_browser() -> Iterator[object]:
    """Headless Debian chromium through playwright (never ``playwright install``)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM_PATH, headless=True, args=CHROMIUM_FLAGS
        )
        try:
            yield browser
        finally:
            browser.close()


def resident_memory_mb(pid: int) -> float:
    """VmRSS of a process, from /proc, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for pid {pid}")


def timings_ms(action: Callable[[], object], repeat: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def summary(samples: list[float]) -> str:
    p95 = float(np.percentile(samples, 95))
    return f"median {statistics.median(samples):7.2f} ms   p95 {p95:7.2f} ms   (n={len(samples)})"


def bench_model(repeat: int) -> None:
    from recsys.encoder import load_encoder

    loaded = load_encoder()
    if loaded.encoder is None:
        print(f"query encode: skipped ({loaded.message})")
        return
    queries = ["jazz, hiking, Italian cooking", "machine learning and chess", "sleep science"]
    counter = iter(range(10**9))
    samples = timings_ms(lambda: loaded.encoder.encode([queries[next(counter) % 3]]), repeat)
    print(f"query encode (1 text)             {summary(samples)}")


def bench_ranking(repeat: int, rng: np.random.Generator) -> None:
    from recsys.catalog import load_catalogue
    from recsys.encoder import l2_normalise
    from recsys.ranking import cosine_scores, top_k

    shipped = len(load_catalogue())
    for n_items in (shipped, 10_000, 100_000):
        items = l2_normalise(rng.standard_normal((n_items, 384)).astype(np.float32))
        query = l2_normalise(rng.standard_normal(384).astype(np.float32))
        exclude = np.zeros(n_items, dtype=bool)
        exclude[rng.choice(n_items, size=20, replace=False)] = True
        samples = timings_ms(
            lambda items=items, query=query, exclude=exclude: top_k(
                cosine_scores(items, query), 10, exclude
            ),
            repeat,
        )
        print(f"re-rank {n_items:>7,} items (top 10)   {summary(samples)}")


def _shipped_profile():
    """The shipped catalogue, its vectors and log context, and a profile with 20 ratings."""
    from datetime import UTC, datetime

    from recsys.catalog import load_catalogue
    from recsys.embeddings import EMBEDDINGS_PATH
    from recsys.interactions import read_log
    from recsys.profile import ProfileSettings, UserProfile
    from recsys.recommend import ranking_context

    catalogue = load_catalogue()
    vectors = np.load(EMBEDDINGS_PATH)
    started = time.perf_counter()
    context = ranking_context(catalogue, vectors, read_log().events)
    print(f"fit CF (cosine + Pearson) to the log  {(time.perf_counter() - started) * 1000:7.0f} ms")
    profile = UserProfile()
    profile.set_interests("jazz", vectors[0], ["jazz", "hiking"], vectors[1:3])
    settings = ProfileSettings()
    for position in range(3, 23):  # 20 ratings so far, half liked
        profile.record_feedback(
            catalogue.item_ids[position],
            "t",
            vectors[position],
            position % 2 == 0,
            settings,
            datetime.now(UTC),
        )
    return catalogue, context, profile, settings


def bench_recommend(repeat: int) -> None:
    """The whole list a visitor sees under several presets, and the strategy parts alone:
    CF scores for one session, and hybrid + MMR (top 30 from 200 candidates)."""
    from recsys.collaborative import item_based_scores
    from recsys.recommend import recommend, slate_request
    from recsys.strategies import PRESETS, Strategy, build_ranker

    catalogue, context, profile, settings = _shipped_profile()
    for name in ("Adaptive (feedback)", "Hybrid (CF + content)", "Adaptive + explore"):
        rng = np.random.default_rng(0)
        samples = timings_ms(
            lambda name=name, rng=rng: recommend(
                catalogue, context, profile, settings, 10, None, PRESETS[name], rng
            ),
            repeat,
        )
        print(f"recommend() {name:<26} {summary(samples)}")
    strategy = Strategy(
        content_weight=0.6,
        cf_weight=0.3,
        popularity_weight=0.1,
        diversity="mmr",
        diversity_lambda=0.7,
        candidates=200,
    )
    request = slate_request(catalogue, profile, settings, strategy, None)
    model = context.collaborative["item-cosine"]
    samples = timings_ms(lambda: item_based_scores(model, request.feedback), repeat)
    print(f"CF scores, one session (20 thumbs)  {summary(samples)}")
    ranker = build_ranker(strategy, context)
    rng = np.random.default_rng(0)
    samples = timings_ms(lambda: ranker(request, 30, rng), repeat)
    print(f"hybrid + MMR, top 30 of 200        {summary(samples)}")


def bench_simulation() -> None:
    """The simulation lab's runs: every preset, 200 users x 50 rounds and 1,000 x 100."""
    from recsys.catalog import load_catalogue, load_personas
    from recsys.embeddings import EMBEDDINGS_PATH
    from recsys.encoder import load_encoder
    from recsys.interactions import read_log
    from recsys.recommend import ranking_context
    from recsys.simulation import (
        LabSettings,
        UserParameters,
        embed_personas,
        make_population,
        run_lab,
    )
    from recsys.strategies import PRESETS

    loaded = load_encoder()
    if loaded.encoder is None:
        print(f"simulation: skipped ({loaded.message})")
        return
    catalogue = load_catalogue()
    vectors = np.load(EMBEDDINGS_PATH)
    context = ranking_context(catalogue, vectors, read_log().events)
    personas = embed_personas(load_personas(), loaded.encoder.encode)
    quality = catalogue.items["quality"].to_numpy(dtype=float)
    params = UserParameters()
    for users, rounds in ((200, 50), (1000, 100)):
        settings = LabSettings(n_users=users, rounds=rounds)
        started = time.perf_counter()
        population = make_population(
            personas, vectors, users, params, np.random.default_rng([settings.seed, 0])
        )
        run_lab(list(PRESETS.values()), context, population, quality, settings, params)
        seconds = time.perf_counter() - started
        user_rounds = users * rounds * len(PRESETS)
        print(
            f"simulate {len(PRESETS)} strategies x {users:,} users x {rounds} rounds "
            f"{seconds:6.1f} s ({user_rounds / seconds:,.0f} user-rounds/s)"
        )


def bench_upload(rng: np.random.Generator, rows: int = 5000) -> None:
    """A visitor's 5,000-row CSV (shipped texts recombined at random): read, embed, map."""
    import pandas as pd

    from recsys.catalog import load_catalogue
    from recsys.embeddings import build_embeddings
    from recsys.encoder import load_encoder
    from recsys.projection import fit_pca, fit_tsne
    from recsys.upload import read_catalogue_csv

    shipped = load_catalogue().items
    picks = rng.integers(0, len(shipped), size=(rows, 2))
    frame = pd.DataFrame(
        {
            "title": [f"{shipped.title[a]} #{i}" for i, (a, _) in enumerate(picks)],
            "description": [f"{shipped.description[a]} {shipped.description[b]}" for a, b in picks],
        }
    )
    data = frame.to_csv(index=False).encode()
    started = time.perf_counter()
    result = read_catalogue_csv(data, "bench.csv")
    print(
        f"read + check {rows:,}-row CSV ({len(data) / 2**20:.1f} MB)  "
        f"{(time.perf_counter() - started) * 1000:7.0f} ms"
    )
    loaded = load_encoder()
    if loaded.encoder is None:
        print(f"upload embedding: skipped ({loaded.message})")
        return
    started = time.perf_counter()
    matrix = build_embeddings(result.catalogue, loaded.encoder)  # what the upload page runs
    seconds = time.perf_counter() - started
    print(f"embed {rows:,} uploaded items         {seconds:7.1f} s ({rows / seconds:,.0f} items/s)")
    samples = timings_ms(lambda: fit_pca(matrix), 5, warmup=1)
    print(f"PCA of {rows:,} items                 {summary(samples)}")
    started = time.perf_counter()
    fit_tsne(matrix[:819], seed=0)
    print(f"t-SNE of 819 items (once per catalogue) {time.perf_counter() - started:7.1f} s")


def bench_browser(clicks: int) -> None:
    with served_app() as app, chromium_browser() as browser:
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        started = time.perf_counter()
        page.goto(app.url)
        box = page.get_by_role("textbox", name="Your interests")
        box.fill("jazz, hiking, Italian cooking")
        box.press("Control+Enter")
        page.locator("[class*='st-key-rec_card_']").first.wait_for(timeout=120_000)
        cold = app.started_in + (time.perf_counter() - started)
        print(f"cold start to first list          {cold:7.2f} s (server up {app.started_in:.2f} s)")
        print(f"server memory after first list    {resident_memory_mb(app.pid):7.0f} MB")
        page.evaluate(_CLICK_CLOCK)
        samples = []
        for n in range(clicks):
            page.locator(_IDLE).wait_for()
            before = _first_card_id(page)
            page.locator(f".st-key-rec_fb_{before} button").nth(n % 2).click()
            page.wait_for_function(_RERANKED, arg=before, polling="raf")
            samples.append(page.evaluate("() => window.__doneAt - window.__clickAt"))
        print(f"thumbs click to re-ranked list    {summary(samples)}")
        print(f"server memory after {clicks} clicks      {resident_memory_mb(app.pid):7.0f} MB")
        map_samples = []
        for visit in range(7):  # the first visit fits the projection; later ones use the cache
            page.get_by_role("link", name="Recommend").click()
            page.locator(_IDLE).wait_for()
            started = time.perf_counter()
            page.get_by_role("link", name="Embedding map").click()
            page.locator(".stPlotlyChart .scatterlayer .trace").first.wait_for()
            page.locator(_IDLE).wait_for()
            if visit:
                map_samples.append((time.perf_counter() - started) * 1000)
        print(f"embedding map page, projection cached {summary(map_samples)}")


# In-page clock: from the click event to the frame where the rated card is gone and a full
# list is back (what the visitor sees), free of the test driver's own overhead.
_CLICK_CLOCK = (
    "() => document.addEventListener('click', () => {"
    " window.__clickAt = performance.now(); }, true)"
)
_RERANKED = (
    "id => { const done = !document.querySelector('.st-key-rec_card_' + id)"
    " && document.querySelectorAll(\"[class*='st-key-rec_card_']\").length >= 10;"
    " if (done) { window.__doneAt = performance.now(); } return done; }"
)
_IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"


def _first_card_id(page: object) -> str:
    classes = page.locator("[class*='st-key-rec_card_']").first.get_attribute("class")
    return next(c for c in classes.split() if c.startswith("st-key-rec_card_"))[
        len("st-key-rec_card_") :
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m recsys.benchmark", description=__doc__)
    parser.add_argument("--repeat", type=int, default=200, help="timed runs per figure")
    parser.add_argument("--browser", action="store_true", help="also measure in chromium")
    parser.add_argument("--clicks", type=int, default=30, help="thumbs clicks to time")
    parser.add_argument("--upload", action="store_true", help="also time a 5,000-row upload")
    args = parser.parse_args(argv)
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    print(f"machine: {os.cpu_count()} cores, Python {sys.version.split()[0]}")
    bench_model(args.repeat)
    bench_ranking(args.repeat, np.random.default_rng(0))
    bench_recommend(args.repeat)
    bench_simulation()
    if args.upload:
        bench_upload(np.random.default_rng(1))
    if args.browser:
        bench_browser(args.clicks)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

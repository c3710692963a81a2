"""What the recommender costs without a browser: encoding, ranking, the strategies, the
simulation lab and an upload, timed warm as medians with p95 over repeated runs."""

from __future__ import annotations

import dataclasses
import os
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from recsys.context import RankingContext
from recsys.simulation import LabSettings, PersonaVectors, UserParameters, run_lab
from recsys.strategy import Strategy


def timings_ms(action: Callable[[], object], repeat: int, warmup: int = 3) -> list[float]:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def median_p95(samples: list[float]) -> tuple[float, float]:
    return statistics.median(samples), float(np.percentile(samples, 95))


def summary(samples: list[float]) -> str:
    median, p95 = median_p95(samples)
    return f"median {median:7.2f} ms   p95 {p95:7.2f} ms   (n={len(samples)})"


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
    from recsys.context import ranking_context
    from recsys.embeddings import EMBEDDINGS_PATH
    from recsys.interactions import read_log
    from recsys.profile import ProfileSettings, UserProfile

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
    from recsys.ranker import build_ranker
    from recsys.recommend import recommend, slate_request
    from recsys.strategy import PRESETS, Strategy

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
    request = slate_request(catalogue, context, profile, settings, strategy, None)
    model = context.collaborative["item-cosine"]
    samples = timings_ms(lambda: item_based_scores(model, request.feedback), repeat)
    print(f"CF scores, one session (20 thumbs)  {summary(samples)}")
    ranker = build_ranker(strategy, context)
    rng = np.random.default_rng(0)
    samples = timings_ms(lambda: ranker(request, 30, rng), repeat)
    print(f"hybrid + MMR, top 30 of 200        {summary(samples)}")


@dataclass(frozen=True)
class LabTiming:
    """One timed ``run_lab``: its ``settings``, the strategies it ran, the worker threads
    and the wall-clock ``seconds``."""

    settings: LabSettings
    strategies: int
    workers: int
    seconds: float

    @property
    def per_replicate(self) -> float:
        return self.seconds / self.settings.replicates

    def line(self) -> str:
        """The benchmark's line, e.g. "simulation lab, default run: 9 strategies x 5
        replicates x 200 users x 50 rounds, slate 10 (2 threads)  15.2 s (3.0 s a replicate,
        ...)"."""
        s = self.settings
        user_rounds = s.n_users * s.rounds * s.replicates * self.strategies
        return (
            f"{self.strategies} strategies x {s.replicates} replicates x {s.n_users:,} users x "
            f"{s.rounds} rounds, slate {s.slate_size} ({self.workers} threads)  "
            f"{self.seconds:6.1f} s ({self.per_replicate:.1f} s a replicate, "
            f"{user_rounds / self.seconds:,.0f} user-rounds/s)"
        )


def time_lab(
    strategies: Sequence[Strategy],
    context: RankingContext,
    personas: PersonaVectors,
    quality: NDArray[np.float64],
    settings: LabSettings,
    workers: int | None = None,
) -> LabTiming:
    """Time one ``run_lab`` of ``strategies`` under ``settings`` (the default user model),
    wall clock, as the Simulation lab runs it (``workers`` None: one thread per core)."""
    started = time.perf_counter()
    run_lab(list(strategies), context, personas, quality, settings, UserParameters(), None, workers)
    seconds = time.perf_counter() - started
    used = max(1, min(workers or os.cpu_count() or 1, settings.replicates * len(strategies)))
    return LabTiming(settings, len(strategies), used, seconds)


def bench_simulation() -> None:
    """The Simulation lab's runs on the shipped catalogue, every preset: the page's default
    (``LabSettings()``: 5 replicates x 200 users x 50 rounds, slate 10) on the lab's threads
    and on one, and one replicate of 1,000 users x 100 rounds."""
    from recsys.catalog import load_catalogue, load_personas
    from recsys.context import ranking_context
    from recsys.embeddings import EMBEDDINGS_PATH
    from recsys.encoder import load_encoder
    from recsys.interactions import read_log
    from recsys.simulation import embed_personas
    from recsys.strategy import PRESETS

    loaded = load_encoder()
    if loaded.encoder is None:
        print(f"simulation: skipped ({loaded.message})")
        return
    catalogue = load_catalogue()
    vectors = np.load(EMBEDDINGS_PATH)
    context = ranking_context(catalogue, vectors, read_log().events)
    personas = embed_personas(load_personas(), loaded.encoder.encode)
    quality = catalogue.items["quality"].to_numpy(dtype=float)
    strategies = list(PRESETS.values())
    default = LabSettings()
    for settings, workers in (
        (default, None),
        (default, 1),
        (dataclasses.replace(default, n_users=1000, rounds=100, replicates=1), None),
    ):
        timing = time_lab(strategies, context, personas, quality, settings, workers)
        label = "simulation lab, default run:" if settings == default else "simulation lab:"
        print(f"{label:<29}{timing.line()}")


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

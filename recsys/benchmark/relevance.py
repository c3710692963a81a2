"""The relevance benchmark: what the visitor's words get, before and after issue 12.

``assets/relevance.json`` holds queries written for the shipped catalogue, 15 per domain (plain
topics, queries that name a kind, exclusions, two to four interests, typos), each with graded
relevant items judged by reading the catalogue (2 = exactly what was asked, 1 = a fair
answer), the items that would violate an exclusion, and for several interests the items that
serve each one. Two pipelines answer every query with a list of 10:

- **old**: the first version, one vector: the whole text embedded, cosine to every item,
  the Adaptive preset; no intent, no exact words, no kinds.
- **new**: the text read as an intent (``recsys.interests``), exclusions removed, kinds
  raised, exact words fused in (``recsys.lexical``), one vector per interest
  (``NEW_PRESET``).

Measures: nDCG@10 with the graded gains (``recsys.metrics.ndcg_at_k``); kind precision@5, the
share of the top 5 of the kind asked for, over the queries that name one; exclusion
violations, judged excluded items in the top 10, summed; interests present, the share of a
multi-interest query's interests with at least one of their judged items in the top 10, before
and after three thumbs-up on the first interest's items; and the cost of the whole request
(reading, embedding and ranking) per query.
"""

from __future__ import annotations

import dataclasses
import json
import statistics
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from recsys.catalog import ASSETS_DIR, Catalogue
from recsys.context import RankingContext
from recsys.encoder import TextEncoder
from recsys.explain import split_phrases
from recsys.interests import apply_interest_text
from recsys.kinds import kind_prototype_vectors
from recsys.metrics import ndcg_at_k
from recsys.profile import ProfileSettings, UserProfile
from recsys.recommend import RecommendedList, recommend
from recsys.strategy import PRESETS

RELEVANCE_PATH = ASSETS_DIR / "relevance.json"
OLD_PRESET = "Adaptive (feedback)"
NEW_PRESET = "Adaptive (multi-interest)"
K = 10
THUMBS_UP = 3


@dataclass(frozen=True)
class Judged:
    """One query and its judgements (module docstring)."""

    id: str
    domain: str
    type: str
    text: str
    kind: str | None
    relevant: dict[str, int]
    excluded: tuple[str, ...] = ()
    interests: tuple[tuple[str, tuple[str, ...]], ...] = ()


def load_judgements(path: Path = RELEVANCE_PATH) -> list[Judged]:
    """The benchmark's queries, in file order."""
    rows = json.loads(path.read_text(encoding="utf-8"))
    return [
        Judged(
            id=row["id"],
            domain=row["domain"],
            type=row["type"],
            text=row["text"],
            kind=row.get("kind"),
            relevant={item: int(grade) for item, grade in row["relevant"].items()},
            excluded=tuple(row.get("excluded", ())),
            interests=tuple(
                (one["phrase"], tuple(one["relevant"])) for one in row.get("interests", ())
            ),
        )
        for row in rows
    ]


def old_profile(text: str, encoder: TextEncoder) -> UserProfile:
    """The first version's profile: the whole text is the one vector; no intent."""
    profile = UserProfile()
    phrases = split_phrases(text)
    vectors = encoder.encode([text, *phrases])
    profile.set_interests(text, vectors[0], phrases, vectors[1:], None, "benchmark")
    return profile


def new_profile(text: str, encoder: TextEncoder, prototypes=None) -> UserProfile:
    """Issue 12's profile: the text read as an intent, one vector per interest."""
    profile = UserProfile()
    problem = apply_interest_text(profile, text, encoder.encode, "benchmark", None, (), prototypes)
    if problem is not None:
        raise ValueError(f"{text!r}: {problem}")
    return profile


@dataclass(frozen=True)
class Pipeline:
    """How one pipeline answers: its profile, its context and its preset."""

    name: str
    context: RankingContext
    preset: str
    new: bool
    kind_prototypes: NDArray[np.float32] | None = None

    def profile(self, text: str, encoder: TextEncoder) -> UserProfile:
        if self.new:
            return new_profile(text, encoder, self.kind_prototypes)
        return old_profile(text, encoder)

    def answer(self, catalogue: Catalogue, profile: UserProfile) -> RecommendedList:
        strategy = PRESETS[self.preset]
        return recommend(catalogue, self.context, profile, ProfileSettings(), K, None, strategy)


def pipelines(context: RankingContext, encoder: TextEncoder) -> list[Pipeline]:
    """The old pipeline (no word indexes in its context) and the new one (with the kind
    prototypes embedded once, as the app caches them)."""
    plain = dataclasses.replace(context, lexical=None, labels=None)
    prototypes = kind_prototype_vectors(encoder.encode)
    return [
        Pipeline("old", plain, OLD_PRESET, False),
        Pipeline("new", context, NEW_PRESET, True, prototypes),
    ]


def _present(query: Judged, ids: list[str]) -> float:
    shown = set(ids)
    return sum(any(item in shown for item in items) for _, items in query.interests) / len(
        query.interests
    )


def _after_thumbs(
    query: Judged, pipeline: Pipeline, catalogue: Catalogue, profile: UserProfile, ids: list[str]
) -> list[str]:
    """The list after thumbs-up on up to ``THUMBS_UP`` items of the first interest: those
    in the list first, then its other judged items."""
    first = [item for item in ids if item in query.interests[0][1]]
    first += [item for item in query.interests[0][1] if item not in first]
    vectors = pipeline.context.item_vectors
    for item in first[:THUMBS_UP]:
        position = catalogue.position(item)
        profile.record_feedback(
            item,
            catalogue.items.at[position, "title"],
            vectors[position],
            liked=True,
            settings=ProfileSettings(),
            now=datetime(2026, 12, 1, tzinfo=UTC),
        )
    return [rec.item_id for rec in pipeline.answer(catalogue, profile)]


def score(
    queries: list[Judged], catalogue: Catalogue, encoder: TextEncoder, pipeline: Pipeline
) -> dict[str, float]:
    """One pipeline's measures over ``queries`` (module docstring)."""
    ndcg, kind_precision, violations, present, present_after, costs = [], [], 0, [], [], []
    domains = dict(zip(catalogue.item_ids, catalogue.items["domain"], strict=True))
    for query in queries:
        started = time.perf_counter()
        profile = pipeline.profile(query.text, encoder)
        ids = [rec.item_id for rec in pipeline.answer(catalogue, profile)]
        costs.append((time.perf_counter() - started) * 1000)
        ndcg.append(ndcg_at_k(ids, query.relevant, K))
        if query.kind:
            kind_precision.append(sum(domains[item] == query.kind for item in ids[:5]) / 5)
        violations += sum(item in query.excluded for item in ids)
        if query.interests:
            present.append(_present(query, ids))
            after = _after_thumbs(query, pipeline, catalogue, profile, ids)
            present_after.append(_present(query, after))
    return {
        "ndcg@10": statistics.mean(ndcg),
        "kind precision@5": statistics.mean(kind_precision) if kind_precision else float("nan"),
        "exclusion violations": float(violations),
        "interests present": statistics.mean(present) if present else float("nan"),
        "interests present after thumbs": (
            statistics.mean(present_after) if present_after else float("nan")
        ),
        "ms per query (median)": statistics.median(costs),
    }


def run(catalogue: Catalogue, context: RankingContext, encoder: TextEncoder) -> dict:
    """Both pipelines' measures: {"old": {...}, "new": {...}, "queries": n}."""
    queries = load_judgements()
    found = {p.name: score(queries, catalogue, encoder, p) for p in pipelines(context, encoder)}
    return {**found, "queries": len(queries)}


def table(result: dict) -> str:
    """The figures side by side, as the README shows them."""
    targets = {
        "ndcg@10": f">= {1.2 * result['old']['ndcg@10']:.3f} (old + 20%)",
        "kind precision@5": ">= 0.9",
        "exclusion violations": "0",
        "interests present": "1.0",
        "interests present after thumbs": "1.0",
        "ms per query (median)": "< 30",
    }
    lines = [f"{'measure':32s} {'old':>8s} {'new':>8s}   target", "-" * 70]
    for measure, target in targets.items():
        old, new = result["old"][measure], result["new"][measure]
        lines.append(f"{measure:32s} {old:8.3f} {new:8.3f}   {target}")
    lines.append(f"({result['queries']} judged queries, lists of {K})")
    return "\n".join(lines)


def bench_relevance() -> None:
    """Print the relevance table for the shipped catalogue and model."""
    from recsys.catalog import load_catalogue
    from recsys.context import ranking_context
    from recsys.embeddings import catalogue_embeddings
    from recsys.encoder import load_encoder
    from recsys.interactions import read_log

    loaded = load_encoder()
    if loaded.encoder is None:
        print(f"relevance: skipped ({loaded.message})")
        return
    catalogue = load_catalogue()
    vectors = catalogue_embeddings(catalogue, loaded.encoder).matrix
    context = ranking_context(catalogue, vectors, read_log().events)
    print(table(run(catalogue, context, loaded.encoder)))

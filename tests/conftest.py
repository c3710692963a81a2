"""Shared fixtures: a seeded rng, a small fake encoder, and the real bundled model (once)."""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd
import pytest
from hypothesis import settings
from numpy.typing import NDArray

from recsys.catalog import Catalogue, make_catalogue
from recsys.encoder import l2_normalise

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # tests never download a model
# Property tests judge results, not speed: on two cores shared with the browser suite an
# example can pass hypothesis's default 200 ms deadline, which would fail a correct test.
settings.register_profile("recsys", deadline=None)
settings.load_profile("recsys")


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(20261123)


class FakeEncoder:
    """Bag of hashed words in 64 dimensions: texts sharing words get similar vectors.

    Fast and deterministic, for unit tests of logic that only needs *some* geometry."""

    name = "fake-hashed-words"
    model_sha256 = "fake"
    dim = 64

    def encode(
        self, texts: Sequence[str], *, batch_size: int = 64, progress=None
    ) -> NDArray[np.float32]:
        matrix = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z]+", text.lower()):
                bucket = int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim
                matrix[row, bucket] += 1.0
        if progress is not None:
            progress(1.0)
        return l2_normalise(matrix)


@pytest.fixture
def fake_encoder() -> FakeEncoder:
    return FakeEncoder()


def tiny_items() -> pd.DataFrame:
    rows = [
        ("a1", "Jazz Nights", "music", "Albums", "jazz; piano", "Late night jazz piano trio."),
        ("a2", "Piano Jazz Live", "music", "Live", "jazz; live", "A live jazz piano concert."),
        (
            "b1",
            "Mountain Trails",
            "books",
            "Outdoors",
            "hiking",
            "Hiking guide to mountain trails.",
        ),
        ("b2", "Trail Running", "courses", "Fitness", "running", "Running on mountain trails."),
        ("c1", "Pasta at Home", "books", "Cookbooks", "cooking", "Italian pasta cooking at home."),
        ("c2", "Italian Kitchen", "courses", "Cooking", "cooking", "Cooking Italian food at home."),
    ]
    items = pd.DataFrame(
        rows, columns=["item_id", "title", "domain", "category", "tags", "description"]
    )
    items["quality"] = [0.8, 0.6, 0.7, 0.5, 0.9, 0.4]
    items["hook"] = [0.3, 0.6, 0.4, 0.7, 0.2, 0.8]
    return items


@pytest.fixture
def tiny_catalogue() -> Catalogue:
    return make_catalogue(tiny_items())


@pytest.fixture(scope="session")
def real_encoder():
    """The bundled all-MiniLM-L6-v2, loaded once for the whole test session."""
    from recsys.encoder import load_encoder

    loaded = load_encoder(override="")
    assert loaded.encoder is not None, loaded.message
    return loaded


def made_up_personas(vectors: NDArray[np.float32], count: int = 3, seed: int = 3):
    """``count`` made-up personas whose stated, hidden and drift vectors are each the mean of
    a few catalogue items (for simulation tests that need no sentence model)."""
    from recsys.simulation.personas import PersonaVectors

    rng = np.random.default_rng(seed)
    parts = [
        l2_normalise(vectors[rng.integers(len(vectors), size=(count, 4))].mean(axis=1))
        for _ in range(3)
    ]
    return PersonaVectors([f"p{i + 1}" for i in range(count)], *parts)


def tiny_catalogue_with_log() -> tuple[Catalogue, NDArray[np.float32], pd.DataFrame]:
    """The tiny catalogue, near-orthogonal item vectors, and a log of six users who each
    like a1 and c1 and dislike b1 (steps 1, 2, 3)."""
    catalogue = make_catalogue(tiny_items())
    vectors = l2_normalise(np.eye(6, dtype=np.float32) + 0.1)
    rows = []
    for user in range(6):
        rows += [(f"u{user}", "a1", 1, 1), (f"u{user}", "c1", 1, 2), (f"u{user}", "b1", -1, 3)]
    return catalogue, vectors, pd.DataFrame(rows, columns=["user_id", "item_id", "thumbs", "step"])

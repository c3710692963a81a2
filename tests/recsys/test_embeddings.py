import dataclasses
import json

import numpy as np
import pytest

from recsys.catalog import load_catalogue
from recsys.embeddings import (
    EMBEDDINGS_PATH,
    MANIFEST_PATH,
    catalogue_embeddings,
    expected_manifest,
    read_embeddings,
    write_embeddings,
)


@pytest.mark.slow
def test_shipped_embeddings_match_the_real_model_and_catalogue(real_encoder):
    catalogue = load_catalogue()
    matrix, reason = read_embeddings(
        EMBEDDINGS_PATH, MANIFEST_PATH, real_encoder.encoder, catalogue
    )
    assert reason == "" and matrix.shape == (len(catalogue), 384)
    np.testing.assert_allclose(np.linalg.norm(matrix, axis=1), 1.0, rtol=1e-5)
    fresh = real_encoder.encoder.encode(catalogue.embedding_texts()[:5])
    np.testing.assert_allclose(fresh, matrix[:5], atol=1e-4)


def _stored(tmp_path, catalogue, encoder):
    matrix = encoder.encode(catalogue.embedding_texts())
    paths = (tmp_path / "e.npy", tmp_path / "e.json")
    write_embeddings(matrix, expected_manifest(encoder, catalogue, matrix), *paths)
    return matrix, paths


def test_matching_manifest_is_trusted(tmp_path, tiny_catalogue, fake_encoder):
    matrix, paths = _stored(tmp_path, tiny_catalogue, fake_encoder)
    loaded, reason = read_embeddings(*paths, fake_encoder, tiny_catalogue)
    assert reason == ""
    np.testing.assert_array_equal(loaded, matrix)


def test_corrupt_file_is_not_trusted(tmp_path, tiny_catalogue, fake_encoder):
    matrix, (npy, manifest) = _stored(tmp_path, tiny_catalogue, fake_encoder)
    np.save(npy, matrix[::-1].copy())
    assert read_embeddings(npy, manifest, fake_encoder, tiny_catalogue) == (
        None,
        "the embeddings file does not match its checksum",
    )
    npy.write_bytes(b"not numpy at all")
    loaded, reason = read_embeddings(npy, manifest, fake_encoder, tiny_catalogue)
    assert loaded is None and "unreadable" in reason


def test_mismatched_manifest_names_what_differs(tmp_path, tiny_catalogue, fake_encoder):
    _, (npy, manifest) = _stored(tmp_path, tiny_catalogue, fake_encoder)
    record = json.loads(manifest.read_text())
    manifest.write_text(json.dumps({**record, "model_sha256": "other", "n_items": 99}))
    loaded, reason = read_embeddings(npy, manifest, fake_encoder, tiny_catalogue)
    assert loaded is None
    assert reason == "the precomputed embeddings were made for another model checksum, item count"
    manifest.write_text("{ not json")
    assert "unreadable" in read_embeddings(npy, manifest, fake_encoder, tiny_catalogue)[1]


def test_mismatch_rebuilds_with_progress_then_uses_the_cache(
    tmp_path, monkeypatch, tiny_catalogue, fake_encoder
):
    monkeypatch.setenv("RECSYS_CACHE_DIR", str(tmp_path / "cache"))
    missing = (tmp_path / "none.npy", tmp_path / "none.json")
    progress = []
    built = catalogue_embeddings(tiny_catalogue, fake_encoder, progress.append, shipped=missing)
    assert built.origin == "built" and progress[-1] == 1.0
    assert built.note == "no precomputed embeddings were found"
    again = catalogue_embeddings(tiny_catalogue, fake_encoder, shipped=missing)
    assert again.origin == "cache"
    np.testing.assert_array_equal(again.matrix, built.matrix)


def test_unwritable_cache_keeps_embeddings_in_memory(
    tmp_path, monkeypatch, tiny_catalogue, fake_encoder
):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setenv("RECSYS_CACHE_DIR", str(blocker / "cache"))
    missing = (tmp_path / "none.npy", tmp_path / "none.json")
    result = catalogue_embeddings(tiny_catalogue, fake_encoder, shipped=missing)
    assert result.origin == "built" and result.matrix.shape == (len(tiny_catalogue), 64)
    assert result.note == (
        f"no precomputed embeddings were found; the cache folder {blocker / 'cache'} cannot be "
        "written (Not a directory), so the rebuilt embeddings are kept in memory and built "
        "again at the next start"
    )


def test_manifest_records_what_it_must(tiny_catalogue, fake_encoder):
    matrix = fake_encoder.encode(tiny_catalogue.embedding_texts())
    record = dataclasses.asdict(expected_manifest(fake_encoder, tiny_catalogue, matrix))
    assert set(record) == {
        "model_name",
        "model_sha256",
        "catalogue_sha256",
        "dim",
        "n_items",
        "embeddings_sha256",
    }
    assert record["catalogue_sha256"] == tiny_catalogue.fingerprint


def test_shipped_manifest_is_for_the_shipped_catalogue():
    record = json.loads(MANIFEST_PATH.read_text())
    assert record["catalogue_sha256"] == load_catalogue().fingerprint
    assert np.load(EMBEDDINGS_PATH).shape == (record["n_items"], record["dim"])

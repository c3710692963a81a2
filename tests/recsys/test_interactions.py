import dataclasses
import hashlib
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from recsys.catalog import ASSETS_DIR, load_catalogue
from recsys.interactions import (
    LOG_ROUNDS,
    LOG_SEED,
    LOG_USERS,
    generate,
    generate_log,
    log_csv,
    main,
    read_log,
)
from tests.conftest import made_up_personas


@pytest.fixture(scope="module")
def shipped():
    catalogue = load_catalogue()
    return catalogue, np.load(ASSETS_DIR / "embeddings.npy")


def _personas(vectors, seed=3):
    return made_up_personas(vectors, 3, seed)


def test_same_seed_same_file_hash_and_another_seed_differs(shipped):
    catalogue, vectors = shipped
    personas = _personas(vectors)
    first = log_csv(generate_log(catalogue, vectors, personas, 60, 8, seed=1))
    again = log_csv(generate_log(catalogue, vectors, personas, 60, 8, seed=1))
    other = log_csv(generate_log(catalogue, vectors, personas, 60, 8, seed=2))
    assert hashlib.sha256(first).digest() == hashlib.sha256(again).digest()
    assert first != other


def test_generated_rows_are_well_formed(shipped):
    catalogue, vectors = shipped
    log = generate_log(catalogue, vectors, _personas(vectors), 40, 10, seed=4)
    assert set(log["thumbs"]) <= {1, -1}
    assert log["item_id"].isin(catalogue.item_ids).all()
    assert log["step"].between(1, 10).all()
    # A user consumes an item once, so never rates it twice.
    assert not log.duplicated(["user_id", "item_id"]).any()
    assert (log.groupby("user_id")["step"].apply(lambda s: s.is_monotonic_increasing)).all()


def test_the_shipped_log_is_big_enough_and_matches_its_manifest(shipped):
    catalogue, _ = shipped
    log = read_log()
    assert log.catalogue_fingerprint == catalogue.fingerprint
    # 41,448 thumbs since issue 13: the log's own population leaves sooner than the lab's
    assert log.events["user_id"].nunique() >= 2000 and len(log.events) >= 40_000
    assert log.manifest["seed"] == LOG_SEED and log.manifest["rounds"] == LOG_ROUNDS
    # every simulated user is counted; "users" are those who gave a thumb (one may not)
    assert log.manifest["simulated_users"] == LOG_USERS
    assert 0.99 * LOG_USERS <= log.manifest["users"] <= LOG_USERS
    assert 0.2 < (log.events["thumbs"] > 0).mean() < 0.8  # both kinds of thumb occur


def test_a_tampered_log_is_refused(tmp_path):
    from recsys.interactions import LOG_PATH, MANIFEST_PATH

    copy, manifest = tmp_path / "log.csv", tmp_path / "log.json"
    copy.write_bytes(LOG_PATH.read_bytes() + b"sim-9999,x,1,1\n")
    manifest.write_bytes(MANIFEST_PATH.read_bytes())
    with pytest.raises(ValueError, match="checksum"):
        read_log(copy, manifest)


def _this_model_gives_the_logs_persona_vectors() -> bool:
    """Whether this machine's model embeds the personas bit for bit as the shipping machine
    did (the manifest keeps their sha256). The log is a chaotic function of those vectors: on
    a CPU whose kernels round the last bit otherwise (1e-7 here), one choice flips in the first
    rounds and the rest of the log follows another path, so a byte-for-byte regeneration is
    only possible where they match."""
    from recsys.catalog import load_personas
    from recsys.encoder import load_encoder
    from recsys.interactions import persona_vectors_sha256
    from recsys.simulation.personas import embed_personas

    encoder = load_encoder().encoder
    if encoder is None:
        return False
    digest = persona_vectors_sha256(embed_personas(load_personas(), encoder.encode))
    return digest == read_log().manifest["persona_vectors_sha256"]


@pytest.mark.slow
def test_the_generator_command_reproduces_the_shipped_file():
    # Regenerates the whole log with the bundled model and compares its sha256.
    if not _this_model_gives_the_logs_persona_vectors():
        pytest.skip("this CPU's model embeds the personas otherwise in the last bit")
    assert main(["--check"]) == 0


def test_the_generator_is_reproducible_with_its_impressions_and_click_model(shipped):
    catalogue, vectors = shipped
    personas = _personas(vectors)
    first = generate(catalogue, vectors, personas, 80, 8, seed=1, impression_users=40)
    again = generate(catalogue, vectors, personas, 80, 8, seed=1, impression_users=40)
    other = generate(catalogue, vectors, personas, 80, 8, seed=2, impression_users=40)
    assert first.events.equals(again.events)
    assert first.impressions.frame.equals(again.impressions.frame)
    np.testing.assert_array_equal(first.impressions.features, again.impressions.features)
    assert first.click_model == again.click_model
    assert not first.impressions.frame.equals(other.impressions.frame)
    frame = first.impressions.frame
    assert frame["user_id"].nunique() <= 40 and frame["clicked"].isin([0, 1]).all()
    # at most one click per slate, and every thumb is on a clicked impression of a sampled user
    assert frame.groupby(["user_id", "step"])["clicked"].sum().max() <= 1
    sampled = first.events[first.events["user_id"].isin(frame["user_id"])]
    clicks = frame[frame["clicked"] == 1]
    keys = set(zip(clicks["user_id"], clicks["item_id"], clicks["step"], strict=True))
    thumbs = zip(sampled["user_id"], sampled["item_id"], sampled["step"], strict=True)
    assert all(key in keys for key in thumbs)


def test_the_held_out_personas_never_appear_in_the_log(shipped):
    catalogue, vectors = shipped
    personas = made_up_personas(vectors, 4, 3)
    generated = generate(catalogue, vectors, personas, 60, 6, seed=5, absent=("p4",))
    assert set(generated.persona_of_user().values()) <= {"p1", "p2", "p3"}
    # p4 enters no taste, not even as a second persona: its vectors can be anything
    poisoned = dataclasses.replace(
        personas,
        hidden=personas.hidden.copy(),
        stated=personas.stated.copy(),
        drift=personas.drift.copy(),
    )
    for part in (poisoned.hidden, poisoned.stated, poisoned.drift):
        part[3] = np.nan
    again = generate(catalogue, vectors, poisoned, 60, 6, seed=5, absent=("p4",))
    assert again.events.equals(generated.events)


def test_the_log_population_is_not_the_labs():
    from recsys.log_population import (
        LOG_SECOND_SHARE,
        PARAMETER_GROUPS,
        group_parameters,
    )
    from recsys.simulation import UserParameters

    lab = UserParameters()
    assert LOG_SECOND_SHARE[0] >= lab.second_persona_max  # the mixtures do not overlap
    for name in PARAMETER_GROUPS:
        params = group_parameters(name, PARAMETER_GROUPS)
        assert params.second_persona_min == LOG_SECOND_SHARE[0]
        changed = [k for k, v in PARAMETER_GROUPS[name].items() if v != getattr(lab, k)]
        assert len(changed) >= 3
        # every change is by a quarter or more of the lab's value
        assert all(abs(getattr(params, k) / getattr(lab, k) - 1) >= 0.25 for k in changed)


def test_impression_features_by_hand():
    from recsys.collaborative import DAMPING
    from recsys.context import ranking_context
    from recsys.encoder import l2_normalise
    from recsys.impressions import replay_features
    from recsys.log_population import GroupRun
    from recsys.simulation import UserParameters
    from tests.conftest import tiny_catalogue_with_log

    catalogue, vectors, log = tiny_catalogue_with_log()
    context = ranking_context(catalogue, vectors, log, click_model=None)
    at = catalogue.position
    stated = l2_normalise(vectors[at("a2")] + 0.5 * vectors[at("c2")] - 0.3 * vectors[at("b1")])
    # round 1: [a1, b2] shown, a1 clicked and liked; round 2: [c1, b1] shown, no click
    slates = np.array([[[at("a1"), at("b2")]], [[at("c1"), at("b1")]]])
    run = SimpleNamespace(
        slates=slates, chosen=np.array([[at("a1")], [-1]]), thumbs=np.array([[1], [0]])
    )
    start = SimpleNamespace(stated=stated[None, :].astype(np.float32), size=1)
    group = GroupRun("g", UserParameters(), start, run, 0, ("p1",))
    keys, x, items, clicked = replay_features(group, np.array([0]), context)
    assert keys.tolist() == [[0, 0, 0], [0, 0, 1], [0, 1, 0], [0, 1, 1]]
    assert items.tolist() == slates.reshape(-1).tolist()
    assert clicked.tolist() == [True, False, False, False]
    model = context.collaborative["item-cosine"]
    sim, mu = model.item_similarity.astype(np.float64), model.item_means
    content = vectors @ stated
    # round 1: no thumbs, so the five items nearest the words count as likes (all but b1,
    # the farthest); round 2: a1 liked and consumed, the five others are the seeds
    seeds_1 = np.ones(6)
    seeds_1[np.argmin(content)] = 0.0
    assert np.argmin(content) == at("b1")
    seeds_2 = np.ones(6)
    likes = log[log["thumbs"] == 1]["item_id"].value_counts()
    for row, f in enumerate([seeds_1, seeds_1, seeds_2, seeds_2]):
        i = items[row]
        cf = mu[i] + (sim[i] * (f - mu) * (f != 0)).sum() / (np.abs(sim[i]) @ np.abs(f) + DAMPING)
        popularity = np.log1p(likes.get(catalogue.item_ids[i], 0)) / np.log1p(6)
        expected = [content[i], np.clip(cf, -1, 1), popularity, catalogue.items["hook"][i]]
        np.testing.assert_allclose(x[row], expected, rtol=1e-5, atol=1e-6)


def test_the_shipped_impressions_match_the_manifest_and_stay_small():
    from recsys.impressions import IMPRESSION_COLUMNS, IMPRESSIONS_PATH

    manifest = read_log().manifest["impressions"]
    body = IMPRESSIONS_PATH.read_bytes()
    assert hashlib.sha256(body).hexdigest() == manifest["file_sha256"]
    assert len(body) < 3_000_000
    frame = pd.read_csv(IMPRESSIONS_PATH, dtype={"user_id": str, "item_id": str})
    assert tuple(frame.columns) == IMPRESSION_COLUMNS and len(frame) == manifest["rows"]
    assert frame.groupby(["user_id", "step"])["clicked"].sum().max() == 1
    assert frame["clicked"].mean() == pytest.approx(manifest["clicks_per_impression"])


def test_the_provenance_sentence_comes_from_the_manifest():
    from recsys.interactions import log_provenance

    manifest = read_log().manifest
    sentence = log_provenance(manifest)
    for persona in manifest["population"]["absent_personas"]:
        assert persona.title() in sentence
    assert f"{manifest['popularity_quality_spearman']['this_log']:.2f}" in sentence
    assert "the item quality and hook" in sentence
    assert "like the lab's own" in log_provenance({"simulated_users": 10})


def test_popularity_quality_spearman_by_hand():
    from scipy.stats import spearmanr

    from recsys.log_population import popularity_quality_spearman
    from tests.conftest import tiny_catalogue_with_log

    catalogue, _, log = tiny_catalogue_with_log()
    # likes: a1 6, c1 6, every other item 0; quality [0.8, 0.6, 0.7, 0.5, 0.9, 0.4]
    likes = [6, 0, 0, 0, 6, 0]
    expected = spearmanr(likes, catalogue.items["quality"]).statistic
    assert popularity_quality_spearman(log, catalogue) == pytest.approx(expected)

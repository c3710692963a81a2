import math

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression

from recsys.click_model import (
    FEATURES,
    HELD_OUT_SHARE,
    NO_LOG_FEATURES,
    LogisticClickModel,
    feature_matrix,
    fit_click_model,
    fit_logistic,
    held_out_users,
    load_click_model,
    predict_proba,
    save_click_model,
    shipped_click_model,
)


def _planted(rng, rows=20_000, users=200):
    """Rows whose clicks follow a known logistic model: hook up, popularity down."""
    x = rng.uniform(0.0, 1.0, size=(rows, len(FEATURES)))
    truth = np.array([1.0, 0.5, -1.0, 2.0])  # content, cf, popularity, hook
    logit = -2.0 + (x - 0.5) @ truth
    clicked = rng.random(rows) < 1.0 / (1.0 + np.exp(-logit))
    return x, clicked, rng.integers(users, size=rows)


def test_predict_proba_by_hand():
    model = LogisticClickModel(
        features=("content", "hook"),
        coefficients=(2.0, -1.0),
        intercept=0.5,
        mean=(0.5, 0.25),
        scale=(0.5, 0.25),
        held_out_auc=0.7,
    )
    # z = ((1 - 0.5) / 0.5, (0.5 - 0.25) / 0.25) = (1, 1); logit = 0.5 + 2 - 1 = 1.5
    (p,) = predict_proba(model, np.array([[1.0, 0.5]]))
    assert p == pytest.approx(1.0 / (1.0 + math.exp(-1.5)))
    # broadcasting over (m, n, F), and no overflow far out
    far = predict_proba(model, np.array([[[1e6, 0.0], [-1e6, 0.0]]]))
    assert far.shape == (1, 2) and far[0, 0] == 1.0 and far[0, 1] == 0.0


def test_predict_proba_equals_sklearn_on_the_same_rows(rng):
    x, clicked, users = _planted(rng)
    held_out = held_out_users(users, rng)
    model = fit_logistic(x, clicked, held_out, FEATURES)
    mean, scale = np.asarray(model.mean), np.asarray(model.scale)
    reference = LogisticRegression(C=1.0, max_iter=1000).fit(
        (x[~held_out] - mean) / scale, clicked[~held_out]
    )
    expected = reference.predict_proba((x - mean) / scale)[:, 1]
    np.testing.assert_allclose(predict_proba(model, x), expected, rtol=1e-9, atol=1e-12)


def test_the_fit_recovers_the_planted_signs_and_scores_held_out_users(rng):
    x, clicked, users = _planted(rng)
    model = fit_click_model(x, clicked, users, "sha", rng)
    signs = np.sign(np.asarray(model.with_log.coefficients))
    assert signs.tolist() == [1.0, 1.0, -1.0, 1.0]
    assert model.with_log.held_out_auc > 0.6
    assert model.without_log.features == NO_LOG_FEATURES
    assert model.training_rows + model.held_out_rows == len(x)
    assert model.held_out_users == round(HELD_OUT_SHARE * 200)


def test_held_out_rows_are_whole_users(rng):
    users = np.repeat(np.arange(50), 7)
    held_out = held_out_users(users, rng)
    out = set(users[held_out].tolist())
    assert len(out) == 10 and out.isdisjoint(users[~held_out].tolist())


def test_feature_matrix_broadcasts_and_orders_by_features():
    content = np.array([[0.1, 0.2, 0.3]])
    hook = np.array([0.9, 0.8, 0.7])
    x = feature_matrix({"hook": hook, "content": content, "cf": None}, NO_LOG_FEATURES)
    assert x.shape == (1, 3, 2)
    np.testing.assert_allclose(x[0, :, 0], [0.1, 0.2, 0.3])
    np.testing.assert_allclose(x[0, :, 1], [0.9, 0.8, 0.7])


def test_save_and_load_round_trip_and_a_bad_file_is_refused(rng, tmp_path):
    x, clicked, users = _planted(rng, rows=2000, users=40)
    model = fit_click_model(x, clicked, users, "abc", rng)
    save_click_model(model, tmp_path / "model.json")
    assert load_click_model(tmp_path / "model.json") == model
    (tmp_path / "bad.json").write_text('{"with_log": {}}')
    with pytest.raises(ValueError, match="not a click model"):
        load_click_model(tmp_path / "bad.json")
    assert shipped_click_model(tmp_path / "missing.json") is None


def test_the_shipped_click_model_matches_its_impressions():
    from recsys.impressions import IMPRESSIONS_PATH
    from recsys.interactions import MANIFEST_PATH, read_log

    model = shipped_click_model()
    assert model is not None
    manifest = read_log(manifest_path=MANIFEST_PATH).manifest
    import hashlib

    assert hashlib.sha256(IMPRESSIONS_PATH.read_bytes()).hexdigest() == model.impressions_sha256
    assert manifest["click_model"]["held_out_auc"] == model.with_log.held_out_auc
    assert 0.5 < model.with_log.held_out_auc < 1.0
    assert model.held_out_rows > 0 and model.training_rows > 4 * model.held_out_rows - 1

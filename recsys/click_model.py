"""The click model the Click-maximiser ranks by: a logistic regression fitted on impressions.

An engagement-optimised recommender ranks by the predicted chance of a click. This one learns
it from the logged impressions (``recsys.impressions``: every slate the logging policy showed
and whether the item was clicked), on features the app has at ranking time for user u and
item i (``FEATURES``)::

    content(u, i)     the raw content match of i to u's ranking query (the ranker's ``content``)
    cf(u, i)          the raw item-based CF score from u's thumbs, in [-1, 1] (seeded as the
                      ranker seeds it at cold start)
    popularity(i)     log(1 + likes) / log(1 + max likes) in the interaction log
    hook(i)           the item's click appeal in [0, 1]

Each feature is standardised with the training rows' mean and standard deviation,
z_f = (x_f - m_f) / s_f, and::

    P(click | u, i) = sigmoid(b + sum_f w_f z_f)

(scikit-learn's ``LogisticRegression``, L2, C = 1, fitted by the generator; ranking needs only
numpy: ``predict_proba``). Position is left out: the ranker cannot use it, and the simulated
users have no position bias. A catalogue without a log has no CF and no popularity, so a
second model on ``NO_LOG_FEATURES`` (content and hook) is fitted on the same rows, and the
ranker uses it there (``for_log``). Users, not rows, are held out for the AUC: the held-out
users' impressions are never seen in fitting.
"""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from recsys.catalog import ASSETS_DIR

_log = logging.getLogger(__name__)

CLICK_MODEL_PATH = ASSETS_DIR / "click_model.json"
FEATURES = ("content", "cf", "popularity", "hook")
NO_LOG_FEATURES = ("content", "hook")
HELD_OUT_SHARE = 0.2  # of the impression users, for the AUC


@dataclass(frozen=True)
class LogisticClickModel:
    """P(click) = sigmoid(intercept + sum_f coefficients_f (x_f - mean_f) / scale_f) over
    ``features`` (module docstring); ``held_out_auc`` on users never fitted on."""

    features: tuple[str, ...]
    coefficients: tuple[float, ...]
    intercept: float
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    held_out_auc: float

    def coefficient(self, feature: str) -> float:
        """The fitted weight of ``feature`` per standard deviation of it."""
        return self.coefficients[self.features.index(feature)]


@dataclass(frozen=True)
class ClickModel:
    """The two fitted models (with and without a log) and what they were fitted on."""

    with_log: LogisticClickModel
    without_log: LogisticClickModel
    training_rows: int
    held_out_rows: int
    training_users: int
    held_out_users: int
    click_rate: float
    impressions_sha256: str

    def for_log(self, has_log: bool) -> LogisticClickModel:
        return self.with_log if has_log else self.without_log


def feature_matrix(columns: dict[str, NDArray], features: tuple[str, ...]) -> NDArray[np.float64]:
    """(..., F): the ``features`` of ``columns`` (each broadcastable to one shape) stacked last."""
    arrays = np.broadcast_arrays(*(np.asarray(columns[f], dtype=np.float64) for f in features))
    return np.stack(arrays, axis=-1)


def predict_proba(model: LogisticClickModel, x: NDArray[np.floating]) -> NDArray[np.float64]:
    """(..., F) features in ``model.features`` order -> (...) predicted click probabilities."""
    z = (np.asarray(x, dtype=np.float64) - np.asarray(model.mean)) / np.asarray(model.scale)
    logit = z @ np.asarray(model.coefficients) + model.intercept
    e = np.exp(-np.abs(logit))  # sigmoid without overflow
    return np.where(logit >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def held_out_users(users: NDArray[np.intp], rng: np.random.Generator) -> NDArray[np.bool_]:
    """(rows,) True for the rows of the ``HELD_OUT_SHARE`` of distinct ``users`` drawn out."""
    distinct = np.unique(users)
    count = max(1, round(HELD_OUT_SHARE * distinct.size))
    return np.isin(users, rng.choice(distinct, size=count, replace=False))


def fit_logistic(
    x: NDArray[np.float64],
    clicked: NDArray[np.bool_],
    held_out: NDArray[np.bool_],
    features: tuple[str, ...],
) -> LogisticClickModel:
    """Fit on the rows not ``held_out`` ((rows, F) ``x`` in ``features`` order); AUC on the
    held-out rows."""
    from sklearn.linear_model import LogisticRegression  # fitting only; ranking needs numpy
    from sklearn.metrics import roc_auc_score

    train = ~held_out
    mean, scale = x[train].mean(axis=0), x[train].std(axis=0)
    scale = np.where(scale > 0, scale, 1.0)
    fitted = LogisticRegression(C=1.0, max_iter=1000).fit((x[train] - mean) / scale, clicked[train])
    model = LogisticClickModel(
        features=features,
        coefficients=tuple(float(c) for c in fitted.coef_[0]),
        intercept=float(fitted.intercept_[0]),
        mean=tuple(float(m) for m in mean),
        scale=tuple(float(s) for s in scale),
        held_out_auc=float("nan"),
    )
    auc = roc_auc_score(clicked[held_out], predict_proba(model, x[held_out]))
    return LogisticClickModel(**{**asdict(model), "held_out_auc": float(auc)})


def fit_click_model(
    x: NDArray[np.float64],
    clicked: NDArray[np.bool_],
    users: NDArray[np.intp],
    impressions_sha256: str,
    rng: np.random.Generator,
) -> ClickModel:
    """Both models from (rows, len(FEATURES)) ``x``, (rows,) ``clicked`` and the (rows,) user
    of each row; the held-out users are drawn from ``rng``."""
    held_out = held_out_users(users, rng)
    columns = [FEATURES.index(f) for f in NO_LOG_FEATURES]
    return ClickModel(
        with_log=fit_logistic(x, clicked, held_out, FEATURES),
        without_log=fit_logistic(x[:, columns], clicked, held_out, NO_LOG_FEATURES),
        training_rows=int((~held_out).sum()),
        held_out_rows=int(held_out.sum()),
        training_users=int(np.unique(users[~held_out]).size),
        held_out_users=int(np.unique(users[held_out]).size),
        click_rate=float(np.mean(clicked)),
        impressions_sha256=impressions_sha256,
    )


def save_click_model(model: ClickModel, path: Path = CLICK_MODEL_PATH) -> None:
    path.write_text(json.dumps(asdict(model), indent=2) + "\n", encoding="utf-8")


def load_click_model(path: Path = CLICK_MODEL_PATH) -> ClickModel:
    """The model written by ``save_click_model``; raises ``OSError`` or ``ValueError``."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    try:
        parts = {
            name: LogisticClickModel(
                **{
                    key: tuple(value) if isinstance(value, list) else value
                    for key, value in raw[name].items()
                }
            )
            for name in ("with_log", "without_log")
        }
        return ClickModel(**{**raw, **parts})
    except (KeyError, TypeError) as error:
        raise ValueError(f"{path.name} is not a click model: {error}") from error


def shipped_click_model(path: Path = CLICK_MODEL_PATH) -> ClickModel | None:
    """The shipped click model, or None (and a logged reason) if it cannot be read."""
    try:
        return load_click_model(path)
    except (OSError, ValueError) as error:
        _log.warning("click model unavailable: %s", error)
        return None

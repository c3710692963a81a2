"""Impressions: the slates the logging policy showed, and the click model's features of each.

A thumbs log says what people rated; an engagement model needs what they were *shown* and
did not click. For a seeded sample of the log's users (``sample_users``, ``IMPRESSION_USERS``
of them, so the shipped file stays small) every item of every slate becomes a row
``user_id, item_id, step (round, 1..), position (slot, 1..k), clicked (0/1)``
(``IMPRESSION_COLUMNS``); at most one item per slate is clicked.

``replay_features`` gives each row the click model's features (``recsys.click_model``) as the
ranker would have computed them just before that round: the content match of the item to the
user's query (the logging policy ranks by the stated-interest vector), the item-based CF
score from the user's thumbs of the earlier rounds (seeded from the words at cold start, by
the ranker's own ``Ranker.raw_scores``), popularity and hook. CF and popularity come from a
``RankingContext`` fitted on the thumbs of the log's *other* users: a user's own later thumbs
would leak the very clicks the model is asked to predict.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from recsys.catalog import ASSETS_DIR
from recsys.click_model import FEATURES
from recsys.context import RankingContext
from recsys.log_population import GroupRun
from recsys.ranker import THOMPSON_WINDOW, Ranker
from recsys.slates import SlateRequest
from recsys.strategy import PRESETS

IMPRESSIONS_PATH = ASSETS_DIR / "impressions.csv.gz"
IMPRESSION_USERS = 800  # of the log's 3,500 users: 167,100 rows, 0.8 MB gzipped
IMPRESSION_COLUMNS = ("user_id", "item_id", "step", "position", "clicked")


@dataclass(frozen=True)
class Impressions:
    """``frame`` (rows, ``IMPRESSION_COLUMNS``); ``features`` (rows, len(FEATURES)) in
    ``FEATURES`` order; ``users`` (rows,) the user number of each row."""

    frame: pd.DataFrame
    features: NDArray[np.float64]
    users: NDArray[np.intp]

    @property
    def clicked(self) -> NDArray[np.bool_]:
        return self.frame["clicked"].to_numpy() == 1


def sample_users(n_users: int, count: int, seed: int) -> NDArray[np.intp]:
    """``count`` user numbers of 0..n_users-1 (all if fewer), sorted, drawn from
    ``[seed, 3]`` (a stream the log's populations do not use)."""
    rng = np.random.default_rng([seed, 3])
    return np.sort(rng.choice(n_users, size=min(count, n_users), replace=False))


def replay_features(
    run: GroupRun, users: NDArray[np.intp], context: RankingContext
) -> tuple[NDArray[np.intp], NDArray[np.float64], NDArray[np.intp], NDArray[np.bool_]]:
    """For the group's users ``users`` (positions within the group): every impression's
    (rows, 3) ``user, round, slot`` and (rows, F) features, (rows,) item, (rows,) clicked;
    rows in round order, then user, then slot."""
    ranker = Ranker(PRESETS["Click-maximiser"], context)  # its similarity and CF method
    slates_all, chosen_all, thumbs_all = run.run.slates, run.run.chosen, run.run.thumbs
    stated = run.start.stated[users]
    m, n = len(users), context.n_items
    feedback = np.zeros((m, n), dtype=np.float32)
    consumed = np.zeros((m, n), dtype=bool)
    keys, features, items, clicked = [], [], [], []
    for t in range(slates_all.shape[0]):
        slates, chosen = slates_all[t, users], chosen_all[t, users]
        rows, slots = np.nonzero(slates >= 0)
        if rows.size:
            active = (slates >= 0).any(axis=1)
            request = SlateRequest(
                queries=stated,
                feedback=feedback,
                eligible=~consumed & active[:, None],
                rated_positions=np.full((m, THOMPSON_WINDOW), -1, dtype=np.intp),
            )
            content, cf, _ = ranker.raw_scores(stated, request, with_cf=True)
            shown = slates[rows, slots]
            columns = {
                "content": content[rows, shown],
                "cf": cf[rows, shown],
                "popularity": context.popularity[shown],
                "hook": context.hook[shown],
            }
            features.append(np.stack([columns[f] for f in FEATURES], axis=1))
            keys.append(np.stack([rows, np.full(rows.size, t), slots], axis=1))
            items.append(shown)
            clicked.append(chosen[rows] == shown)
        thumbs = thumbs_all[t, users]
        took = np.flatnonzero(chosen >= 0)
        consumed[took, chosen[took]] = True
        rated = np.flatnonzero(thumbs != 0)
        feedback[rated, chosen[rated]] = thumbs[rated]
    if not keys:
        empty = np.zeros(0, np.intp)
        return np.zeros((0, 3), np.intp), np.zeros((0, len(FEATURES))), empty, empty.astype(bool)
    return (
        np.concatenate(keys).astype(np.intp),
        np.concatenate(features),
        np.concatenate(items).astype(np.intp),
        np.concatenate(clicked),
    )


def impressions(
    item_ids: list[str],
    runs: list[GroupRun],
    sampled: NDArray[np.intp],
    context: RankingContext,
    user_label,
) -> Impressions:
    """The impressions of the ``sampled`` user numbers, sorted by user, step and position;
    ``user_label(number)`` names a user as the thumbs log does."""
    frames, blocks = [], []
    ids = np.asarray(item_ids)
    for run in runs:
        mine = sampled[(sampled >= run.first_user) & (sampled < run.first_user + run.start.size)]
        if mine.size == 0:
            continue
        keys, features, items, clicked = replay_features(run, mine - run.first_user, context)
        user = mine[keys[:, 0]]
        frames.append(
            pd.DataFrame(
                {
                    "user_number": user,
                    "item_id": ids[items],
                    "step": keys[:, 1] + 1,
                    "position": keys[:, 2] + 1,
                    "clicked": clicked.astype(int),
                }
            )
        )
        blocks.append(features)
    frame = pd.concat(frames, ignore_index=True)
    order = np.lexsort((frame["position"], frame["step"], frame["user_number"]))
    frame = frame.iloc[order].reset_index(drop=True)
    users = frame.pop("user_number").to_numpy(dtype=np.intp)
    frame.insert(0, "user_id", [user_label(u) for u in users])
    return Impressions(frame.loc[:, list(IMPRESSION_COLUMNS)], np.concatenate(blocks)[order], users)


def impressions_bytes(frame: pd.DataFrame) -> bytes:
    """The impressions as the exact gzip bytes written to disk (no timestamp in the header)."""
    body = frame.to_csv(index=False, lineterminator="\n").encode()
    return gzip.compress(body, compresslevel=9, mtime=0)

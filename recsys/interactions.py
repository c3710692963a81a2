"""The interaction log collaborative filtering learns from, and the generator that writes it.

No real users have met this catalogue, so the log comes from simulated visitors
(``recsys.simulation``): each is built on a persona's hidden taste (plus a little of a second
persona's, plus noise), types that persona's stated interests, and meets a *logging policy*
for ``rounds`` rounds. The logging policy is what a site without CF would run: the items
nearest the stated interests, with half the slots given to random items (epsilon-greedy,
epsilon = 1/2), so the log covers the catalogue. Every thumbs-up or thumbs-down becomes a row
``user_id, item_id, thumbs (+1/-1), step (the round)``.

Because tastes reach beyond the stated interests (Ada types "machine learning" but also likes
science fiction and chess), the log holds co-likes that the text does not: what CF can add.

Regenerate the shipped file with ``python -m recsys.interactions`` (seed and sizes in
``LOG_SEED``, ``LOG_USERS``, ``LOG_ROUNDS``); ``--check`` verifies the shipped file instead.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import logging
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from numpy.typing import NDArray

from recsys.catalog import ASSETS_DIR, Catalogue
from recsys.collaborative import LOG_COLUMNS
from recsys.context import ranking_context
from recsys.simulation.environment import LabSettings, simulate
from recsys.simulation.users import PersonaVectors, UserParameters, make_population
from recsys.strategy import Strategy

_log = logging.getLogger(__name__)

LOG_PATH = ASSETS_DIR / "interactions.csv"
MANIFEST_PATH = ASSETS_DIR / "interactions.json"
LOG_SEED = 20261123
LOG_USERS = 3500
LOG_ROUNDS = 60
LOGGING_POLICY = Strategy(
    "Logging policy (interest text, half random)",
    learns=False,
    exploration="epsilon",
    epsilon=0.5,
)


def generate_log(
    catalogue: Catalogue,
    item_vectors: NDArray[np.float32],
    personas: PersonaVectors,
    n_users: int,
    rounds: int,
    seed: int,
    params: UserParameters | None = None,
) -> pd.DataFrame:
    """The log (columns ``LOG_COLUMNS``, sorted by user then step) of ``n_users`` simulated
    visitors over ``rounds`` rounds. The same inputs and seed give the same rows."""
    params = params or UserParameters()
    population = make_population(
        personas, item_vectors, n_users, params, np.random.default_rng([seed, 0])
    )
    context = ranking_context(catalogue, item_vectors)  # no log yet: content only
    run = simulate(
        LOGGING_POLICY,
        context,
        population,
        catalogue.items["quality"].to_numpy(dtype=float),
        LabSettings(n_users=n_users, rounds=rounds, seed=seed),
        params,
        np.random.default_rng([seed, 1]),
    )
    step, user = np.nonzero(run.thumbs.astype(bool))
    order = np.lexsort((step, user))
    step, user = step[order], user[order]
    ids = np.asarray(catalogue.item_ids)
    width = len(str(n_users))
    return pd.DataFrame(
        {
            "user_id": [f"sim-{u + 1:0{width}d}" for u in user],
            "item_id": ids[run.chosen[step, user]],
            "thumbs": run.thumbs[step, user].astype(int),
            "step": step + 1,
        }
    )


def log_csv(log: pd.DataFrame) -> bytes:
    """The log as the exact bytes written to disk (its sha256 is the log's identity)."""
    return log.loc[:, list(LOG_COLUMNS)].to_csv(index=False, lineterminator="\n").encode()


@dataclass(frozen=True)
class InteractionLog:
    """A log read from disk, and the catalogue fingerprint it was generated for."""

    events: pd.DataFrame
    catalogue_fingerprint: str
    manifest: dict[str, object]


def write_log(
    log: pd.DataFrame,
    catalogue: Catalogue,
    manifest_extra: dict[str, object],
    path: Path = LOG_PATH,
    manifest_path: Path = MANIFEST_PATH,
) -> dict[str, object]:
    body = log_csv(log)
    path.write_bytes(body)
    manifest = {
        "catalogue_fingerprint": catalogue.fingerprint,
        "users": int(log["user_id"].nunique()),
        "events": len(log),
        "likes": int((log["thumbs"] > 0).sum()),
        "file_sha256": hashlib.sha256(body).hexdigest(),
        **manifest_extra,
    }
    manifest_path.write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    return manifest


def read_log(path: Path = LOG_PATH, manifest_path: Path = MANIFEST_PATH) -> InteractionLog:
    """Read the shipped log; raises ``ValueError`` if the file does not match its manifest."""
    manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
    body = path.read_bytes()
    if hashlib.sha256(body).hexdigest() != manifest["file_sha256"]:
        raise ValueError(f"{path.name} does not match the checksum in {manifest_path.name}")
    events = pd.read_csv(path, dtype={"user_id": str, "item_id": str})
    missing = set(LOG_COLUMNS) - set(events.columns)
    if missing:
        raise ValueError(f"{path.name} lacks the columns {', '.join(sorted(missing))}")
    return InteractionLog(events, str(manifest["catalogue_fingerprint"]), manifest)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=LOG_SEED)
    parser.add_argument("--users", type=int, default=LOG_USERS)
    parser.add_argument("--rounds", type=int, default=LOG_ROUNDS)
    parser.add_argument(
        "--check", action="store_true", help="regenerate and compare with the shipped file"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    from recsys.catalog import load_catalogue, load_personas
    from recsys.embeddings import catalogue_embeddings
    from recsys.encoder import load_encoder
    from recsys.simulation.users import embed_personas

    catalogue = load_catalogue()
    loaded = load_encoder()
    encoder = loaded.encoder
    if encoder is None:
        _log.error("the log is generated with the sentence model, which did not load")
        return 1
    embeddings = catalogue_embeddings(catalogue, encoder)
    personas = embed_personas(load_personas(), encoder.encode)
    log = generate_log(catalogue, embeddings.matrix, personas, args.users, args.rounds, args.seed)
    digest = hashlib.sha256(log_csv(log)).hexdigest()
    if args.check:
        shipped = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))["file_sha256"]
        same = shipped == digest
        _log.info("regenerated sha256 %s; shipped %s: %s", digest, shipped, same)
        return 0 if same else 1
    manifest = write_log(
        log,
        catalogue,
        {
            "seed": args.seed,
            "simulated_users": args.users,  # "users" counts those who gave a thumb
            "rounds": args.rounds,
            "model": encoder.name,
            "model_sha256": encoder.model_sha256,
            "command": "python -m recsys.interactions"
            + (f" --seed {args.seed}" if args.seed != LOG_SEED else "")
            + (f" --users {args.users}" if args.users != LOG_USERS else "")
            + (f" --rounds {args.rounds}" if args.rounds != LOG_ROUNDS else ""),
        },
    )
    _log.info("wrote %s: %s", LOG_PATH, json.dumps(manifest))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

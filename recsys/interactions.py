"""The interaction log collaborative filtering learns from, its impressions, and the generator.

No real users have met this catalogue, so the log comes from simulated visitors
(``recsys.simulation``) *the Simulation Lab never draws* (``recsys.log_population``: two
personas held out, stronger persona mixtures, four perturbed parameter groups). Each types
their persona's stated interests and meets a *logging policy* for ``rounds`` rounds: what a
site without CF would run, the items nearest the stated interests with half the slots given
to random items (epsilon-greedy, epsilon = 1/2), so the log covers the catalogue. Every
thumbs-up or thumbs-down becomes a row ``user_id, item_id, thumbs (+1/-1), step (the round)``.

Because tastes reach beyond the stated interests (Ada types "machine learning" but also likes
science fiction and chess), the log holds co-likes that the text does not: what CF can add.
For a sample of the users the slates themselves are kept too (``assets/impressions.csv.gz``,
``recsys.impressions``), and the click model the Click-maximiser ranks by is fitted on them
(``assets/click_model.json``, ``recsys.click_model``).

Regenerate the shipped files with ``python -m recsys.interactions`` (seed and sizes in
``LOG_SEED``, ``LOG_USERS``, ``LOG_ROUNDS``); ``--check`` verifies the shipped files instead.
``recsys.log_population.log_provenance`` says in one sentence what the log shares with the
lab's users.
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
from recsys.click_model import CLICK_MODEL_PATH, ClickModel, fit_click_model, save_click_model
from recsys.collaborative import LOG_COLUMNS
from recsys.context import ranking_context
from recsys.impressions import (
    IMPRESSION_USERS,
    IMPRESSIONS_PATH,
    Impressions,
    impressions,
    impressions_bytes,
    sample_users,
)
from recsys.log_population import (
    ABSENT_PERSONAS,
    GroupRun,
    popularity_quality_spearman,
    population_manifest,
    simulate_log_population,
)
from recsys.log_population import LOGGING_POLICY as LOGGING_POLICY  # where it is imported
from recsys.log_population import log_provenance as log_provenance
from recsys.simulation.personas import PersonaVectors

_log = logging.getLogger(__name__)

LOG_PATH = ASSETS_DIR / "interactions.csv"
MANIFEST_PATH = ASSETS_DIR / "interactions.json"
LOG_SEED = 20261123
LOG_USERS = 3500
LOG_ROUNDS = 60
#: The log this generator replaced (commit 060ad24), written by the lab's own population:
#: its popularity-quality Spearman, measured with ``popularity_quality_spearman``.
LAB_POPULATION_LOG = {
    "file_sha256": "8c40b2dc0d56fc5a299cc166840abe852da92a186147b008d63ab885631009ff",
    "popularity_quality_spearman": 0.3734,
}


@dataclass(frozen=True)
class GeneratedLog:
    """What one generation gives: the thumbs ``events`` (``LOG_COLUMNS``), the groups' runs,
    the sampled users' ``impressions`` and the ``click_model`` fitted on them (None when
    generated without impressions)."""

    events: pd.DataFrame
    runs: list[GroupRun]
    impressions: Impressions | None
    click_model: ClickModel | None

    def persona_of_user(self) -> dict[str, str]:
        """Each logged user id's persona id."""
        width = _width(self.runs)
        return {
            _label(run.first_user + u, width): persona
            for run in self.runs
            for u, persona in enumerate(run.persona_ids)
        }


def _width(runs: list[GroupRun]) -> int:
    return len(str(sum(run.start.size for run in runs)))


def _label(number: int, width: int) -> str:
    return f"sim-{number + 1:0{width}d}"


def generate(
    catalogue: Catalogue,
    item_vectors: NDArray[np.float32],
    personas: PersonaVectors,
    n_users: int,
    rounds: int,
    seed: int,
    impression_users: int = 0,
    absent: tuple[str, ...] = ABSENT_PERSONAS,
) -> GeneratedLog:
    """The log of ``n_users`` simulated visitors (``recsys.log_population``) over ``rounds``
    rounds, and for ``impression_users`` of them the impressions and the click model fitted
    on them. The same inputs and seed give the same rows."""
    runs = simulate_log_population(catalogue, item_vectors, personas, n_users, rounds, seed, absent)
    events = pd.concat([_thumbs(run, catalogue, _width(runs)) for run in runs], ignore_index=True)
    if impression_users == 0:
        return GeneratedLog(events, runs, None, None)
    sampled = sample_users(n_users, impression_users, seed)
    width = _width(runs)
    others = ~events["user_id"].isin([_label(u, width) for u in sampled])
    context = ranking_context(catalogue, item_vectors, events[others], click_model=None)
    shown = impressions(
        catalogue.item_ids, runs, sampled, context, lambda number: _label(number, width)
    )
    model = fit_click_model(
        shown.features,
        shown.clicked,
        shown.users,
        hashlib.sha256(impressions_bytes(shown.frame)).hexdigest(),
        np.random.default_rng([seed, 4]),
    )
    return GeneratedLog(events, runs, shown, model)


def generate_log(
    catalogue: Catalogue,
    item_vectors: NDArray[np.float32],
    personas: PersonaVectors,
    n_users: int,
    rounds: int,
    seed: int,
    absent: tuple[str, ...] = ABSENT_PERSONAS,
) -> pd.DataFrame:
    """The thumbs log (columns ``LOG_COLUMNS``, sorted by user then step) of ``generate``."""
    return generate(catalogue, item_vectors, personas, n_users, rounds, seed, 0, absent).events


def _thumbs(run: GroupRun, catalogue: Catalogue, width: int) -> pd.DataFrame:
    """One group's thumbs as log rows, sorted by user then step."""
    step, user = np.nonzero(run.run.thumbs.astype(bool))
    order = np.lexsort((step, user))
    step, user = step[order], user[order]
    ids = np.asarray(catalogue.item_ids)
    return pd.DataFrame(
        {
            "user_id": [_label(run.first_user + u, width) for u in user],
            "item_id": ids[run.run.chosen[step, user]],
            "thumbs": run.run.thumbs[step, user].astype(int),
            "step": step + 1,
        }
    )


def persona_vectors_sha256(personas) -> str:
    """sha256 of the persona vectors a log was simulated from: the log is a chaotic function
    of them, so it can be regenerated byte for byte only where the model gives these bits."""
    digest = hashlib.sha256()
    for part in (personas.stated, personas.hidden, personas.drift, personas.phrases):
        if part is not None:
            digest.update(np.ascontiguousarray(part, dtype=np.float32).tobytes())
    return digest.hexdigest()


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


def _manifest_extra(args, generated: GeneratedLog, encoder, personas_digest: str) -> dict:
    """Everything the manifest says beyond the file's own counts and checksum."""
    shown, model = generated.impressions, generated.click_model
    body = impressions_bytes(shown.frame)
    return {
        "seed": args.seed,
        "simulated_users": args.users,  # "users" counts those who gave a thumb
        "persona_vectors_sha256": personas_digest,
        "rounds": args.rounds,
        "model": encoder.name,
        "model_sha256": encoder.model_sha256,
        "population": population_manifest(generated.runs, ABSENT_PERSONAS),
        "popularity_quality_spearman": {
            "this_log": popularity_quality_spearman(generated.events, args.catalogue),
            "lab_population_log": LAB_POPULATION_LOG["popularity_quality_spearman"],
            "lab_population_log_sha256": LAB_POPULATION_LOG["file_sha256"],
        },
        "impressions": {
            "file": IMPRESSIONS_PATH.name,
            "file_sha256": hashlib.sha256(body).hexdigest(),
            "bytes": len(body),
            "rows": len(shown.frame),
            "users": int(shown.frame["user_id"].nunique()),
            "sampled_users": f"{args.impression_users} of {args.users}, seeded [seed, 3]",
            "clicks": int(shown.frame["clicked"].sum()),
            "clicks_per_impression": float(shown.frame["clicked"].mean()),
        },
        "click_model": {
            "file": CLICK_MODEL_PATH.name,
            "held_out_auc": model.with_log.held_out_auc,
            "held_out_auc_without_log": model.without_log.held_out_auc,
            "coefficients": dict(
                zip(model.with_log.features, model.with_log.coefficients, strict=True)
            ),
        },
        "command": "python -m recsys.interactions"
        + (f" --seed {args.seed}" if args.seed != LOG_SEED else "")
        + (f" --users {args.users}" if args.users != LOG_USERS else "")
        + (f" --rounds {args.rounds}" if args.rounds != LOG_ROUNDS else ""),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=LOG_SEED)
    parser.add_argument("--users", type=int, default=LOG_USERS)
    parser.add_argument("--rounds", type=int, default=LOG_ROUNDS)
    parser.add_argument("--impression-users", type=int, default=IMPRESSION_USERS)
    parser.add_argument(
        "--check", action="store_true", help="regenerate and compare with the shipped files"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")

    from recsys.catalog import load_catalogue, load_personas
    from recsys.embeddings import catalogue_embeddings
    from recsys.encoder import load_encoder
    from recsys.simulation.personas import embed_personas

    args.catalogue = catalogue = load_catalogue()
    encoder = load_encoder().encoder
    if encoder is None:
        _log.error("the log is generated with the sentence model, which did not load")
        return 1
    embeddings = catalogue_embeddings(catalogue, encoder)
    personas = embed_personas(load_personas(), encoder.encode)
    generated = generate(
        catalogue,
        embeddings.matrix,
        personas,
        args.users,
        args.rounds,
        args.seed,
        args.impression_users,
    )
    digests = (
        hashlib.sha256(log_csv(generated.events)).hexdigest(),
        hashlib.sha256(impressions_bytes(generated.impressions.frame)).hexdigest(),
    )
    if args.check:
        shipped = json.loads(MANIFEST_PATH.read_text(encoding="utf-8"))
        same = digests == (shipped["file_sha256"], shipped["impressions"]["file_sha256"])
        _log.info("regenerated sha256 %s; shipped: %s", digests, same)
        return 0 if same else 1
    extra = _manifest_extra(args, generated, encoder, persona_vectors_sha256(personas))
    IMPRESSIONS_PATH.write_bytes(impressions_bytes(generated.impressions.frame))
    save_click_model(generated.click_model)
    manifest = write_log(generated.events, catalogue, extra)
    _log.info("wrote %s: %s", LOG_PATH, json.dumps(manifest))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

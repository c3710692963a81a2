"""Who wrote the interaction log: simulated people the Simulation Lab never draws.

The lab's users (``recsys.simulation.users.make_population`` with ``UserParameters()``) are
drawn uniformly from all ten personas, each with a second persona's share w2 ~ U(0, 0.35),
and all share one parameter set. Had the log been written by the same population, CF and
popularity would be handed the lab's own utility function. The log's people differ in three
ways:

- **personas**: ``ABSENT_PERSONAS`` never appear in the log, neither as a user's persona nor
  as a second persona (``recsys.simulation.personas.only_personas``), so the lab can run
  Hybrid on people CF has never seen (``absent_persona_line``);
- **mixtures**: w2 ~ U(``LOG_SECOND_SHARE``) = U(0.4, 0.8), outside the lab's U(0, 0.35):
  every logged user blends two personas more strongly than any lab user does;
- **parameters**: the users come in ``PARAMETER_GROUPS``, equal shares each, whose choice and
  utility weights, noise, boredom, drift and memory are moved by 25-100% from the lab's
  defaults (each group replaces the values it names; the rest stay the lab's).

What the log still shares with the lab's users (``SHARED_WITH_LAB``, also in the manifest):
the catalogue and its embeddings; the item ``quality`` and ``hook`` the simulator's users
respond to; the hidden tastes, stated interests and drift of the eight included personas;
the form of the user model (logit choice over the slate with a no-click option of two
neutral items' mass, utility sigmoid(match + quality - boredom + noise), thumbs thresholds,
satisfaction and leaving); and the logging policy. So popularity still carries quality
(a user of any group likes good items more), which ``popularity_quality_spearman`` measures.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import NDArray
from scipy.stats import spearmanr

from recsys.catalog import Catalogue
from recsys.collaborative import popularity, rating_matrix
from recsys.context import RankingContext, ranking_context
from recsys.simulation.comparisons import paired_difference
from recsys.simulation.environment import LabSettings, StrategyRun, Streams, run_lab, simulate
from recsys.simulation.personas import PersonaVectors, only_personas
from recsys.simulation.users import Population, UserParameters, make_population
from recsys.strategy import PRESETS, Strategy

ABSENT_PERSONAS = ("leo", "amara")  # never in the log: the lab's people CF has never seen
LOG_SECOND_SHARE = (0.4, 0.8)  # w2 ~ U(low, high) in the log; the lab's is U(0, 0.35)
PARAMETER_GROUPS: dict[str, dict[str, float]] = {
    # each replaces the lab's values it names (UserParameters() for the rest)
    "match-led": {"match_weight": 1.4, "hook_weight": 2.0, "quality_weight": 2.0},
    "hook-led": {"match_weight": 0.75, "hook_weight": 4.5, "boredom_weight": 3.5},
    "quality-led": {"quality_weight": 4.5, "drift_rate": 0.02, "boredom_weight": 1.5},
    "noisy": {"taste_noise": 0.7, "utility_noise": 0.8, "memory_decay": 0.6},
}
SHARED_WITH_LAB = (
    "the catalogue and its embeddings",
    "the item quality and hook the simulated users respond to",
    "the hidden tastes, stated interests and drift of the included personas",
    "the form of the user model (logit choice with a no-click option, utility, thumbs)",
    "the logging policy",
)
LOGGING_POLICY = Strategy(
    "Logging policy (interest text, half random)",
    learns=False,
    exploration="epsilon",
    epsilon=0.5,
)


@dataclass(frozen=True)
class GroupRun:
    """One parameter group's users under the logging policy: ``start`` the population as it
    was before round 1 (stated vectors, personas), ``run`` what happened, ``first_user`` the
    group's first user number (users are numbered 0.. across groups), ``persona_ids`` the
    persona id of each of the group's users."""

    group: str
    params: UserParameters
    start: Population
    run: StrategyRun
    first_user: int
    persona_ids: tuple[str, ...]


def group_parameters(name: str, groups: Mapping[str, Mapping[str, float]]) -> UserParameters:
    """The lab's parameters with group ``name``'s values and the log's mixture range."""
    low, high = LOG_SECOND_SHARE
    return dataclasses.replace(
        UserParameters(), second_persona_min=low, second_persona_max=high, **groups[name]
    )


def simulate_log_population(
    catalogue: Catalogue,
    item_vectors: NDArray[np.float32],
    personas: PersonaVectors,
    n_users: int,
    rounds: int,
    seed: int,
    absent: Sequence[str] = ABSENT_PERSONAS,
    groups: Mapping[str, Mapping[str, float]] = PARAMETER_GROUPS,
) -> list[GroupRun]:
    """``n_users`` logged users (split evenly over ``groups``, the first groups taking the
    remainder) meeting ``LOGGING_POLICY`` for ``rounds`` rounds. Group g draws its users from
    ``[seed, g, 0]`` and its two streams from ``[seed, g, 1]`` and ``[seed, g, 2]``."""
    included = only_personas(personas, [one for one in personas.ids if one not in absent])
    context = ranking_context(catalogue, item_vectors, click_model=None)  # content only
    quality = catalogue.items["quality"].to_numpy(dtype=float)
    sizes = np.full(len(groups), n_users // len(groups))
    sizes[: n_users % len(groups)] += 1
    runs, first = [], 0
    for g, (name, size) in enumerate(zip(groups, sizes.tolist(), strict=True)):
        params = group_parameters(name, groups)
        start = make_population(
            included, item_vectors, size, params, np.random.default_rng([seed, g, 0])
        )
        streams = Streams(np.random.default_rng([seed, g, 1]), np.random.default_rng([seed, g, 2]))
        settings = LabSettings(n_users=size, rounds=rounds, seed=seed, replicates=1)
        run = simulate(LOGGING_POLICY, context, start.copy(), quality, settings, params, streams)
        ids = tuple(included.ids[p] for p in start.persona.tolist())
        runs.append(GroupRun(name, params, start, run, first, ids))
        first += size
    return runs


def popularity_quality_spearman(log: pd.DataFrame, catalogue: Catalogue) -> float:
    """Spearman's rank correlation, over the catalogue's items, between the log's popularity
    (``recsys.collaborative.popularity``, log(1 + likes)) and the simulator's ``quality``."""
    pop = popularity(rating_matrix(log, catalogue))
    quality = catalogue.items["quality"].to_numpy(dtype=float)
    return float(spearmanr(pop, quality).statistic)


def population_manifest(runs: list[GroupRun], absent: Sequence[str]) -> dict[str, object]:
    """What the manifest records of the log's people: absent personas, the mixture range, each
    group's parameters that differ from the lab's and its size, users per persona."""
    lab = dataclasses.asdict(UserParameters())
    personas = pd.Series([one for r in runs for one in r.persona_ids]).value_counts()
    return {
        "absent_personas": list(absent),
        "second_persona_share": list(LOG_SECOND_SHARE),
        "lab_second_persona_share": [lab["second_persona_min"], lab["second_persona_max"]],
        "parameter_groups": {
            r.group: {
                "users": r.start.size,
                "changed": {
                    key: value
                    for key, value in dataclasses.asdict(r.params).items()
                    if value != lab[key] and not key.startswith("second_persona")
                },
            }
            for r in runs
        },
        "users_per_persona": {str(k): int(v) for k, v in sorted(personas.items())},
        "shared_with_lab": list(SHARED_WITH_LAB),
    }


def log_provenance(manifest: dict[str, object]) -> str:
    """One sentence from the log's manifest: who wrote the log and what it shares with the
    Simulation Lab's users."""
    population = manifest.get("population")
    if not isinstance(population, dict):
        return (
            "The interaction log was written by simulated users like the lab's own: same "
            "personas, same parameters, same logging policy."
        )
    low, high = population["second_persona_share"]
    lab_low, lab_high = population["lab_second_persona_share"]
    absent = _and([str(one).title() for one in population["absent_personas"]], ", ")
    shared = _and([str(one) for one in population["shared_with_lab"]], "; ")
    spearman = manifest.get("popularity_quality_spearman", {})
    return (
        f"The interaction log was written by {manifest['simulated_users']:,} simulated users "
        f"the lab never draws (without the personas {absent}, second-persona share "
        f"{low:g}-{high:g} against the lab's {lab_low:g}-{lab_high:g}, "
        f"{len(population['parameter_groups'])} perturbed parameter groups). It still shares "
        f"with the lab's users {shared}. So popularity still tracks quality (Spearman "
        f"{spearman.get('this_log', float('nan')):.2f}; "
        f"{spearman.get('lab_population_log', float('nan')):.2f} for a log of the lab's own)."
    )


def absent_persona_line(
    context: RankingContext,
    personas: PersonaVectors,
    quality: NDArray[np.float64],
    settings: LabSettings,
    params: UserParameters,
    absent: Sequence[str] = ABSENT_PERSONAS,
) -> str:
    """One line: Hybrid against Adaptive (feedback) on final satisfaction, paired per user,
    for lab users drawn only from the personas ``absent`` from the log, and for lab users
    drawn only from the logged ones (``only_personas``; each a full ``run_lab``)."""
    pair = [PRESETS["Hybrid (CF + content)"], PRESETS["Adaptive (feedback)"]]
    logged = [one for one in personas.ids if one not in absent]
    parts = []
    for label, ids in (("absent from the log", list(absent)), ("in the log", logged)):
        hybrid, adaptive = run_lab(
            pair, context, only_personas(personas, ids), quality, settings, params
        )
        difference = paired_difference(hybrid, adaptive, "final_satisfaction")
        parts.append(f"on personas {label} ({', '.join(ids)}) {difference.signed()}")
    return (
        "Hybrid − Adaptive (feedback), final satisfaction per user (95% interval): "
        + "; ".join(parts)
        + f" ({settings.replicates} × {settings.n_users} users each)."
    )


def _and(parts: list[str], separator: str) -> str:
    """The parts as "a, b and c", ``separator`` between all but the last two."""
    return parts[0] if len(parts) < 2 else separator.join(parts[:-1]) + " and " + parts[-1]

"""A simulator of users meeting a recommender, round after round (pure numpy, seeded)."""

from recsys.simulation.environment import (
    LabSettings,
    StrategyRun,
    Streams,
    population_rng,
    run_lab,
    simulate,
)
from recsys.simulation.personas import PersonaVectors, embed_personas, only_personas
from recsys.simulation.state import RecommenderState
from recsys.simulation.users import (
    Population,
    UserParameters,
    advance,
    choose,
    make_population,
    respond,
)

__all__ = [
    "LabSettings",
    "PersonaVectors",
    "Population",
    "RecommenderState",
    "Streams",
    "StrategyRun",
    "UserParameters",
    "advance",
    "choose",
    "embed_personas",
    "make_population",
    "only_personas",
    "population_rng",
    "respond",
    "run_lab",
    "simulate",
]

"""A simulator of users meeting a recommender, round after round (pure numpy, seeded)."""

from recsys.simulation.environment import LabSettings, StrategyRun, run_lab, simulate
from recsys.simulation.users import (
    PersonaVectors,
    Population,
    UserParameters,
    advance,
    choose,
    embed_personas,
    make_population,
    respond,
)

__all__ = [
    "LabSettings",
    "PersonaVectors",
    "Population",
    "StrategyRun",
    "UserParameters",
    "advance",
    "choose",
    "embed_personas",
    "make_population",
    "respond",
    "run_lab",
    "simulate",
]

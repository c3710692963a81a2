"""Simulated users: hidden taste, stated interests, drift, boredom, choice, thumbs, satisfaction.

After RecSim's interest-evolution model (Ie et al. 2019), written for this catalogue. Item i
has a unit embedding x_i, a ``quality`` q_i and a ``hook`` h_i in [0, 1]. User u has:

- a hidden taste t_u = normalise(T_p + w2 * T_p2 + sigma_t * g / sqrt(d)) built from their
  persona p's ``hidden_taste`` embedding T_p, a little of a second persona p2 (w2 uniform
  in [``second_persona_min``, ``second_persona_max``]) and Gaussian noise g; and a
  stated-interest vector c_u = normalise(C_p + sigma_c * g' / sqrt(d)) from the persona's
  ``stated_interests``: what the user types, which overlaps their taste but is not it;
- drift: each round t <- normalise(t + delta * (D_p - t)), D_p the persona's
  ``drift_towards`` embedding;
- match: z_i = (t . x_i - mu_u) / s_u, the taste match standardised by the mean and standard
  deviation of t_u . x over the catalogue at the start (so the scale does not depend on the
  encoder);
- boredom: b_i = max(0, max_{j in last W consumed} x_i . x_j - b0) / (1 - b0).

Each round the user sees a slate and chooses by a multinomial logit with a no-click option::

    appeal_i = w_m (z_i - z0) + w_h (h_i - 1/2) - w_b b_i,   appeal_none = a0
    P(i) = exp(appeal_i) / (exp(a0) + sum_j exp(appeal_j))

The chosen item is consumed, and its realised utility is::

    r = sigmoid(w_m (z_i - z0) + w_q (q_i - 1/2) - w_b b_i + eps),   eps ~ N(0, sigma_e^2)

(no click: r = r_none). The hook raises the chance of a click, the quality the utility: the
"chocolate versus kale" trade-off. Thumbs: up if r > theta_up, down if r < theta_down, else
none. Satisfaction S_0 = S_init, S_t = gamma S_(t-1) + (1 - gamma) r_t; a user whose S stays
below ``leave_below`` for ``patience`` rounds in a row leaves and sees no more slates.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from recsys.encoder import l2_normalise
from recsys.simulation.personas import PersonaVectors

#: The no-click option's appeal: ln 2, the mass of two neutral items (an item at the neutral
#: match z0, hook 1/2 and no boredom has appeal 0, mass e^0 = 1). RecSim's interest-evolution
#: users (Ie et al. 2019; ``IEvUserDistributionSampler``) choose by a proportional model with
#: ``no_click_mass`` 1 and ``min_normalizer`` -1: a neutral document (score 0) weighs 1 and the
#: no-click option 2. We take that figure rather than pick one to make a strategy look good.
NEUTRAL_PAIR = float(np.log(2.0))


@dataclass(frozen=True)
class UserParameters:
    """The simulated users' parameters (module docstring for the equations)."""

    taste_noise: float = 0.5  # sigma_t
    stated_noise: float = 0.3  # sigma_c
    second_persona_max: float = 0.35  # w2 ~ U(second_persona_min, this)
    second_persona_min: float = 0.0  # the lab's users: U(0, 0.35); the log's: outside it
    drift_rate: float = 0.01  # delta, per round
    memory: int = 5  # W, consumed items remembered for boredom
    boredom_floor: float = 0.3  # b0: similarity below this does not bore
    match_weight: float = 1.0  # w_m
    match_reference: float = 2.0  # z0: a match this many standard deviations up is neutral
    hook_weight: float = 3.0  # w_h
    quality_weight: float = 3.0  # w_q
    boredom_weight: float = 2.5  # w_b
    no_click_appeal: float = NEUTRAL_PAIR  # a0: the mass of two neutral items (RecSim)
    utility_noise: float = 0.5  # sigma_e
    no_click_utility: float = 0.35  # r_none
    like_above: float = 0.6  # theta_up
    dislike_below: float = 0.4  # theta_down
    memory_decay: float = 0.8  # gamma
    initial_satisfaction: float = 0.5  # S_init
    leave_below: float = 0.4
    patience: int = 3

    def __post_init__(self) -> None:
        """Refuse values the equations cannot take (a zero memory, b0 = 1 divides by zero)."""
        shares = ("drift_rate", "memory_decay", "initial_satisfaction", "leave_below")
        shares += ("no_click_utility", "like_above", "dislike_below", "boredom_floor")
        for name in shares:
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be in [0, 1], got {getattr(self, name)}")
        scales = ("taste_noise", "stated_noise", "second_persona_max", "utility_noise")
        for name in (*scales, "match_weight", "hook_weight", "quality_weight", "boredom_weight"):
            if not getattr(self, name) >= 0.0:
                raise ValueError(f"{name} must be at least 0, got {getattr(self, name)}")
        if self.boredom_floor == 1.0 or min(self.memory, self.patience) < 1:
            raise ValueError("boredom_floor must be below 1, memory and patience at least 1")
        if self.dislike_below > self.like_above:
            raise ValueError("dislike_below must not exceed like_above")


@dataclass
class Population:
    """m simulated users (fixed at creation) and their evolving state; arrays are per user.

    ``persona`` (m,) index into the persona vectors; ``stated`` (m, dim) what they type;
    ``taste`` (m, dim) current hidden taste; ``drift`` (m, dim); ``match_mean``/``match_std``
    (m,); ``recent`` (m, W) last consumed items, -1 padded; ``consumed`` (m, n) bool;
    ``satisfaction`` (m,); ``low_rounds`` (m,); ``active`` (m,) bool; ``phrases`` (m, J, dim)
    what they type, interest by interest, with ``phrase_present`` (m, J) (None: one interest,
    ``stated``)."""

    persona: NDArray[np.intp]
    stated: NDArray[np.float32]
    taste: NDArray[np.float32]
    drift: NDArray[np.float32]
    match_mean: NDArray[np.float64]
    match_std: NDArray[np.float64]
    recent: NDArray[np.intp]
    consumed: NDArray[np.bool_]
    satisfaction: NDArray[np.float64]
    low_rounds: NDArray[np.intp]
    active: NDArray[np.bool_]
    phrases: NDArray[np.float32] | None = None
    phrase_present: NDArray[np.bool_] | None = None

    @property
    def size(self) -> int:
        return len(self.persona)

    def copy(self) -> Population:
        """An independent copy (every strategy starts from the same users)."""
        return Population(
            **{name: None if v is None else v.copy() for name, v in vars(self).items()}
        )


def _noisy(base: NDArray[np.float32], scale: float, rng: np.random.Generator) -> NDArray:
    noise = rng.standard_normal(base.shape) / np.sqrt(base.shape[1])
    return l2_normalise((base + scale * noise).astype(np.float32))


def make_population(
    personas: PersonaVectors,
    item_vectors: NDArray[np.float32],
    n_users: int,
    params: UserParameters,
    rng: np.random.Generator,
) -> Population:
    """``n_users`` users, personas drawn uniformly; ``item_vectors`` (n, dim) unit rows."""
    n_personas = len(personas.ids)
    persona = rng.integers(n_personas, size=n_users)
    second = (persona + rng.integers(1, max(n_personas, 2), size=n_users)) % n_personas
    share = rng.uniform(params.second_persona_min, params.second_persona_max, size=(n_users, 1))
    taste = _noisy(
        personas.hidden[persona] + share * personas.hidden[second], params.taste_noise, rng
    )
    stated = _noisy(personas.stated[persona], params.stated_noise, rng)
    phrases, present = _typed_phrases(personas, persona, params.stated_noise, rng)
    matches = taste @ item_vectors.T
    return Population(
        persona=persona.astype(np.intp),
        stated=stated,
        taste=taste,
        drift=personas.drift[persona].copy(),
        match_mean=matches.mean(axis=1).astype(np.float64),
        match_std=np.maximum(matches.std(axis=1), 1e-6).astype(np.float64),
        recent=np.full((n_users, params.memory), -1, dtype=np.intp),
        consumed=np.zeros((n_users, len(item_vectors)), dtype=bool),
        satisfaction=np.full(n_users, params.initial_satisfaction),
        low_rounds=np.zeros(n_users, dtype=np.intp),
        active=np.ones(n_users, dtype=bool),
        phrases=phrases,
        phrase_present=present,
    )


def _typed_phrases(
    personas: PersonaVectors, persona: NDArray[np.intp], scale: float, rng: np.random.Generator
) -> tuple[NDArray[np.float32] | None, NDArray[np.bool_] | None]:
    """Each user's stated interests one by one, with the same noise as their whole text,
    drawn from a stream spawned off ``rng`` (so every other draw stays as it was)."""
    if personas.phrases is None:
        return None, None
    phrases = personas.phrases[persona]
    m, width, dim = phrases.shape
    noisy = _noisy(phrases.reshape(m * width, dim), scale, rng.spawn(1)[0]).reshape(phrases.shape)
    present = personas.phrase_present[persona].copy()
    return np.where(present[:, :, None], noisy, 0.0).astype(np.float32), present


@dataclass(frozen=True)
class Responses:
    """One round's outcome per user: ``chosen`` (m,) item position or -1 (no click, or not
    active), ``utility`` (m,) realised r (NaN when inactive), ``thumbs`` (m,) +1, -1 or 0."""

    chosen: NDArray[np.intp]
    utility: NDArray[np.float64]
    thumbs: NDArray[np.int8]


def _sigmoid(x: NDArray[np.float64]) -> NDArray[np.float64]:
    """1 / (1 + e^-x), written so that e^... never overflows for large |x|."""
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def respond(
    population: Population,
    slates: NDArray[np.intp],
    item_vectors: NDArray[np.float32],
    item_similarity: NDArray[np.float32],
    quality: NDArray[np.float64],
    hook: NDArray[np.float64],
    params: UserParameters,
    rng: np.random.Generator,
) -> Responses:
    """One round: every active user looks at their slate (m, k) (-1 = empty slot), chooses,
    consumes and rates (``choose``); then satisfaction, memory, drift and retention move one
    round, in place (``advance``). ``item_similarity`` is the (n, n) cosine matrix of the
    items (boredom)."""
    responses = choose(
        population, slates, item_vectors, item_similarity, quality, hook, params, rng
    )
    advance(population, responses, params)
    return responses


def choose(
    population: Population,
    slates: NDArray[np.intp],
    item_vectors: NDArray[np.float32],
    item_similarity: NDArray[np.float32],
    quality: NDArray[np.float64],
    hook: NDArray[np.float64],
    params: UserParameters,
    rng: np.random.Generator,
) -> Responses:
    """The choice model: which item of its slate (m, k) (-1 = empty slot) each active user
    clicks, if any, the utility it realises and the thumb it gives. Changes nothing.

    With match z_i and boredom b_i (``_match_and_boredom``) and base_i = w_m (z_i - z0) -
    w_b b_i, the user clicks item i of the slate or nothing by a multinomial logit::

        appeal_i = base_i + w_h (h_i - 1/2),   appeal_none = a0
        P(i) = exp(appeal_i) / (exp(a0) + sum_j exp(appeal_j))

    drawn as argmax(appeal + Gumbel noise), one U(1e-12, 1) per option, (m, k + 1) from
    ``rng`` first. Then, eps ~ N(0, sigma_e^2) drawn (m,) for every user::

        r = sigmoid(base_i + w_q (q_i - 1/2) + eps)   (no click: r = r_none)

    thumbs +1 if r > theta_up, -1 if r < theta_down, else 0 (no click: 0); inactive users
    choose -1 with utility NaN."""
    m, k = slates.shape
    safe = np.maximum(slates, 0)
    z, boredom = _match_and_boredom(population, safe, item_vectors, item_similarity, params)
    base = params.match_weight * (z - params.match_reference) - params.boredom_weight * boredom
    appeal = base + params.hook_weight * (hook[safe] - 0.5)
    appeal = np.where(slates >= 0, appeal, -np.inf)
    # Gumbel-max: argmax(appeal + Gumbel noise) is a draw from the logit probabilities.
    gumbel = -np.log(-np.log(rng.uniform(1e-12, 1.0, size=(m, k + 1))))
    options = np.concatenate([np.full((m, 1), params.no_click_appeal), appeal], axis=1)
    pick = np.argmax(options + gumbel, axis=1)  # 0 = no click
    clicked = population.active & (pick > 0)
    column = np.maximum(pick - 1, 0)
    chosen = np.where(clicked, safe[np.arange(m), column], -1)
    noise = rng.normal(0.0, params.utility_noise, size=m)
    realised = _sigmoid(
        base[np.arange(m), column]
        + params.quality_weight * (quality[np.maximum(chosen, 0)] - 0.5)
        + noise
    )
    utility = np.where(clicked, realised, params.no_click_utility)
    thumbs = np.zeros(m, dtype=np.int8)
    thumbs[clicked & (utility > params.like_above)] = 1
    thumbs[clicked & (utility < params.dislike_below)] = -1
    utility = np.where(population.active, utility, np.nan)
    return Responses(chosen=chosen.astype(np.intp), utility=utility, thumbs=thumbs)


def _match_and_boredom(
    population: Population,
    safe: NDArray[np.intp],
    item_vectors: NDArray[np.float32],
    item_similarity: NDArray[np.float32],
    params: UserParameters,
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """(m, k) match and boredom of each user's slate items ``safe`` (m, k) (empty slots as
    item 0, masked by the caller)::

        z_i = (t . x_i - mu_u) / s_u
        b_i = max(0, max_{j in recent} S_ij - b0) / (1 - b0)   (0 with nothing recent)"""
    vectors = item_vectors[safe]  # (m, k, dim)
    match = np.einsum("mkd,md->mk", vectors, population.taste)
    z = (match - population.match_mean[:, None]) / population.match_std[:, None]
    recent = population.recent
    seen = item_similarity[safe[:, :, None], np.maximum(recent, 0)[:, None, :]]
    seen = np.where(recent[:, None, :] >= 0, seen, -1.0).max(axis=2)
    boredom = np.maximum(0.0, seen - params.boredom_floor) / (1.0 - params.boredom_floor)
    return z, boredom


def advance(population: Population, responses: Responses, params: UserParameters) -> None:
    """The state transition, in place, for the users active this round (the others stay)::

        S_t = gamma S_(t-1) + (1 - gamma) r_t
        t <- normalise(t + delta (D_p - t))

    a clicked item is consumed and pushed onto the last W remembered (the oldest forgotten);
    ``low_rounds`` counts the rounds in a row with S_t < ``leave_below`` (0 otherwise, and
    for inactive users), and a user leaves once it reaches ``patience``."""
    active = population.active
    population.satisfaction = np.where(
        active,
        params.memory_decay * population.satisfaction
        + (1 - params.memory_decay) * responses.utility,
        population.satisfaction,
    )
    chosen = responses.chosen
    rows = np.flatnonzero(chosen >= 0)
    population.consumed[rows, chosen[rows]] = True
    population.recent[rows] = np.concatenate(
        [population.recent[rows, 1:], chosen[rows, None]], axis=1
    )
    population.taste = np.where(
        active[:, None],
        l2_normalise(population.taste + params.drift_rate * (population.drift - population.taste)),
        population.taste,
    ).astype(np.float32)
    low = active & (population.satisfaction < params.leave_below)
    population.low_rounds = np.where(low, population.low_rounds + 1, 0)
    population.active = active & (population.low_rounds < params.patience)

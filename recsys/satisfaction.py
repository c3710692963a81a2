"""Satisfaction, measured from what the visitor did: their thumbs.

With r_t = 1 for a thumbs-up and 0 for a thumbs-down at feedback step t, satisfaction is an
exponential moving average that starts neutral::

    S_0 = 1/2,   S_t = (1 - eta) * S_(t-1) + eta * r_t      (eta = smoothing, default 0.3)

so recent reactions count most and one thumb moves it by at most eta. Beside it the app shows
the like share so far, L_t = (r_1 + ... + r_t) / t, which weighs every step equally.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

INITIAL_SATISFACTION = 0.5
DEFAULT_SMOOTHING = 0.3


def satisfaction_series(
    likes: Sequence[bool],
    smoothing: float = DEFAULT_SMOOTHING,
    initial: float = INITIAL_SATISFACTION,
) -> NDArray[np.float64]:
    """S_1..S_n for n feedback steps (S_0 is not included): (n,) values in [0, 1]."""
    if not 0.0 < smoothing <= 1.0:
        raise ValueError(f"smoothing must be in (0, 1], got {smoothing}")
    series = np.empty(len(likes), dtype=np.float64)
    level = initial
    for t, liked in enumerate(likes):
        level = (1.0 - smoothing) * level + smoothing * float(liked)
        series[t] = level
    return series


def like_share_series(likes: Sequence[bool]) -> NDArray[np.float64]:
    """L_1..L_n, the share of thumbs-up among the first t ratings: (n,) values in [0, 1]."""
    rewards = np.asarray(likes, dtype=np.float64)
    return np.cumsum(rewards) / np.arange(1, rewards.size + 1)

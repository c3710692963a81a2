"""UserParameters refuses what the user model's equations cannot take, and takes what the
Simulation lab's sliders can set."""

import dataclasses

import pytest

from recsys.simulation import UserParameters

# The lab's sliders (pages/simulation.py USER_CONTROLS): parameter -> (lowest, highest).
LAB_LIMITS = {
    "drift_rate": (0.0, 0.1),
    "boredom_weight": (0.0, 6.0),
    "hook_weight": (0.0, 6.0),
    "quality_weight": (0.0, 6.0),
    "memory_decay": (0.0, 0.99),
    "leave_below": (0.0, 0.8),
}


@pytest.mark.parametrize("name", list(LAB_LIMITS))
def test_the_labs_limits_are_valid(name):
    for value in LAB_LIMITS[name]:
        assert getattr(UserParameters(**{name: value}), name) == value


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"memory_decay": 1.2}, "memory_decay must be in"),
        ({"drift_rate": -0.01}, "drift_rate must be in"),
        ({"leave_below": float("nan")}, "leave_below must be in"),
        ({"hook_weight": -1.0}, "hook_weight must be at least 0"),
        ({"utility_noise": -0.1}, "utility_noise must be at least 0"),
        ({"boredom_floor": 1.0}, "boredom_floor must be below 1"),
        ({"memory": 0}, "memory and patience at least 1"),
        ({"patience": 0}, "memory and patience at least 1"),
        ({"like_above": 0.3, "dislike_below": 0.5}, "dislike_below must not exceed"),
    ],
)
def test_values_the_equations_cannot_take_are_refused(changes, message):
    with pytest.raises(ValueError, match=message):
        dataclasses.replace(UserParameters(), **changes)

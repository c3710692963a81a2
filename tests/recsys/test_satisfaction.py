import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from recsys.satisfaction import like_share_series, satisfaction_series


def test_satisfaction_by_hand():
    # S0 = 0.5; up: 0.7*0.5 + 0.3 = 0.65; up: 0.7*0.65 + 0.3 = 0.755; down: 0.7*0.755 = 0.5285
    np.testing.assert_allclose(satisfaction_series([True, True, False]), [0.65, 0.755, 0.5285])


def test_like_share_by_hand():
    np.testing.assert_allclose(
        like_share_series([True, False, False, True]), [1.0, 0.5, 1 / 3, 0.5]
    )


def test_no_feedback_no_points():
    assert satisfaction_series([]).shape == (0,)
    assert like_share_series([]).shape == (0,)


@given(st.lists(st.booleans(), max_size=50), st.floats(0.01, 1.0))
def test_satisfaction_stays_in_zero_one_and_moves_at_most_eta(likes, eta):
    series = satisfaction_series(likes, smoothing=eta)
    assert np.all((series >= 0) & (series <= 1))
    steps = np.abs(np.diff(np.concatenate([[0.5], series])))
    assert np.all(steps <= eta + 1e-12)


def test_smoothing_must_be_positive():
    with pytest.raises(ValueError):
        satisfaction_series([True], smoothing=0.0)

import numpy as np
import pytest

from recsys.metrics import intra_list_similarity


def test_intra_list_similarity_by_hand():
    # pairs: (a, b) = 0.6, (a, c) = 0, (b, c) = 0.8 -> mean 1.4 / 3
    vectors = np.array([[1.0, 0.0, 0.0], [0.6, 0.8, 0.0], [0.0, 1.0, 0.0]], dtype=np.float32)
    assert intra_list_similarity(vectors) == pytest.approx(1.4 / 3)


def test_intra_list_similarity_needs_two_items():
    assert intra_list_similarity(np.ones((1, 3), dtype=np.float32)) is None
    assert intra_list_similarity(np.zeros((0, 3), dtype=np.float32)) is None

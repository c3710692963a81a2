from datetime import UTC, datetime

import numpy as np
import pytest

from recsys.encoder import l2_normalise
from recsys.profile import ProfileSettings, UserProfile
from recsys.projection import fit_pca, fit_tsne


@pytest.fixture
def item_vectors(rng):
    return l2_normalise(rng.standard_normal((60, 16)).astype(np.float32))


def test_pca_shapes_variance_and_projection_of_new_points(item_vectors):
    projection = fit_pca(item_vectors)
    assert projection.coordinates.shape == (60, 2)
    assert projection.explained_variance.shape == (2,)
    assert 0 < projection.explained_variance.sum() <= 1
    assert projection.explained_variance[0] >= projection.explained_variance[1]
    # items placed again land exactly where the fit put them
    np.testing.assert_allclose(projection.place(item_vectors), projection.coordinates, atol=1e-5)
    assert projection.place(item_vectors[0]).shape == (1, 2)


def test_pca_by_hand_on_a_line():
    # points on the x axis: PC1 is x, explains everything; the mean is 0
    points = np.array([[-2, 0], [0, 0], [2, 0]], dtype=np.float32)
    projection = fit_pca(points)
    np.testing.assert_allclose(projection.coordinates[:, 0], [-2, 0, 2], atol=1e-6)
    assert projection.explained_variance[0] == pytest.approx(1.0)


def test_same_data_same_picture(item_vectors):
    np.testing.assert_array_equal(
        fit_pca(item_vectors).coordinates, fit_pca(item_vectors.copy()).coordinates
    )


@pytest.mark.slow
def test_tsne_is_reproducible_and_places_points_near_their_neighbours(item_vectors):
    first, second = fit_tsne(item_vectors, seed=3), fit_tsne(item_vectors, seed=3)
    np.testing.assert_array_equal(first.coordinates, second.coordinates)
    assert first.explained_variance is None
    placed = first.place(item_vectors[5], k=1)
    np.testing.assert_allclose(placed[0], first.coordinates[5], atol=1e-4)


def test_tsne_placement_weights_by_hand():
    from recsys.projection import Projection

    # two items; a vector with cosines 0.9 and 0.8 gets softmax weights over (cos / 0.1)
    items = np.array([[1.0, 0.0], [0.0, 1.0]], dtype=np.float32)
    projection = Projection(
        "t-SNE", np.array([[0.0, 0.0], [10.0, 0.0]], dtype=np.float32), item_vectors=items
    )
    vector = np.array([0.9, 0.8], dtype=np.float32)
    w_second = 1 / (1 + np.exp((0.9 - 0.8) / 0.1))  # e^8 / (e^9 + e^8)
    placed = projection.place(vector, k=2, tau=0.1)
    np.testing.assert_allclose(placed[0], [10 * w_second, 0.0], rtol=1e-5)


def test_user_path_has_one_point_per_step_and_moves_toward_likes(item_vectors):
    profile = UserProfile()
    profile.set_interests("x", item_vectors[0], ["x"], item_vectors[:1])
    settings = ProfileSettings(learning_rate=0.5)
    for _ in range(3):
        profile.record_feedback("i7", "liked", item_vectors[7], True, settings, datetime.now(UTC))
    profile.record_feedback("i9", "other", item_vectors[9], True, settings, datetime.now(UTC))
    path = profile.interest_path(settings)
    assert path.shape == (1 + len(profile.feedback_log), 16)
    np.testing.assert_allclose(path[-1], profile.query(settings), rtol=1e-5)
    assert path[1] @ item_vectors[7] > path[0] @ item_vectors[7]
    projection = fit_pca(item_vectors)
    assert projection.place(path).shape == (len(path), 2)


def test_focus_box_by_hand():
    from recsys.projection import focus_box

    points = np.array([[0.0, 0.0], [2.0, 1.0]], dtype=np.float32)
    everything = np.array([[-10.0, -10.0], [10.0, 10.0]], dtype=np.float32)
    low, high = focus_box(points, everything, padding=0.5, min_share=0.2)
    # x: span 2 * (1 + 1) = 4 (more than 0.2 * 20 = 4, equal); y: 1 * 2 = 2 < 4, so 4
    np.testing.assert_allclose(low, [-1.0, -1.5])
    np.testing.assert_allclose(high, [3.0, 2.5])


@pytest.mark.parametrize(
    "vectors",
    [
        np.ones((1, 4)),
        np.ones((3, 1)),
        np.tile([[0.6, 0.8]], (4, 1)),
        # a real embedding repeated: the float32 mean is off by rounding, not exactly the row
        np.tile(np.random.default_rng(3).standard_normal((1, 384)) / np.sqrt(384), (7, 1)),
    ],
    ids=["one item", "one dimension", "identical items", "identical 384-d items"],
)
def test_pca_without_two_directions_of_variation(vectors):
    projection = fit_pca(vectors.astype(np.float32))
    assert projection.coordinates.shape == (len(vectors), 2)
    assert not np.isnan(projection.coordinates).any()
    assert projection.explained_variance.tolist() == [0.0, 0.0]


def test_tsne_refuses_too_few_items():
    with pytest.raises(ValueError, match="at least 5 items"):
        fit_tsne(np.eye(4, dtype=np.float32))

"""The Thompson-scale sweep (recsys.simulation.sweep) on a tiny grid."""

import numpy as np
import pytest

from recsys.catalog import ASSETS_DIR, load_catalogue
from recsys.context import RankingContext
from recsys.simulation import LabSettings, UserParameters
from recsys.simulation.sweep import TUNING_SEED, thompson_sweep
from tests.conftest import made_up_personas


def test_the_sweep_pairs_each_setting_with_plain_adaptive():
    catalogue = load_catalogue()
    vectors = np.load(ASSETS_DIR / "embeddings.npy")
    context = RankingContext(item_vectors=vectors, hook=catalogue.items["hook"].to_numpy(float))
    settings = LabSettings(n_users=20, rounds=4, slate_size=5, seed=3, replicates=2)
    table = thompson_sweep(
        context,
        made_up_personas(vectors, 3),
        catalogue.items["quality"].to_numpy(float),
        settings,
        UserParameters(),
        prior_scales=(0.05, 0.2),
        noise_scales=(0.5,),
    )
    assert sorted(table["prior_scale"]) == [0.05, 0.2]
    assert table["prior_thumbs"].tolist() == pytest.approx(
        [(0.5 / p) ** 2 for p in table["prior_scale"]]
    )
    assert table["final_satisfaction"].is_monotonic_decreasing  # best first
    assert (table["final_satisfaction_p_holm"] <= 1).all()
    assert set(table["retention_agreeing"].str.split("/").str[1]) == {"2"}
    assert LabSettings().seed != TUNING_SEED  # scales are not chosen on the lab's own users

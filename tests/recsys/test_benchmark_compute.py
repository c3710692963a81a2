import numpy as np

from recsys.benchmark.compute import LabTiming, time_lab
from recsys.catalog import ASSETS_DIR, load_catalogue
from recsys.context import RankingContext
from recsys.simulation import LabSettings
from recsys.strategy import PRESETS
from tests.conftest import made_up_personas


def test_the_lab_timing_runs_a_small_lab_and_says_its_figures():
    catalogue = load_catalogue()
    vectors = np.load(ASSETS_DIR / "embeddings.npy")
    context = RankingContext(item_vectors=vectors, hook=catalogue.items["hook"].to_numpy(float))
    settings = LabSettings(n_users=10, rounds=2, slate_size=3, replicates=2)
    strategies = [PRESETS["Static (interest text only)"], PRESETS["Random"]]
    quality = catalogue.items["quality"].to_numpy(float)
    timing = time_lab(strategies, context, made_up_personas(vectors), quality, settings, 2)
    assert timing.settings == settings and timing.strategies == 2 and timing.workers == 2
    assert timing.seconds > 0 and timing.per_replicate == timing.seconds / 2
    line = timing.line()
    assert line.startswith("2 strategies x 2 replicates x 10 users x 2 rounds, slate 3 (2 threads)")
    assert f"{timing.seconds:.1f} s ({timing.per_replicate:.1f} s a replicate" in line


def test_the_timing_line_by_hand():
    timing = LabTiming(LabSettings(), strategies=9, workers=2, seconds=18.0)
    assert timing.per_replicate == 3.6
    assert timing.line() == (
        "9 strategies x 5 replicates x 200 users x 50 rounds, slate 10 (2 threads)    18.0 s "
        "(3.6 s a replicate, 25,000 user-rounds/s)"
    )

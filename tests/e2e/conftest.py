"""Real-browser fixtures: `streamlit run app.py` on a free port, Debian chromium via playwright.

Without chromium these tests skip, unless RECSYS_REQUIRE_BROWSER=1 (set by .ci/run), where a
missing browser is a failure."""

import os
from pathlib import Path

import pytest

from tests.e2e.serve import CHROMIUM_PATH, chromium_browser, served_app
from tests.e2e.visitors import open_app

REPORTS = Path(__file__).parent / "artifacts"
ARTIFACTS = Path(os.environ.get("RECSYS_SCREENSHOT_DIR", REPORTS))


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM_PATH).exists():
        if os.environ.get("RECSYS_REQUIRE_BROWSER") == "1":
            pytest.fail(f"{CHROMIUM_PATH} is missing: apt-get install chromium")
        pytest.skip(f"no browser at {CHROMIUM_PATH} (apt-get install chromium)")
    with chromium_browser() as launched:
        yield launched


@pytest.fixture(scope="session")
def served():
    """The app every browser test shares: ``streamlit run app.py`` on a free port."""
    with served_app() as app:
        yield app


@pytest.fixture(scope="session")
def app_url(served):
    return served.url


@pytest.fixture
def page(browser, app_url):
    page = open_app(browser, app_url)
    yield page
    page.context.close()


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def reports() -> Path:
    """Where the endurance tests leave their figures (JSON), next to the screenshots."""
    REPORTS.mkdir(parents=True, exist_ok=True)
    return REPORTS

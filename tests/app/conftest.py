from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

APP = Path(__file__).resolve().parents[2] / "app.py"
TIMEOUT = 120  # the first run loads the real model


def started_app() -> AppTest:
    at = AppTest.from_file(str(APP), default_timeout=TIMEOUT)
    at.run()
    assert not at.exception
    return at


@pytest.fixture
def app() -> AppTest:
    return started_app()


@pytest.fixture
def make_app():
    """For tests that set the environment first (for example RECSYS_MODEL)."""
    return started_app

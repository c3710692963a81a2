"""AppTest: the Simulation lab runs, shows its charts, table and reading, and keeps them."""

import pytest

from recsys.strategy import PRESETS
from tests.app.test_catalogue_and_map import SMALL_CSV, upload

pytestmark = pytest.mark.slow

PAGE = "pages/simulation.py"


def run_small(at, users=40, rounds=8, strategies=None, replicates=None):
    at.switch_page(PAGE).run()
    if replicates is not None:
        at.number_input(key="sim_replicates").set_value(replicates)
    if strategies is not None:
        at.multiselect(key="sim_strategies").set_value(strategies)
    at.number_input(key="sim_users").set_value(users)
    at.number_input(key="sim_rounds").set_value(rounds)
    next(b for b in at.button if b.label == "Run simulation").click().run()
    assert not at.exception
    return at


def test_before_a_run_the_page_says_what_to_do(app):
    app.switch_page(PAGE).run()
    assert not app.exception
    assert "press **Run simulation**" in app.info[0].value


def test_the_page_says_what_the_log_shares_with_the_lab_users(app):
    from recsys.interactions import log_provenance, read_log

    app.switch_page(PAGE).run()
    assert log_provenance(read_log().manifest) in [c.value for c in app.caption]


def test_a_run_shows_curves_summary_reading_and_downloads(app):
    run_small(app)
    summary = app.dataframe[0].value
    assert summary["Strategy"].tolist() == list(PRESETS)
    assert summary["Final satisfaction"].str.match(r"^0\.\d{3} \[0\.\d{3}, 0\.\d{3}\]$").all()
    assert len(app.get("plotly_chart")) == 3
    reading = "\n".join(m.value for m in app.markdown)
    assert "Adaptive \\(feedback\\)" in reading and "paired difference" in reading
    labels = [d.proto.label for d in app.get("download_button")]
    assert labels == ["Download per-round results (CSV)", "Download the summary (CSV)"]
    assert "5 replicates × 40 users × 8 rounds" in "\n".join(c.value for c in app.caption)


def test_the_replicates_the_visitor_sets_are_the_ones_run(app):
    run_small(app, users=20, rounds=5, strategies=["Random", "Popular"], replicates=2)
    assert "2 strategies × 2 replicates × 20 users" in "\n".join(c.value for c in app.caption)


def test_the_same_seed_gives_the_same_table(make_app):
    first = run_small(make_app(), strategies=["Static (interest text only)", "Random"])
    second = run_small(make_app(), strategies=["Static (interest text only)", "Random"])
    assert first.dataframe[0].value.equals(second.dataframe[0].value)


def test_results_stay_when_visiting_another_page(app):
    run_small(app, strategies=["Adaptive (feedback)"])
    before = app.dataframe[0].value
    app.switch_page("pages/recommend.py").run()
    app.switch_page(PAGE).run()
    assert app.dataframe[0].value.equals(before)


def test_no_strategy_chosen_gets_a_sentence(app):
    run_small(app, strategies=[])
    assert "Choose at least one strategy" in app.warning[0].value


def test_the_lab_runs_on_an_uploaded_catalogue(app):
    upload(app, SMALL_CSV.encode())
    next(b for b in app.button if b.label == "Embed and use this catalogue").click().run()
    run_small(app, users=20, rounds=5, strategies=list(PRESETS))  # slate 10 > 6 items
    assert app.dataframe[0].value["Strategy"].tolist() == list(PRESETS)


def test_the_lab_settings_survive_a_visit_to_another_page(app):
    run_small(app, users=60, rounds=6, strategies=["Random"])
    app.switch_page("pages/map.py").run()
    app.switch_page(PAGE).run()
    assert app.number_input(key="sim_users").value == 60
    assert app.multiselect(key="sim_strategies").value == ["Random"]

"""AppTest: the Offline evaluation page renders its table with the real app and model."""

import pytest

from recsys.strategy import PRESETS
from tests.app.conftest import APP

pytestmark = pytest.mark.slow

PAGE = "pages/evaluation.py"


@pytest.fixture
def evaluation(app):
    assert PAGE in APP.read_text(), f"app.py must list st.Page({PAGE!r}, ...) in its navigation"
    app.switch_page(PAGE).run()
    assert not app.exception
    return app


def table(at):
    return at.dataframe[0].value


def test_the_page_shows_one_row_per_preset(evaluation):
    assert evaluation.title[0].value == "Offline evaluation"
    shown = table(evaluation)
    assert shown["Strategy"].tolist() == list(PRESETS)
    assert "Precision@10" in shown.columns and "NDCG@10" in shown.columns
    assert shown.drop(columns="Strategy").notna().all().all()
    from recsys.interactions import log_provenance, read_log

    assert log_provenance(read_log().manifest) in [c.value for c in evaluation.caption]
    styles = evaluation.dataframe[0].proto.arrow_data.styler.styles
    assert "font-weight: bold" in styles  # the best value of each column is highlighted
    caption = "\n".join(c.value for c in evaluation.caption)
    assert "simulated users evaluated" in caption and "Computed in" in caption
    assert evaluation.get("download_button")[0].proto.label == "Download this table (CSV)"


def test_changing_k_re_renders_the_table(evaluation):
    evaluation.slider(key="eval_k").set_value(5).run()
    assert not evaluation.exception
    shown = table(evaluation)
    assert "Precision@5" in shown.columns and len(shown) == len(PRESETS)
    evaluation.slider(key="eval_users").set_value(150).run()
    assert not evaluation.exception
    assert len(table(evaluation)) == len(PRESETS)


def test_an_uploaded_catalogue_without_a_log_is_said_and_still_runs(evaluation):
    csv = "title,description\n" + "".join(
        f"Item {i},A short description of item number {i} about topic {i % 5}.\n" for i in range(40)
    )
    evaluation.switch_page("pages/catalogue.py").run()
    evaluation.get("file_uploader")[0].set_value(("mine.csv", csv.encode(), "text/csv")).run()
    next(b for b in evaluation.button if b.label == "Embed and use this catalogue").click().run()
    evaluation.switch_page(PAGE).run()
    assert not evaluation.exception
    assert any("no interaction log" in i.value for i in evaluation.info)
    caption = "\n".join(c.value for c in evaluation.caption)
    assert "simulated users evaluated" in caption

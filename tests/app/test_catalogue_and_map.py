"""AppTest: the Catalogue page (browse, upload, restore, isolation) and the Embedding map."""

import base64
import json
import re
from datetime import UTC, datetime

import numpy as np
import pytest

from recsys import ProfileSettings, load_catalogue
from recsys.embeddings import EMBEDDINGS_PATH

pytestmark = pytest.mark.slow

SMALL_CSV = (
    "item_id,title,description,domain\n"
    "t1,Comet Watching for Beginners,How to find and photograph comets with binoculars.,space\n"
    "t2,Sourdough Basics,Feeding a starter and baking a first crusty loaf at home.,food\n"
    "t3,Ridge Running,Training for steep mountain trail races and fast descents.,sport\n"
    "t4,Night Sky Atlas,Star charts for every season with notes on planets.,space\n"
    "t5,Fermenting Vegetables,Sauerkraut and kimchi in jars on the kitchen counter.,food\n"
    "t6,Hill Sprints,Short uphill repeats that build running power.,sport\n"
)


def cards(at):
    return [
        c.key.removeprefix("rec_card_")
        for c in at.get("flex_container")
        if getattr(c, "key", None) and c.key.startswith("rec_card_")
    ]


def shown(markdown: str) -> str:
    """Markdown source as the visitor reads it (the app escapes visitor text)."""
    return re.sub(r"\\(.)", r"\1", markdown)


def values(array) -> list[float]:
    """Plotly sends numeric arrays as base64 ("bdata") or as plain lists."""
    if isinstance(array, dict):
        return np.frombuffer(base64.b64decode(array["bdata"]), dtype=array["dtype"]).tolist()
    return list(array)


def n_points(trace) -> int:
    return len(values(trace["x"]))


def upload(at, data: bytes, name: str = "mine.csv"):
    at.switch_page("pages/catalogue.py").run()
    at.get("file_uploader")[0].set_value((name, data, "text/csv")).run()
    return at


def test_browse_filters_and_search(app):
    app.switch_page("pages/catalogue.py").run()
    counts = {shown(m.label): int(m.value.replace(",", "")) for m in app.metric}
    catalogue = load_catalogue()
    expected = catalogue.items["domain"].map(catalogue.domain_label).value_counts()
    assert counts == expected.to_dict() and sum(counts.values()) == len(catalogue)
    app.text_input(key="cat_search").input("telescope").run()
    frame = app.dataframe[0].value
    assert len(frame) >= 1
    text = (frame["title"] + frame["description"] + frame["tags"]).str.lower()
    assert text.str.contains("telescope").all()
    app.multiselect(key="cat_domains").set_value(["books"]).run()
    assert set(app.dataframe[0].value["domain"]) <= {"Books"}


def test_upload_embeds_and_recommends_from_it_then_restore(app):
    upload(app, SMALL_CSV.encode())
    assert "6 items are ready" in app.success[0].value
    next(b for b in app.button if b.label == "Embed and use this catalogue").click().run()
    assert not app.exception
    assert any("Embedded 6 items" in s.value for s in app.success)
    assert any("This file is the catalogue in use." in s.value for s in app.success)
    assert not any(b.label == "Embed and use this catalogue" for b in app.button)
    app.switch_page("pages/recommend.py").run()
    app.text_area(key="rec_interest_text").input("stargazing and comets").run()
    assert cards(app)[:2] and set(cards(app)[:2]) == {"t1", "t4"}
    app.switch_page("pages/map.py").run()
    assert not app.exception
    app.switch_page("pages/catalogue.py").run()
    next(b for b in app.button if b.label == "Restore the shipped catalogue").click().run()
    app.switch_page("pages/recommend.py").run()
    assert len(cards(app)) == 10 and not set(cards(app)) & {"t1", "t4"}


def test_bad_upload_names_the_problem_and_changes_nothing(app):
    app.text_area(key="rec_interest_text").input("jazz").run()
    before = cards(app)
    upload(app, b"title,summary\nA,b\n")
    assert "Missing required column: description." in shown(app.error[0].value)
    assert not any(b.label == "Embed and use this catalogue" for b in app.button)
    app.switch_page("pages/recommend.py").run()
    assert cards(app) == before


def test_an_upload_in_one_session_does_not_reach_another(make_app):
    first, second = make_app(), make_app()
    upload(first, SMALL_CSV.encode())
    next(b for b in first.button if b.label == "Embed and use this catalogue").click().run()
    for at in (first, second):
        at.switch_page("pages/recommend.py").run()
        at.text_area(key="rec_interest_text").input("stargazing and comets").run()
    assert set(cards(first)) <= {f"t{i}" for i in range(1, 7)}
    assert not set(cards(second)) & {f"t{i}" for i in range(1, 7)} and len(cards(second)) == 10
    second.switch_page("pages/catalogue.py").run()
    assert "shipped catalogue" in second.caption[0].value


def test_map_draws_the_path_after_feedback(app):
    app.text_area(key="rec_interest_text").input("mountain hiking").run()
    profile = app.session_state["profile"]
    catalogue, vectors = load_catalogue(), np.load(EMBEDDINGS_PATH)
    liked = [catalogue.position(i) for i in ("courses-001", "books-001", "music-001")]
    for position in liked:
        profile.record_feedback(
            catalogue.item_ids[position],
            "liked",
            vectors[position],
            True,
            ProfileSettings(),
            datetime.now(UTC),
        )
    app.switch_page("pages/map.py").run()
    assert not app.exception
    assert "PC1 explains" in app.caption[1].value
    charts = app.get("plotly_chart")
    assert len(charts) == 2  # the map and the similarity heatmap
    traces = {t.get("name"): t for t in json.loads(charts[0].proto.spec)["data"]}
    path = traces["Your interest vector"]
    assert n_points(path) == 4  # the start and one point per thumb
    assert path["text"] == ["start", "1", "2", "3"]
    assert len({(x, y) for x, y in zip(values(path["x"]), values(path["y"]), strict=True)}) == 4
    assert n_points(traces["Liked"]) == 3
    assert n_points(traces["Recommended now"]) == 10
    app.get("button_group")[0].set_value("t-SNE").run()
    assert not app.exception
    assert any("t-SNE keeps neighbours together" in c.value for c in app.caption)
    traces = {t.get("name"): t for t in json.loads(app.get("plotly_chart")[0].proto.spec)["data"]}
    assert n_points(traces["Your interest vector"]) == 4


def test_tfidf_mode_moves_the_profile_to_an_uploaded_catalogue(monkeypatch, make_app):
    """In TF-IDF mode every catalogue has its own vector space: the profile follows."""
    monkeypatch.setenv("RECSYS_MODEL", "tfidf")
    at = make_app()
    at.text_area(key="rec_interest_text").input("comets and the night sky").run()
    profile = at.session_state["profile"]
    vectors_before = profile.anchor.shape
    profile.record_feedback(
        "news-001",
        "A rated story",
        profile.anchor,
        True,
        ProfileSettings(),
        datetime.now(UTC),
        item_text="comets tonight",
    )
    upload(at, SMALL_CSV.encode())
    next(b for b in at.button if b.label == "Embed and use this catalogue").click().run()
    at.switch_page("pages/recommend.py").run()
    assert not at.exception
    assert set(cards(at)[:2]) == {"t1", "t4"}
    assert at.session_state["profile"].anchor.shape != vectors_before
    at.switch_page("pages/map.py").run()
    assert not at.exception
    at.switch_page("pages/catalogue.py").run()
    next(b for b in at.button if b.label == "Restore the shipped catalogue").click().run()
    at.switch_page("pages/recommend.py").run()
    assert not at.exception and len(cards(at)) == 10
    assert at.session_state["profile"].anchor.shape == vectors_before
    assert "news-001" not in cards(at)  # still rated, after two moves between spaces


def test_uploaded_markup_reaches_the_map_as_text(app):
    upload(
        app,
        b"title,description,domain\n<b>Bold</b> claim,A title with markup.,<i>x</i>\n"
        b"Plain,Another item about stars.,space\n",
    )
    next(b for b in app.button if b.label == "Embed and use this catalogue").click().run()
    app.switch_page("pages/map.py").run()
    assert not app.exception
    traces = json.loads(app.get("plotly_chart")[0].proto.spec)["data"]
    hover_titles = [row[0] for trace in traces for row in trace.get("customdata", [])]
    assert "&lt;b&gt;Bold&lt;/b&gt; claim" in hover_titles
    assert "&lt;i&gt;x&lt;/i&gt;" in [trace.get("name") for trace in traces]
    assert not any("<b>" in title for title in hover_titles)


def test_tfidf_mode_new_words_apply_after_a_catalogue_change(monkeypatch, make_app):
    """Old interests whose words are not in the upload must not block new ones."""
    monkeypatch.setenv("RECSYS_MODEL", "tfidf")
    at = make_app()
    at.text_area(key="rec_interest_text").input("jazz piano records").run()
    upload(at, SMALL_CSV.encode())
    next(b for b in at.button if b.label == "Embed and use this catalogue").click().run()
    at.switch_page("pages/recommend.py").run()
    assert "None of the words of your interests occur" in at.warning[1].value
    assert cards(at) == []
    at.text_area(key="rec_interest_text").input("comets and telescopes").run()
    assert not at.exception
    assert at.session_state["profile"].interest_text == "comets and telescopes"
    assert cards(at)[0] in {"t1", "t4"}


@pytest.mark.parametrize("rows", [1, 2])
def test_map_of_a_tiny_upload_in_both_projections(app, rows):
    data = "title,description\n" + "".join(f"Item {i},About stars {i}.\n" for i in range(rows))
    upload(app, data.encode())
    next(b for b in app.button if b.label == "Embed and use this catalogue").click().run()
    app.switch_page("pages/recommend.py").run()
    app.text_area(key="rec_interest_text").input("stars").run()
    app.switch_page("pages/map.py").run()
    assert not app.exception
    app.get("button_group")[0].set_value("t-SNE").run()
    assert not app.exception
    assert "t-SNE needs at least 5 items" in app.info[0].value

"""AppTest: what every page does with bad or odd input from a visitor.

Each test names the exact sentence the visitor reads and checks that the session keeps what it
had: the list of recommendations, the ratings, the catalogue in use, the last results.
"""

import csv
import io
import re

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from recsys import load_catalogue
from recsys.evaluation import EvaluationSettings
from recsys.strategy import PRESETS
from recsys.upload import MAX_BYTES
from tests.app.test_catalogue_and_map import SMALL_CSV, shown, upload
from tests.app.test_pages import card_keys

pytestmark = pytest.mark.slow

TYPE_A_FEW_WORDS = (
    "Type a few words about what you like, or pick a persona, to get recommendations."
)
NEEDS_A_WORD = (
    "Your interests need at least one word, for example “jazz, hiking, Italian cooking”; "
    "numbers and symbols alone say nothing about taste."
)
TOO_LONG = (
    "Your interests are 2,001 characters long; please keep them under 2,000 (the model reads "
    "only about the first 200 words)."
)
ALL_RATED = (  # no domain filter is set, so the way out is Undo (pages/recommend.py)
    "You have rated every item in this catalogue. Undo a rating to bring its item back, or reset "
    "the session to start again."
)
NO_LOG = (
    "This catalogue has no interaction log, so collaborative filtering and popularity are off: "
    "the list is ranked by the remaining components."
)
NOTHING_CHANGED = "Nothing was changed: your current catalogue and session are as they were."
NEEDS_COLUMNS = (
    "A catalogue needs at least title and description (download the template to see the format)."
)
NOTHING_TO_SCORE = (
    "None of the simulated users liked anything after the cut, so there is nothing to score. "
    "Try more users or another seed; a very small catalogue runs out of items."
)
TWO_ITEMS = b"title,description\nComet Watching,How to find comets.\nSourdough,Baking bread.\n"
INTERESTS = "gardening and houseplants"


def embed(at):
    next(b for b in at.button if b.label == "Embed and use this catalogue").click().run()
    assert not at.exception
    return at


def rated(at) -> dict[str, bool]:
    return at.session_state["profile"].rated


def captions(at) -> list[str]:
    return [shown(c.value) for c in at.caption]


def reasons(at) -> list[str]:
    """The reason line of every card, as the visitor reads it."""
    cards = [m.value for m in at.markdown if ":material/lightbulb:" in m.value]
    return [shown(m).split(":material/lightbulb: ")[1].removesuffix("]]") for m in cards]


def run_lab(at, **settings):
    """The Simulation lab with ``settings`` (widget key -> value), run once."""
    at.switch_page("pages/simulation.py").run()
    for key, value in settings.items():
        if key == "sim_strategies":
            at.multiselect(key=key).set_value(value)
        elif key in ("sim_users", "sim_rounds", "sim_slate", "sim_seed", "sim_replicates"):
            at.number_input(key=key).set_value(value)
        else:
            at.slider(key=key).set_value(value)
    next(b for b in at.button if b.label == "Run simulation").click().run()
    assert not at.exception
    return at


@pytest.fixture
def listed(app):
    """A visitor with a list of recommendations and one thumbs-up."""
    app.text_area(key="rec_interest_text").input(INTERESTS).run()
    app.get("feedback")[0].set_value(1).run()
    assert len(card_keys(app)) == 10 and len(rated(app)) == 1
    return app


# Recommend ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        ("   \n  ", TYPE_A_FEW_WORDS),
        ("🎷🎸🌍", NEEDS_A_WORD),
        ("!!! 123 ???", NEEDS_A_WORD),
        ("\u200b\u200b", NEEDS_A_WORD),
        ("x" * 2001, TOO_LONG),
    ],
    ids=["only spaces", "only emoji", "punctuation and digits", "zero-width spaces", "too long"],
)
def test_unusable_interests_get_a_sentence_and_keep_the_list_and_ratings(listed, text, sentence):
    before, ratings = card_keys(listed), rated(listed)
    listed.text_area(key="rec_interest_text").input(text).run()
    assert not listed.exception
    assert [w.value for w in listed.warning] == [sentence]
    assert f"Still showing recommendations for: {INTERESTS}" in captions(listed)
    assert card_keys(listed) == before
    assert rated(listed) == ratings
    assert listed.session_state["profile"].interest_text == INTERESTS


def test_unusable_interests_before_any_list_get_the_sentence_as_information(app):
    app.text_area(key="rec_interest_text").input("🎷🎸").run()
    assert not app.exception
    assert app.info[0].value == NEEDS_A_WORD
    assert not app.warning
    assert card_keys(app) == []


def test_markup_in_interests_is_shown_as_text(app):
    phrases = ["<b>jazz</b>", "[vinyl](https://example.com)", ":red[soul]", "$x^2$"]
    app.text_area(key="rec_interest_text").input(", ".join(phrases)).run()
    assert not app.exception
    assert len(card_keys(app)) == 10
    said = r"(?:Close to your interest|For your interest|The nearest there is to) “(.+)” \("
    quoted = [re.match(said, reason) for reason in reasons(app)]
    assert all(match and match[1] in phrases for match in quoted)
    card_text = "\n".join(m.value for m in app.markdown if ":material/lightbulb:" in m.value)
    assert not any(phrase in card_text for phrase in phrases)  # escaped, so drawn literally
    assert not any(m.allow_html for m in app.markdown)


def test_text_in_another_language(app):
    app.text_area(key="rec_interest_text").input("le jazz et la randonnée en montagne").run()
    assert not app.exception and not app.warning
    assert len(card_keys(app)) == 10
    first_card = next(m.value for m in app.markdown if ":material/lightbulb:" in m.value)
    title_and_description = first_card.split(":material/lightbulb:")[0]
    assert "jazz" in title_and_description.lower()  # the words it shares with English carry it


def test_a_script_the_model_cannot_read_gets_the_nearest_list_and_a_sentence_saying_so(app):
    def best_cosine(at) -> float:
        return max(float(re.search(r"\((\d\.\d\d)\)", r)[1]) for r in reasons(at))

    def weak_match(at) -> list[str]:
        return [i.value for i in at.info if i.value.startswith("Your text looks like")]

    app.text_area(key="rec_interest_text").input("jazz and hiking").run()
    english = best_cosine(app)
    assert not weak_match(app)
    app.text_area(key="rec_interest_text").input("ジャズとハイキング").run()
    assert not app.exception
    assert not app.warning and len(card_keys(app)) == 10
    assert best_cosine(app) < 0.25 < english
    (notice,) = weak_match(app)  # issue 12: it names what the text looks like
    assert notice.startswith("Your text looks like Japanese")
    assert float(re.search(r"the closest item has similarity (\d\.\d\d)", notice)[1]) < 0.25
    assert "reads English" in notice and "not recommendations" in notice
    assert any(h.value == "The nearest items, not recommendations" for h in app.subheader)


def test_rating_every_item_says_what_to_do_and_undo_brings_one_back(app):
    upload(app, TWO_ITEMS)
    embed(app).switch_page("pages/recommend.py").run()
    app.text_area(key="rec_interest_text").input("comets").run()
    app.slider(key="rec_k").set_value(30).run()
    assert len(card_keys(app)) == 2  # more asked for than the catalogue has
    for _ in range(2):
        app.get("feedback")[0].set_value(1).run()
    assert not app.exception
    assert [i.value for i in app.info] == [ALL_RATED]
    assert card_keys(app) == [] and len(rated(app)) == 2
    first = next(iter(rated(app)))
    next(b for b in app.button if b.key == f"rated_undo_{first}").click().run()
    assert card_keys(app) == [first] and ALL_RATED not in [i.value for i in app.info]


def test_all_strategy_weights_at_zero_rank_by_content(listed):
    before = card_keys(listed)
    for key in ("rec_content_weight", "rec_cf_weight", "rec_popularity_weight", "rec_hook_weight"):
        listed.slider(key=key).set_value(0.0).run()
    assert not listed.exception
    assert card_keys(listed) == before
    assert any("Score = 1.00 × content, each scaled to 0-1" in c for c in captions(listed))
    assert any("Every β is 0" in i.value for i in listed.sidebar.info)


def test_ratings_made_before_a_catalogue_change_stay_and_can_be_undone(listed):
    shipped_id = next(iter(rated(listed)))
    title = load_catalogue().items.set_index("item_id").at[shipped_id, "title"]
    upload(listed, SMALL_CSV.encode())
    embed(listed).switch_page("pages/recommend.py").run()
    assert set(card_keys(listed)) == {f"t{i}" for i in range(1, 7)}
    assert any(title in shown(m.value) for m in listed.markdown if "thumb_up" in m.value)
    uploaded_id = card_keys(listed)[0]
    listed.get("feedback")[0].set_value(0).run()
    next(b for b in listed.button if b.key == f"rated_undo_{shipped_id}").click().run()
    assert not listed.exception
    assert rated(listed) == {uploaded_id: False}
    listed.switch_page("pages/catalogue.py").run()
    next(b for b in listed.button if b.label == "Restore the shipped catalogue").click().run()
    listed.switch_page("pages/recommend.py").run()
    listed.selectbox(key="rec_strategy").set_value("Hybrid (CF + content)").run()
    assert not listed.exception and len(card_keys(listed)) == 10
    assert rated(listed) == {uploaded_id: False}
    assert any("(cold start)" in c for c in captions(listed))  # the thumb is from elsewhere


def test_an_upload_clears_the_domain_filter_and_says_the_log_is_missing(app):
    app.text_area(key="rec_interest_text").input("comets").run()
    app.multiselect(key="rec_domains").set_value(["books"]).run()
    upload(app, SMALL_CSV.encode())
    embed(app).switch_page("pages/recommend.py").run()
    domains = app.multiselect(key="rec_domains")
    assert domains.value == [] and domains.options == ["food", "space", "sport"]
    assert len(card_keys(app)) == 6
    app.selectbox(key="rec_strategy").set_value("Hybrid (CF + content)").run()
    assert not app.exception
    assert NO_LOG in [i.value for i in app.info]
    assert len(card_keys(app)) == 6
    # the score line and the badges say what the list is really ranked by: content alone
    for preset in ("Hybrid (CF + content)", "Popular"):
        app.selectbox(key="rec_strategy").set_value(preset).run()
        assert any("Score = 1.00 × content, each scaled" in c for c in captions(app)), preset
        assert not any("× popularity" in c or "× collaborative" in c for c in captions(app))
        badges = [m.value for m in app.markdown if "-badge[" in m.value]
        assert len(badges) == 6, preset
        assert all(b.count("-badge[") == 1 and "badge[Content " in b for b in badges), preset
    # the learned click-maximiser falls back to its model on content and click appeal
    app.selectbox(key="rec_strategy").set_value("Click-maximiser").run()
    assert not app.exception and len(card_keys(app)) == 6
    assert NO_LOG in [i.value for i in app.info]
    fallback = "(learned from logged impressions: content, click appeal)"
    assert any(fallback in c for c in captions(app))


# Embedding map --------------------------------------------------------------------------------


def test_map_before_any_interests_says_where_to_start(app):
    app.switch_page("pages/map.py").run()
    assert not app.exception
    assert [i.value for i in app.info] == [
        "Type your interests on the Recommend page and your path appears here."
    ]
    assert "No recommendations yet." in captions(app)
    assert len(app.get("plotly_chart")) == 1  # the map, no similarity heatmap


def test_map_with_no_projection_chosen_shows_pca(listed):
    listed.switch_page("pages/map.py").run()
    listed.get("button_group")[0].set_value("t-SNE").run()
    listed.get("button_group")[0].set_value(None).run()
    assert not listed.exception
    assert any(c.startswith("PC1 explains") for c in captions(listed))
    assert len(listed.get("plotly_chart")) == 2


# Simulation lab -------------------------------------------------------------------------------


def test_no_strategy_keeps_the_last_results(app):
    run_lab(app, sim_users=20, sim_rounds=5, sim_strategies=["Random"])
    before = app.dataframe[0].value
    run_lab(app, sim_strategies=[])
    assert [w.value for w in app.warning] == ["Choose at least one strategy to simulate."]
    assert app.dataframe[0].value.equals(before)


def test_results_from_another_catalogue_are_labelled_and_kept(app):
    run_lab(app, sim_users=20, sim_rounds=5, sim_strategies=["Random"])
    before = app.dataframe[0].value
    upload(app, SMALL_CSV.encode())
    embed(app).switch_page("pages/simulation.py").run()
    assert not app.exception
    assert [w.value for w in app.warning] == [
        "These results are from another catalogue; run again to simulate this one."
    ]
    assert app.dataframe[0].value.equals(before)


@pytest.mark.parametrize(
    "settings",
    [
        {"sim_users": 20, "sim_rounds": 5, "sim_slate": 3, "sim_seed": 0},
        {
            "sim_users": 20,
            "sim_rounds": 5,
            "sim_seed": 2**31 - 1,
            "sim_drift_rate": 0.1,
            "sim_boredom_weight": 6.0,
            "sim_hook_weight": 6.0,
            "sim_quality_weight": 0.0,
            "sim_memory_decay": 0.0,
            "sim_leave_below": 0.8,
        },
        {"sim_users": 20, "sim_rounds": 5, "sim_memory_decay": 0.99, "sim_boredom_weight": 0.0},
    ],
    ids=["smallest run", "harshest users", "slowest memory"],
)
def test_the_lab_at_the_limits_of_its_widgets(app, settings):
    run_lab(app, **settings)
    summary = app.dataframe[0].value
    assert summary["Strategy"].tolist() == list(PRESETS)
    assert not summary.astype(str).apply(lambda column: column.str.contains("nan")).any().any()


def test_the_lab_on_a_one_item_catalogue_with_the_largest_slate(app):
    upload(app, b"title,description\nOnly,The only item there is.\n")
    embed(app)
    run_lab(app, sim_users=20, sim_rounds=5, sim_slate=20)
    assert app.dataframe[0].value["Strategy"].tolist() == list(PRESETS)
    assert any("slate 20" in c for c in captions(app))


# Evaluation -----------------------------------------------------------------------------------


def test_evaluation_of_a_tiny_catalogue_says_there_is_nothing_to_score(app):
    upload(app, TWO_ITEMS)
    embed(app).switch_page("pages/evaluation.py").run()
    assert not app.exception
    assert [w.value for w in app.warning] == [NOTHING_TO_SCORE]
    assert not app.dataframe
    users = EvaluationSettings().n_users
    assert any(c.startswith(f"0 of {users:,} simulated users evaluated") for c in captions(app))


def test_evaluation_at_the_limits_of_its_widgets(app):
    app.switch_page("pages/evaluation.py").run()
    app.slider(key="eval_k").set_value(20).run()
    app.slider(key="eval_users").set_value(100).run()
    app.number_input(key="eval_seed").set_value(2**31 - 1).run()
    assert not app.exception
    table = app.dataframe[0].value
    assert table["Strategy"].tolist() == list(PRESETS) and "Precision@20" in table.columns


# Catalogue: browse ----------------------------------------------------------------------------


def test_search_treats_regex_characters_as_plain_text(app):
    total = len(load_catalogue())
    app.switch_page("pages/catalogue.py").run()
    app.text_input(key="cat_search").input("(").run()
    frame = app.dataframe[0].value
    assert len(frame) > 0
    assert (
        (frame["title"] + frame["description"] + frame["tags"]).str.contains("(", regex=False).all()
    )
    for pattern in (".*", "[a-z]+", "\\"):
        app.text_input(key="cat_search").input(pattern).run()
        assert not app.exception
        assert f"0 of {total:,} items" in captions(app) and len(app.dataframe[0].value) == 0
    app.text_input(key="cat_search").input("c++").run()  # the catalogue has a C++ course
    found = app.dataframe[0].value
    text = (found["title"] + found["description"] + found["tags"]).str.lower()
    assert not app.exception and text.str.contains("c++", regex=False).all()
    app.text_input(key="cat_search").input("   ").run()
    assert f"{total:,} of {total:,} items" in captions(app)


def test_a_category_from_another_domain_is_dropped(app):
    app.switch_page("pages/catalogue.py").run()
    app.multiselect(key="cat_domains").set_value(["books"]).run()
    category = app.multiselect(key="cat_categories").options[0]
    app.multiselect(key="cat_categories").set_value([category]).run()
    app.multiselect(key="cat_domains").set_value(["news"]).run()
    assert not app.exception
    assert app.multiselect(key="cat_categories").value == []
    assert set(app.dataframe[0].value["domain"]) == {"News"}


# Catalogue: upload ----------------------------------------------------------------------------

MANY_ROWS = b"title,description\n" + b"".join(b"t%d,d%d\n" % (i, i) for i in range(5001))
OVER_5_MB = b"title,description\n" + b"a,b\n" * (MAX_BYTES // 4 + 10)
REFUSED = [
    ("empty", b"", ["The file is empty."]),
    ("blank lines", b"  \n\n", ["The file is empty."]),
    (
        "binary",
        b"PK\x03\x04\x00\x00binary",
        ["The file contains binary data, so it is not a CSV text file."],
    ),
    ("header only", b"title,description\n", ["The file has a header but no rows."]),
    (
        "json named .csv",
        b'{"title": "A", "description": "b"}',
        [
            "The file looks like JSON, not CSV: please upload a CSV file whose header row names "
            "at least title and description (download the template to see the format)."
        ],
    ),
    (
        "semicolons, wrong names",
        b"name;text\nA;b\n",
        [f"Missing required columns: title, description. {NEEDS_COLUMNS}"],
    ),
    (
        "no description",
        b"title,summary\nA,b\n",
        [f"Missing required column: description. {NEEDS_COLUMNS}"],
    ),
    ("column twice", b"Title,title,description\nA,B,c\n", ["Columns appear twice: title."]),
    (
        "uneven rows",
        b"title,description\nA,b\nC,d,e\n",
        [
            "Row 3 has more cells than the header's 2 columns, most likely because a text such "
            "as a description contains a comma: put such text in double quotes."
        ],
    ),
    (
        "duplicate ids",
        b"item_id,title,description\na1,A,x\na1,B,y\n",
        ["Duplicate item_id values, for example “a1” in rows 2, 3; each item needs its own id."],
    ),
    ("empty title", b"title,description\n,x\nB,y\n", ["Empty title in row 2."]),
    (
        "bad quality",
        b"title,description,quality\nA,x,high\nB,y,1.5\n",
        ["quality must be a number from 0 to 1, which it is not in rows 2, 3."],
    ),
    ("5,001 rows", MANY_ROWS, ["The file has 5,001 rows; the limit is 5,000."]),
    ("over 5 MB", OVER_5_MB, ["The file is 5.0 MB; the limit is 5 MB."]),
]


@pytest.mark.parametrize(
    ("data", "problems"), [case[1:] for case in REFUSED], ids=[case[0] for case in REFUSED]
)
def test_a_refused_upload_says_why_and_changes_nothing(listed, data, problems):
    before, ratings = card_keys(listed), rated(listed)
    upload(listed, data)
    assert not listed.exception
    assert [shown(e.value) for e in listed.error] == problems
    assert NOTHING_CHANGED in captions(listed)
    assert not any(b.label == "Embed and use this catalogue" for b in listed.button)
    assert captions(listed)[0].startswith("The shipped catalogue")
    listed.switch_page("pages/recommend.py").run()
    assert card_keys(listed) == before
    assert rated(listed) == ratings


def test_a_refused_upload_keeps_the_uploaded_catalogue_in_use(app):
    upload(app, SMALL_CSV.encode())
    embed(app)
    upload(app, b"title,summary\nA,b\n", "second.csv")
    assert [shown(e.value) for e in app.error] == [
        f"Missing required column: description. {NEEDS_COLUMNS}"
    ]
    assert NOTHING_CHANGED in captions(app)
    assert shown(app.info[0].value).startswith("You are using your own catalogue, **mine.csv**")
    app.switch_page("pages/recommend.py").run()
    app.text_area(key="rec_interest_text").input("comets").run()
    assert set(card_keys(app)) == {f"t{i}" for i in range(1, 7)}


ACCEPTED = [
    (
        "windows-1252",
        "title,description\nCafé – Crème,“Un café” doux\nThé,L’été à 3 €\n".encode("cp1252"),
        "The file is not UTF-8, so it was read as Windows-1252.",
    ),
    (
        "latin-1",
        b"title,description\nCaf\xe9 Cr\xe8me,Un caf\xe9 doux\nTh\xe9,Un th\xe9 \x81vert\n",
        "The file is not UTF-8 or Windows-1252, so it was read as Latin-1.",
    ),
    (
        "utf-16",
        "title,description\nCafé – Crème,Un café doux\nThé,Un thé vert\n".encode("utf-16"),
        "The file is not UTF-8, so it was read as UTF-16.",
    ),
    (
        "utf-16 without a byte-order mark",
        "title,description\nCafé – Crème,Un café doux\nThé,Un thé vert\n".encode("utf-16-le"),
        "The file is not UTF-8, so it was read as UTF-16.",
    ),
    (
        "blank quality and hook",
        b"title,description,quality,hook\nComets,About comets,,0.9\nBread,About bread,0.2, \n",
        "Columns not in the file were filled with defaults: item_id = u…-0001, u…-0002, …, "
        "domain = uploaded, category = General, tags = (none). Blank cells were filled with "
        "defaults too: quality = 0.5 in row 2; hook = 0.5 in row 3.",
    ),
    (
        "semicolons",
        b"title;description\nComets, and more;About comets\nBread;About bread, baked\n",
        "The file is separated by semicolons, not commas, so it was read that way.",
    ),
    (
        "tabs",
        b"title\tdescription\nComets;About comets\nBread\tAbout bread\n".replace(b";", b"\t"),
        "The file is separated by tabs, not commas, so it was read that way.",
    ),
    (
        "trailing commas",
        b"title,description\nComets,About comets,\nBread,About bread,,\n",
        "Rows 2, 3 have empty cells after the header's 2 columns; they were dropped.",
    ),
    (
        "blank domain and category",
        b"title,description,domain,category\nComets,About comets,,\nBread,About bread,food,\n",
        "Columns not in the file were filled with defaults: item_id = u…-0001, u…-0002, …, "
        "tags = (none), quality = 0.5, hook = 0.5. Blank cells were filled with defaults too: "
        "domain = uploaded in row 2; category = General in rows 2, 3.",
    ),
    (
        "long description",
        b"title,description\nA," + b"word " * 400 + b"\nB,short\n",
        "1 description was longer than the model reads and cut to 1,000 characters (row 2).",
    ),
    (
        "markup",
        b'title,description\n<script>alert(1)</script>,"<b>bold</b> claims"\nB,plain\n',
        "HTML or script in row 2 is shown as plain text and never run.",
    ),
]


@pytest.mark.parametrize(
    ("data", "notice"), [case[1:] for case in ACCEPTED], ids=[case[0] for case in ACCEPTED]
)
def test_an_odd_but_usable_upload_is_accepted_with_a_notice(app, data, notice):
    upload(app, data)
    assert not app.exception and not app.error
    assert notice in [shown(w.value) for w in app.warning]
    assert [s.value for s in app.success] == ["2 items are ready."]
    embed(app).switch_page("pages/recommend.py").run()
    app.text_area(key="rec_interest_text").input("anything at all").run()
    assert len(card_keys(app)) == 2
    cards = [m.value for m in app.markdown if ":material/lightbulb:" in m.value]
    assert not any("<script>" in card or "<b>" in card for card in cards)
    assert all(len(shown(card)) < 1400 for card in cards)  # the 2,000-character cell was cut


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """Every file the app offers for download in this test, by file name."""
    offered: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def keep(self, path_or_data, mimetype, kind, filename=None):
        if filename is not None and isinstance(path_or_data, bytes):
            offered[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", keep)
    return offered


def test_formula_cells_are_kept_as_text_and_neutralised_in_the_download(app, downloads):
    formulas = ['=HYPERLINK("http://example.com","click")', "+1 and more", "@SUM(A1)"]
    data = "title,description\n" + "".join(
        f'"{title.replace(chr(34), chr(34) * 2)}",Item {i} about stars.\n'
        for i, title in enumerate(formulas)
    )
    upload(app, data.encode())
    assert not app.error
    embed(app)
    assert app.dataframe[0].value["title"].tolist() == formulas  # shown as typed
    exported = list(csv.DictReader(io.StringIO(downloads["catalogue.csv"].decode())))
    assert [row["title"] for row in exported] == [f"'{title}" for title in formulas]


def test_the_uploader_takes_only_csv_files_up_to_the_pages_limit(app):
    """The browser refuses other files with Streamlit's own sentence before the page sees them."""
    app.switch_page("pages/catalogue.py").run()
    uploader = app.get("file_uploader")[0]
    assert list(uploader.proto.type) == [".csv"]
    assert uploader.proto.max_upload_size_mb == MAX_BYTES // 2**20


def test_a_trailing_comma_on_every_data_row_is_dropped_with_a_notice(listed):
    before, ratings = card_keys(listed), rated(listed)
    upload(listed, b"title,description\nComets,About comets,\nBread,About bread,\n")
    assert not listed.exception and not listed.error
    assert "Rows 2, 3 have empty cells after the header's 2 columns; they were dropped." in [
        shown(w.value) for w in listed.warning
    ]
    assert [s.value for s in listed.success] == ["2 items are ready."]
    listed.switch_page("pages/recommend.py").run()
    assert card_keys(listed) == before and rated(listed) == ratings
    upload(listed, b"title,description\nComets,About comets,\nBread,About bread,\n")
    embed(listed)
    assert listed.dataframe[0].value["title"].tolist() == ["Comets", "Bread"]
    assert listed.dataframe[0].value["description"].tolist() == ["About comets", "About bread"]


def test_one_cell_too_many_in_every_row_is_refused_naming_the_rows(listed):
    before, ratings = card_keys(listed), rated(listed)
    upload(listed, b"title,description\nComets,About comets,extra\nBread,About bread,extra\n")
    assert not listed.exception
    assert [shown(e.value) for e in listed.error] == [
        "Rows 2, 3 have more cells than the header's 2 columns, most likely because a text such "
        "as a description contains a comma: put such text in double quotes."
    ]
    assert NOTHING_CHANGED in captions(listed)
    assert not any(b.label == "Embed and use this catalogue" for b in listed.button)
    listed.switch_page("pages/recommend.py").run()
    assert card_keys(listed) == before and rated(listed) == ratings


def test_one_item_is_counted_in_the_singular(app):
    upload(app, b"title,description\nOnly,The only item there is.\n")
    assert [s.value for s in app.success] == ["1 item is ready."]
    embed(app)
    assert any(s.value.startswith("Embedded 1 item in ") for s in app.success)


def test_a_windows_1252_file_keeps_its_dashes_quotes_and_euros(app):
    upload(app, "title,description\nCafé – Crème,“Un café” l’été à 3 €\n".encode("cp1252"))
    embed(app)
    assert app.dataframe[0].value[["title", "description"]].values.tolist() == [
        ["Café – Crème", "“Un café” l’été à 3 €"]
    ]


def test_blank_domain_and_category_cells_get_named_defaults(app):
    upload(app, b"title,description,domain,category\nComets,About comets,,\nBread,Baking,food,\n")
    embed(app)
    assert {shown(m.label): m.value for m in app.metric} == {"uploaded": "1", "food": "1"}
    assert app.multiselect(key="cat_domains").options == ["food", "uploaded"]
    assert set(app.dataframe[0].value["category"]) == {"General"}


def test_the_template_carries_ids_of_its_own(app, downloads):
    app.switch_page("pages/catalogue.py").run()
    template = list(csv.DictReader(io.StringIO(downloads["catalogue-template.csv"].decode())))
    assert [row["item_id"] for row in template] == ["my-001", "my-002", "my-003"]
    assert not {row["item_id"] for row in template} & set(load_catalogue().item_ids)


def test_an_upload_that_reuses_a_rated_id_says_so(listed):
    rated_id = next(iter(rated(listed)))
    data = (
        "item_id,title,description\n"
        f"{rated_id},Comet Watching,How to find comets with binoculars.\n"
        "my-2,Night Sky Atlas,Star charts and comets for every season.\n"
    )
    upload(listed, data.encode())
    sentence = (
        f"1 item in this file has an id you have already rated in this session (“{rated_id}”): "
        "it counts as already rated and will not be recommended unless you undo that rating on "
        "the Recommend page or give the item another id."
    )
    assert sentence in [shown(w.value) for w in listed.warning]
    embed(listed)
    assert sentence in [shown(w.value) for w in listed.warning]  # still said once in use
    listed.switch_page("pages/recommend.py").run()
    listed.text_area(key="rec_interest_text").input("comets").run()
    assert card_keys(listed) == ["my-2"]
    next(b for b in listed.button if b.key == f"rated_undo_{rated_id}").click().run()
    assert set(card_keys(listed)) == {rated_id, "my-2"}
    listed.switch_page("pages/catalogue.py").run()
    listed.get("file_uploader")[0].set_value(("mine.csv", data.encode(), "text/csv")).run()
    assert sentence not in [shown(w.value) for w in listed.warning]

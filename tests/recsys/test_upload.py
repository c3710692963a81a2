import hashlib
import io

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from recsys.catalog import load_catalogue, make_catalogue
from recsys.upload import MAX_BYTES, MAX_ROWS, csv_safe, read_catalogue_csv, template_csv
from recsys.upload_notices import already_rated_notice

GOOD = (
    "item_id,title,description,quality\n"
    "a1,Night Trains,A slow album of late-night piano and rain.,0.8\n"
    "a2,Ridge Walks,Guided walks along mountain ridges in autumn.,0.4\n"
)


def read(text: str | bytes, name: str = "items.csv", **kwargs):
    data = text.encode("utf-8") if isinstance(text, str) else text
    return read_catalogue_csv(data, name, **kwargs)


def test_a_good_file_becomes_a_catalogue_with_documented_defaults():
    result = read(GOOD)
    assert result.problems == []
    items = result.catalogue.items
    assert items["item_id"].tolist() == ["a1", "a2"]
    assert items["domain"].tolist() == ["uploaded", "uploaded"]
    assert items["category"].tolist() == ["General", "General"]
    assert items["quality"].tolist() == [0.8, 0.4] and items["hook"].tolist() == [0.5, 0.5]
    assert any("filled with defaults" in n and "hook = 0.5" in n for n in result.notices)


def test_only_title_and_description_are_needed_and_ids_are_made():
    data = "Title , DESCRIPTION\nA,alpha text\nB,beta text\n"
    prefix = "u" + hashlib.sha256(data.encode()).hexdigest()[:6]
    assert read(data).catalogue.items["item_id"].tolist() == [f"{prefix}-0001", f"{prefix}-0002"]
    other = read("title,description\nA,alpha text\n").catalogue.items["item_id"][0]
    assert other.endswith("-0001") and not other.startswith(prefix)  # files never share ids


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (GOOD, "items.xlsx", "“items.xlsx” is not a CSV file"),
        ("", "items.csv", "The file is empty."),
        ("  \n\n", "items.csv", "The file is empty."),
        (b"PK\x03\x04\x00\x00binary", "items.csv", "contains binary data"),
        ("title,description\n", "items.csv", "The file has a header but no rows."),
        ("name,text\nA,alpha\n", "items.csv", "Missing required columns: title, description."),
        ("title,summary\nA,alpha\n", "items.csv", "Missing required column: description."),
        ('title,description\n"A,alpha\n', "items.csv", "could not be read as CSV"),
        ('{"title": "A", "description": "b"}', "items.csv", "The file looks like JSON, not CSV"),
        ('[\n  {"title": "A", "description": "b"}\n]\n', "items.csv", "looks like JSON"),
        (b"title,description\n\x00\x00\x00A,b\n", "items.csv", "binary data"),  # stray zeros
        ("title,description\nA,b\n".encode("utf-16-le")[:-1], "items.csv", "binary data"),
    ],
)
def test_refused_files_say_why(data, name, message):
    result = read(data, name)
    assert result.catalogue is None
    assert any(message in p for p in result.problems), result.problems


def test_duplicate_header_names_are_refused():
    # pandas renames a repeated header to "title.1"; both spellings are refused clearly
    result = read("Title,title,description\nA,B,c\n")
    assert result.catalogue is None
    assert result.problems == ["Columns appear twice: title."]


def test_rows_with_problems_are_named_by_spreadsheet_row():
    text = (
        "item_id,title,description,quality,hook\n"
        "a1,One,first,0.5,0.5\n"
        "a1,Two,,high,0.5\n"
        "a3,,third,0.5,1.5\n"
    )
    problems = read(text).problems
    assert "Empty title in row 4." in problems
    assert "Empty description in row 3." in problems
    assert any(
        p.startswith("Duplicate item_id values, for example “a1” in rows 2, 3") for p in problems
    )
    assert "quality must be a number from 0 to 1, which it is not in row 3." in problems
    assert "hook must be a number from 0 to 1, which it is not in row 4." in problems


def test_limits_on_size_and_rows():
    big = b"title,description\n" + b"a,b\n" * (MAX_BYTES // 4 + 10)
    assert read(big).problems[0].endswith(f"the limit is {MAX_BYTES // 2**20} MB.")
    many = "title,description\n" + "".join(f"t{i},d{i}\n" for i in range(MAX_ROWS + 1))
    assert read(many).problems == [f"The file has {MAX_ROWS + 1:,} rows; the limit is 5,000."]
    exactly = "title,description\n" + "".join(f"t{i},d{i}\n" for i in range(MAX_ROWS))
    assert len(read(exactly).catalogue) == MAX_ROWS


def test_encodings_are_tried_in_order_and_named():
    bom = read("\ufeff" + GOOD)
    assert bom.catalogue is not None and "item_id" in bom.catalogue.items.columns
    assert not any("UTF-8" in n for n in bom.notices)
    text = "title,description\nCafé – crème,“Doux” et l’été à 3 €\n"
    windows = read(text.encode("cp1252"))
    assert windows.catalogue.items.loc[0, ["title", "description"]].tolist() == [
        "Café – crème",
        "“Doux” et l’été à 3 €",
    ]
    assert windows.notices[0] == "The file is not UTF-8, so it was read as Windows-1252."
    # 0x81 is undefined in Windows-1252: such a file can only be Latin-1
    latin = read(b"title,description\nCaf\xe9 Cr\xe8me,Un caf\xe9 \x81doux\n")
    assert latin.catalogue.items["title"][0] == "Café Crème"
    assert latin.notices[0] == ("The file is not UTF-8 or Windows-1252, so it was read as Latin-1.")


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-be"])
def test_utf16_with_a_byte_order_mark_is_read_as_text(codec):
    data = ("\ufeff" if codec.endswith("be") else "") + "title,description\nCafé,Doux – ok\n"
    result = read(data.encode(codec))
    assert result.problems == []
    assert result.catalogue.items.loc[0, ["title", "description"]].tolist() == [
        "Café",
        "Doux – ok",
    ]
    assert result.notices[0] == "The file is not UTF-8, so it was read as UTF-16."


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_without_a_byte_order_mark_is_told_by_its_zero_bytes(codec):
    data = "title;description\nCafé,Ünïcode;Doux – ok, 東京 too\n".encode(codec)
    result = read(data)
    assert result.problems == []
    assert result.catalogue.items.loc[0, ["title", "description"]].tolist() == [
        "Café,Ünïcode",
        "Doux – ok, 東京 too",
    ]
    assert result.notices[0] == "The file is not UTF-8, so it was read as UTF-16."


@pytest.mark.parametrize(
    ("separator", "word"), [(";", "semicolons"), ("\t", "tabs")], ids=["semicolons", "tabs"]
)
def test_semicolon_and_tab_separated_files_are_read_with_a_notice(separator, word):
    rows = [
        ["item_id", "title", "description", "tags"],
        ["s1", "Ridge, Walks", "Up, then down", ""],
    ]
    result = read("".join(separator.join(row) + "\n" for row in rows))
    assert result.problems == []
    assert result.catalogue.items.loc[0, ["item_id", "title", "description"]].tolist() == [
        "s1",
        "Ridge, Walks",  # a comma is plain text in a file separated by something else
        "Up, then down",
    ]
    assert (
        result.notices[0]
        == f"The file is separated by {word}, not commas, so it was read that way."
    )


def test_the_separator_is_chosen_by_the_header_not_by_the_cells():
    # tags are separated by "; " inside a comma-separated file, as in the template
    data = 'title,description,tags\nA,alpha,"x; y; z"\nB,beta,a; b\n'
    result = read(data)
    assert result.problems == [] and not any("separated by" in n for n in result.notices)
    assert result.catalogue.items["tags"].tolist() == ["x; y; z", "a; b"]
    half = read("title;summary\nA;b\n")  # semicolons, and a column really missing
    assert half.problems[0].startswith("Missing required column: description.")
    assert half.notices == [
        "The file is separated by semicolons, not commas, so it was read that way."
    ]
    wrong = read("name;text\nA;b\n")  # no required name either way: the cells decide
    assert wrong.problems[0].startswith("Missing required columns: title, description.")
    assert wrong.notices == half.notices


@pytest.mark.parametrize(
    ("data", "rows"),
    [
        ("title,description\nComets,About comets,\nBread,About bread,\n", "Rows 2, 3 have"),
        ("title,description\nComets,About comets\nBread,About bread,,\n", "Row 3 has"),
        ("Title,Description\nComets,About comets, \nBread,About bread\n", "Row 2 has"),
    ],
    ids=["every row", "last row, two cells", "first row, a space"],
)
def test_empty_cells_beyond_the_header_are_dropped_with_a_notice(data, rows):
    # Without index_col=False, pandas takes the first column as the index when every row has
    # one cell more than the header, and the titles become row labels.
    result = read(data)
    assert result.problems == []
    items = result.catalogue.items
    assert items["title"].tolist() == ["Comets", "Bread"]
    assert items["description"].tolist() == ["About comets", "About bread"]
    assert items.index.tolist() == [0, 1]
    assert (
        result.notices[0] == f"{rows} empty cells after the header's 2 columns; they were dropped."
    )


@pytest.mark.parametrize(
    ("data", "rows"),
    [
        (
            "title,description\nComets,About comets,extra\nBread,About bread,extra\n",
            "Rows 2, 3 have",
        ),
        ("title,description\nComets,About comets\nBread,About, bread\n", "Row 3 has"),
        ("title,description\nComets,,,x\nBread,About bread\n", "Row 2 has"),
        ("title,description\nA,b\nC,d,e\n", "Row 3 has"),
    ],
    ids=["every row", "unquoted comma", "far beyond", "one row"],
)
def test_a_filled_cell_beyond_the_header_refuses_the_file_naming_the_rows(data, rows):
    result = read(data)
    assert result.catalogue is None
    assert result.problems == [
        f"{rows} more cells than the header's 2 columns, most likely because a text such as a "
        "description contains a comma: put such text in double quotes."
    ]


def test_rows_beyond_the_header_are_counted_like_every_other_row_problem():
    data = "title,description\n\nA,a\n   \nB,b,x\n" + "".join(f"T{i},t{i}\n" for i in range(9))
    data += "".join(f"U{i},u{i},x\n" for i in range(9))
    assert read(data).problems[0].startswith("Rows 3, 13, 14, 15, 16, 17, 18, 19 and 2 more have")
    quoted = read('title,description\n"Comets, and more","About comets, quoted"\n')
    assert quoted.problems == [] and quoted.catalogue.items["title"][0] == "Comets, and more"


@given(
    trailing=st.lists(st.integers(min_value=0, max_value=3), min_size=1, max_size=6),
    spaces=st.booleans(),
)
def test_any_number_of_empty_trailing_cells_reads_like_none(trailing, spaces):
    rows = [(f"Title {i}", f"About {i}") for i in range(len(trailing))]
    clean = "item_id,title,description\n" + "".join(
        f"i{i},{t},{d}\n" for i, (t, d) in enumerate(rows)
    )
    pad = " ," if spaces else ","
    padded = "item_id,title,description\n" + "".join(
        f"i{i},{t},{d}" + pad * n + "\n"
        for i, ((t, d), n) in enumerate(zip(rows, trailing, strict=True))
    )
    expected, got = read(clean), read(padded)
    assert got.problems == []
    pd.testing.assert_frame_equal(got.catalogue.items, expected.catalogue.items)
    assert any("they were dropped" in n for n in got.notices) == any(trailing)


def test_long_descriptions_are_cut_with_a_notice():
    result = read(
        "title,description\nA," + "word " * 400 + "\nB,short\n", max_description_chars=100
    )
    cut = result.catalogue.items["description"][0]
    assert len(cut) <= 101 and cut.endswith("…")  # at most 100 characters and the ellipsis
    assert any(
        "1 description was longer than the model reads" in n and "(row 2)" in n
        for n in result.notices
    )


def test_markup_is_kept_as_text_and_announced():
    result = read('title,description\n<script>alert(1)</script>,"<b>bold</b> claims"\n')
    assert result.catalogue.items["title"][0] == "<script>alert(1)</script>"
    assert "HTML or script in row 2 is shown as plain text and never run." in result.notices


def test_exports_neutralise_formulas():
    frame = pd.DataFrame(
        {
            "title": ['=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "plain"],
            "quality": [0.1, 0.2, 0.3, 0.4, 0.5],
        }
    )
    safe = csv_safe(frame)
    assert safe["title"].tolist() == ['\'=HYPERLINK("x")', "'+1", "'-2", "'@SUM(A1)", "plain"]
    assert safe["quality"].tolist() == frame["quality"].tolist()
    assert frame["title"][0].startswith("=")  # the original is untouched


def test_template_round_trips_through_the_reader():
    template = template_csv(load_catalogue())
    result = read(template)
    assert result.problems == [] and len(result.catalogue) == 3
    assert list(pd.read_csv(io.StringIO(template)).columns)[:3] == ["item_id", "title", "domain"]


def test_template_ids_are_not_shipped_ids():
    shipped = load_catalogue()
    ids = read(template_csv(shipped)).catalogue.item_ids
    assert ids == ["my-001", "my-002", "my-003"]
    assert not set(ids) & set(shipped.item_ids)


def test_blank_domain_and_category_cells_get_the_defaults_with_a_notice():
    data = (
        "item_id,title,description,domain,category\n"
        "a1,One,first,,\n"
        "a2,Two,second,space,  \n"
        "a3,Three,third,,Stars\n"
    )
    result = read(data)
    items = result.catalogue.items
    assert items["domain"].tolist() == ["uploaded", "space", "uploaded"]
    assert items["category"].tolist() == ["General", "General", "Stars"]
    assert result.notices == [
        "Columns not in the file were filled with defaults: tags = (none), quality = 0.5, "
        "hook = 0.5. Blank cells were filled with defaults too: domain = uploaded in rows 2, 4; "
        "category = General in rows 2, 3."
    ]
    full = read(
        "item_id,title,description,domain,category,tags,quality,hook\na1,One,first,,x,,0.5,0.5\n"
    )
    assert full.notices == ["Blank cells were filled with defaults: domain = uploaded in row 2."]


def test_blank_quality_and_hook_cells_get_the_neutral_default():
    result = read("title,description,quality,hook\nA,first,,0.9\nB,second,0.2, \nC,third,1,1\n")
    items = result.catalogue.items
    assert items["quality"].tolist() == [0.5, 0.2, 1.0]
    assert items["hook"].tolist() == [0.9, 0.5, 1.0]
    assert (
        "Blank cells were filled with defaults too: quality = 0.5 in row 2; hook = 0.5 in "
        in (result.notices[0])
    )
    assert read("title,description,quality\nA,first,high\n").catalogue is None  # still refused


def test_ids_already_rated_are_named():
    items = pd.DataFrame(
        {
            "item_id": ["ecommerce-001", "my-2", "news-004", "news-005", "news-006"],
            "title": list("ABCDE"),
            "domain": "uploaded",
            "category": "General",
            "tags": "",
            "description": list("abcde"),
            "quality": 0.5,
            "hook": 0.5,
        }
    )
    catalogue = make_catalogue(items)
    assert already_rated_notice(catalogue, {}) is None
    assert already_rated_notice(catalogue, {"books-001": True}) is None
    assert already_rated_notice(catalogue, {"ecommerce-001": True, "books-001": False}) == (
        "1 item in this file has an id you have already rated in this session "
        "(“ecommerce-001”): it counts as already rated and will not be recommended unless you "
        "undo that rating on the Recommend page or give the item another id."
    )
    rated = dict.fromkeys(["news-006", "news-005", "news-004", "ecommerce-001"], True)
    assert already_rated_notice(catalogue, rated) == (
        "4 items in this file have ids you have already rated in this session "
        "(“ecommerce-001”, “news-004”, “news-005” and 1 more): they count as already rated and "
        "will not be recommended unless you undo those ratings on the Recommend page or give "
        "the items other ids."
    )


def test_unnamed_spreadsheet_columns_are_ignored():
    result = read("title,description,,\nA,alpha,,\nB,beta,,\n")
    assert result.problems == [] and len(result.catalogue) == 2

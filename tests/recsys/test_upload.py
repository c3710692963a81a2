import hashlib
import io

import pandas as pd
import pytest

from recsys.catalog import load_catalogue
from recsys.upload import (
    MAX_BYTES,
    MAX_ROWS,
    csv_safe,
    read_catalogue_csv,
    template_csv,
)

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


def test_utf8_with_bom_and_latin1_are_read():
    bom = read("\ufeff" + GOOD)
    assert bom.catalogue is not None and "item_id" in bom.catalogue.items.columns
    latin = read("title,description\nCafé Crème,Un café très doux\n".encode("latin-1"))
    assert latin.catalogue.items["title"][0] == "Café Crème"
    assert "read as Latin-1" in latin.notices[0]


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


def test_unnamed_spreadsheet_columns_are_ignored():
    result = read("title,description,,\nA,alpha,,\nB,beta,,\n")
    assert result.problems == [] and len(result.catalogue) == 2

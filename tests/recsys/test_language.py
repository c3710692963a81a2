import pytest
from hypothesis import given
from hypothesis import strategies as st

from recsys.language import Language, looks_like, not_english_sentence


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("我喜欢科幻电影", "Chinese"),
        ("私は映画が好きです", "Japanese"),  # kana beside the Han characters
        ("나는 영화를 좋아해", "Korean"),
        ("Ελληνική μουσική", "Greek"),
        ("me gustan las películas de ciencia ficción", "Spanish"),
        ("j'aime le jazz et la cuisine", "French"),
        ("ich mag Jazz und Wandern in den Bergen", "German"),
        ("mi piace la cucina italiana", "Italian"),
        ("eu gosto muito de filmes", "Portuguese"),
        ("ik hou van jazz en de bergen", "Dutch"),
    ],
)
def test_names_the_language_or_script(text, name):
    assert looks_like(text).name == name


def test_cyrillic_is_named_by_its_script():
    found = looks_like("Я люблю фантастику")
    assert found.script and "Cyrillic" in found.name


@pytest.mark.parametrize(
    "text",
    [
        "jazz, hiking in the mountains, Italian cooking",
        "piano nocturnes",
        "Café culture and crème brûlée",
        # two Spanish-looking words (la, de) against one English: by hand 2 < 3 distinct
        "la la land and de niro films",
        "Le Mans 24 hours and Tour de France cycling",
        "qwerty asdf",
        "12345 !!!",
        "",
    ],
)
def test_english_or_too_little_gives_none(text):
    assert looks_like(text) is None


def test_a_few_foreign_letters_in_english_are_english():
    # 2 Han characters among 27 letters: 2 / 27 < 0.3
    assert looks_like("sushi and ramen 寿司 recipes for beginners") is None


def test_the_sentence_names_it_and_gives_an_english_example():
    sentence = not_english_sentence(Language("Chinese", True))
    assert "looks like Chinese" in sentence and "not recommendations" in sentence
    assert "science fiction films" in sentence


@given(st.text())
def test_never_raises_and_is_deterministic(text):
    assert looks_like(text) == looks_like(text)

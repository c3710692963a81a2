"""What the visitor types, in a real browser: an exclusion holds, and three interests keep
their places in the list through thumbs on one of them."""

from tests.e2e.visitors import CARD, EXCEPTION, card_ids, rate, type_interests

INTERESTS = ("jazz", "hiking in the mountains", "Italian cooking")


def card_texts(page) -> list[str]:
    return page.locator(CARD).all_inner_texts()


def served(texts: list[str]) -> dict[str, list[int]]:
    """Interest -> the ranks of the cards that say they serve it."""
    return {
        interest: [rank for rank, text in enumerate(texts) if f"your interest “{interest}”" in text]
        for interest in INTERESTS
    }


def test_an_exclusion_takes_its_items_out_and_says_so(page):
    type_interests(page, "science fiction films but no horror")
    main = page.locator("[data-testid='stMain']")
    main.get_by_role("button", name="not: horror").wait_for()
    assert main.get_by_text("left out for what you said no to", exact=False).count() == 1
    texts = card_texts(page)
    assert len(texts) == 10
    assert not any("horror" in text.lower() for text in texts)
    assert sum("Movies & videos" in text for text in texts) >= 5  # the kind asked for
    assert page.locator(EXCEPTION).count() == 0


def test_three_interests_keep_their_places_through_thumbs_on_one(page):
    type_interests(page, ", ".join(INTERESTS))
    before = served(card_texts(page))
    assert all(before[interest] for interest in INTERESTS), before
    for _ in range(3):  # three thumbs up, each on the first hiking card
        texts = card_texts(page)
        hiking = served(texts)["hiking in the mountains"][0]
        rate(page, card_ids(page)[hiking], "up")
    after = served(card_texts(page))
    assert all(after[interest] for interest in INTERESTS), after  # jazz and cooking stay
    assert len(after["hiking in the mountains"]) >= len(before["hiking in the mountains"])
    assert page.locator(EXCEPTION).count() == 0

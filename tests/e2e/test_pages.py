"""Every page, opened from the navigation bar the way a new visitor finds it."""

import pytest

from tests.e2e.visitors import EXCEPTION, wait_idle

PAGES = [
    ("Recommend", "Recommendations that learn from you"),
    ("Embedding map", "Embedding map"),
    ("Simulation lab", "Simulation lab"),
    ("Evaluation", "Offline evaluation"),
    ("Catalogue", "Catalogue"),
    ("About the method", "How the recommender works"),
]


@pytest.mark.parametrize(("link", "heading"), PAGES, ids=[link for link, _ in PAGES])
def test_each_page_opens_from_the_navigation_without_an_error(page, artifacts, link, heading):
    page.get_by_role("link", name=link).click()
    page.get_by_role("heading", name=heading, exact=True).wait_for()
    wait_idle(page)
    main = page.locator("[data-testid='stMain']")
    assert page.locator(EXCEPTION).count() == 0
    assert len(main.inner_text()) > 200  # the page says something, not just its title
    slug = link.lower().replace(" ", "-")
    page.screenshot(path=str(artifacts / f"first-visit-{slug}.png"), full_page=True)

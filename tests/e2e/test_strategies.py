"""The strategy controls in a real browser: presets, score parts, and the diversity slider."""

from recsys.strategy import PRESETS
from tests.e2e.visitors import EXCEPTION, card_ids, type_interests, wait_idle


def metric_value(page, label: str) -> str:
    metric = page.locator("[data-testid='stMetric']").filter(has_text=label)
    return metric.locator("[data-testid='stMetricValue']").inner_text()


def open_strategy_controls(page) -> None:
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("Strategy controls").click()
    sidebar.get_by_text("Diversity re-ranking").wait_for()


def choose_preset(page, name: str) -> None:
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_role("combobox", name="Strategy").click()
    page.get_by_role("option", name=name, exact=True).click()
    # the list says which strategy made it: wait for that, not for time to pass
    main = page.locator("[data-testid='stMain']")
    main.get_by_text(f"Ranked by {name}.", exact=False).wait_for()
    wait_idle(page)


def test_moving_the_diversity_slider_changes_the_lists_diversity(page, artifacts):
    type_interests(page, "jazz records and vinyl, blues guitar, soul music")
    choose_preset(page, "Adaptive (feedback)")  # the single-vector profile MMR is added to
    plain = float(metric_value(page, "Diversity"))
    open_strategy_controls(page)
    sidebar = page.locator("[data-testid='stSidebar']")
    main = page.locator("[data-testid='stMain']")
    sidebar.get_by_text("MMR", exact=True).click()
    # MMR at λ = 0.7 is the "Adaptive + diverse" preset: wait for the list it ranked
    main.get_by_text("Ranked by Adaptive + diverse.", exact=False).wait_for()
    wait_idle(page)
    slider = sidebar.locator(".st-key-rec_diversity_lambda input[type='range']")
    slider.focus()
    slider.press("Home")  # lambda 0: as varied as MMR can make it
    sidebar.locator(".st-key-rec_diversity_lambda [data-testid='stSliderThumbValue']").get_by_text(
        "0.00"
    ).wait_for()
    main.get_by_text("Ranked by Custom.", exact=False).wait_for()
    wait_idle(page)
    page.wait_for_function(
        "plain => { const m = [...document.querySelectorAll('[data-testid=stMetric]')]"
        ".find(e => e.innerText.includes('Diversity'));"
        " return m && parseFloat(m.querySelector('[data-testid=stMetricValue]').innerText)"
        " > plain; }",
        arg=plain,
    )
    varied = float(metric_value(page, "Diversity"))
    assert varied > plain
    assert sidebar.get_by_role("combobox", name="Strategy").input_value() == "Custom"
    assert sidebar.get_by_text("MMR λ = 0", exact=False).is_visible()  # the strategy's caption
    assert len(card_ids(page)) == 10
    page.screenshot(path=str(artifacts / "strategies.png"))


def test_the_hybrid_preset_shows_each_cards_score_parts(page):
    type_interests(page, "machine learning, statistics, Python programming")
    choose_preset(page, "Hybrid (CF + content)")
    main = page.locator("[data-testid='stMain']")
    main.get_by_text("cold start", exact=False).wait_for()
    text = main.inner_text()
    assert text.count("Collaborative") >= 10 and text.count("Popularity") >= 10
    assert len(card_ids(page)) == 10


def test_every_preset_gives_a_full_list_of_its_own(page):
    type_interests(page, "space exploration, telescopes, science fiction novels")
    sidebar = page.locator("[data-testid='stSidebar']")
    lists = {}
    for name in PRESETS:
        choose_preset(page, name)
        assert sidebar.get_by_role("combobox", name="Strategy").input_value() == name
        lists[name] = card_ids(page)
        assert len(lists[name]) == 10, name
        assert page.locator(EXCEPTION).count() == 0
    same = {a for a in lists for b in lists if a < b and lists[a] == lists[b]}
    # before any thumb, learning has nothing to learn from: Static and Adaptive agree
    assert lists["Static (interest text only)"] == lists["Adaptive (feedback)"]
    assert same == {"Adaptive (feedback)"}, "no other two presets should give the same list"

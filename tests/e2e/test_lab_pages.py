"""The Simulation lab and the Evaluation page in a real browser, run as a visitor would."""

from tests.e2e.visitors import wait_idle


def set_number(page, label: str, value: int) -> None:
    box = page.get_by_role("spinbutton", name=label)
    box.fill(str(value))
    box.press("Tab")


def test_a_short_simulation_runs_to_completion(page, artifacts):
    page.get_by_role("link", name="Simulation lab").click()
    page.get_by_role("heading", name="Simulation lab").wait_for()
    wait_idle(page)
    set_number(page, "Users", 60)
    set_number(page, "Rounds", 15)
    page.get_by_role("button", name="Run simulation").click()
    page.get_by_role("heading", name="What the numbers say").wait_for()
    wait_idle(page)
    main = page.locator("[data-testid='stMain']")
    main.locator(".stPlotlyChart").nth(2).wait_for()  # charts draw once their data arrives
    assert main.locator(".stPlotlyChart").count() == 3
    assert "60 users × 15 rounds" in main.inner_text()
    assert main.get_by_text("paired difference", exact=False).count() >= 2
    table = main.locator("[data-testid='stDataFrame']")
    assert table.count() == 2  # the summary and the paired differences
    page.screenshot(path=str(artifacts / "simulation.png"), full_page=True)


def test_the_evaluation_table_appears(page, artifacts):
    page.get_by_role("link", name="Evaluation").click()
    page.get_by_role("heading", name="Offline evaluation").wait_for()
    main = page.locator("[data-testid='stMain']")
    main.locator("[data-testid='stDataFrame']").wait_for()
    wait_idle(page)
    assert main.get_by_text("simulated users evaluated", exact=False).is_visible()
    page.screenshot(path=str(artifacts / "evaluation.png"), full_page=True)

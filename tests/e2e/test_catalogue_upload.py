"""Bring your own catalogue, in a real browser: upload, embed, get recommendations from it."""

from tests.e2e.visitors import CARD, card_ids, type_interests, wait_idle

CSV = (
    "item_id,title,description,domain,category\n"
    "my-1,Comet Watching for Beginners,Find and photograph comets with binoculars.,space,Sky\n"
    "my-2,Sourdough Basics,Feed a starter and bake a first crusty loaf at home.,food,Bread\n"
    "my-3,Night Sky Atlas,Star charts for every season with notes on planets.,space,Sky\n"
    "my-4,<script>alert('x')</script>,Markup in a title is shown as text.,misc,Odd\n"
)


def test_upload_a_csv_and_get_recommendations_from_it(page, tmp_path, artifacts):
    page.get_by_role("link", name="Catalogue").click()
    page.get_by_role("heading", name="Bring your own catalogue").wait_for()
    path = tmp_path / "my-items.csv"
    path.write_text(CSV, encoding="utf-8")
    page.locator("[data-testid='stFileUploader'] input[type='file']").set_input_files(path)
    page.get_by_text("4 items are ready").wait_for()
    assert page.get_by_text("HTML or script in row 5 is shown as plain text").is_visible()
    page.get_by_role("button", name="Embed and use this catalogue").click()
    page.get_by_text("Embedded 4 items").wait_for()
    wait_idle(page)
    assert page.get_by_text("You are using your own catalogue").is_visible()
    page.mouse.move(0, 0)
    page.get_by_role("heading", name="Catalogue", exact=True).scroll_into_view_if_needed()
    page.screenshot(path=str(artifacts / "catalogue.png"))

    page.get_by_role("link", name="Recommend").click()
    type_interests(page, "stargazing, comets and planets")
    ids = card_ids(page)
    assert set(ids) == {"my-1", "my-2", "my-3", "my-4"}
    assert ids[:2] in (["my-1", "my-3"], ["my-3", "my-1"])
    assert "<script>alert('x')</script>" in page.locator(".st-key-rec_card_my-4").inner_text()

    page.get_by_role("link", name="Catalogue").click()
    restore = page.get_by_role("button", name="Restore the shipped catalogue")
    restore.click()
    restore.wait_for(state="detached")  # gone once the shipped catalogue is back
    page.get_by_text("The shipped catalogue:").wait_for()
    wait_idle(page)
    page.get_by_role("link", name="Recommend").click()
    page.locator(CARD).nth(9).wait_for()
    assert not set(card_ids(page)) & {"my-1", "my-2", "my-3", "my-4"}

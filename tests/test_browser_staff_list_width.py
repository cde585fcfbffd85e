"""The staff request list fits a 1280 px screen: the essential columns without a horizontal scroll."""

import pytest

from .browsers import launch_chromium, playwright_session
from .staff import COORDINATOR, PASSWORD, current_code, enrol_app, make_document, make_staff, make_submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ESSENTIAL = ["reference", "child", "submitted at", "days waiting", "documents", "assigned", "missing", "status"]
OVERFLOW = """() => {
  const results = document.querySelector("#changelist .results");
  const root = document.documentElement;
  return {results: [results.scrollWidth, results.clientWidth], page: [root.scrollWidth, root.clientWidth]};
}"""


def test_request_list_fits_1280_px_without_horizontal_scroll(live_server, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    assignee = make_staff(COORDINATOR, username="alexandra.montgomery-fitzwilliam", first_name="Alexandra")
    device = enrol_app(make_staff(COORDINATOR, username="cora.coordinator"))
    # The widest values each column takes: long names, the longest cancer type, an assignee, missing records.
    for i in range(12):
        request_obj = make_submitted(
            history=1,
            child_first_name="Maximiliana-Josefina",
            child_last_name=f"Vanderbilt-Oyelaran {i}",
            cancer_category="bone_sarcoma",
            urgency="urgent",
            submitter_role="physician",
            assigned_to=assignee,
            status="awaiting_records",
        )
        make_document(request_obj)

    with playwright_session() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        page.goto(f"{live_server.url}/staff/")
        page.get_by_label("Username").fill("cora.coordinator")
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_label("Authentication code").fill(current_code(device))
        page.get_by_role("button", name="Log in").click()
        page.locator("#result_list").wait_for()
        headers = [h.lower() for h in page.locator("#result_list thead th").all_inner_texts()]
        widths = page.evaluate(OVERFLOW)
        browser.close()

    for column in ESSENTIAL:
        assert any(column in h for h in headers), (column, headers)
    assert widths["results"][0] <= widths["results"][1], widths
    assert widths["page"][0] <= widths["page"][1], widths

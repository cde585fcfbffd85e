"""axe-core (WCAG 2.0-2.2 A/AA and best practices) on the staff pages this project customised, in their
normal and error states, in real Chromium; and the request list fits a 1280 px screen.

Staff are signed in by a session cookie made on the server, so these scans do not depend on the login form.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.test import Client
from playwright.sync_api import expect

from requests_app import workflow
from requests_app.models import Status

from .browsers import launch_chromium, playwright_session
from .staff import COORDINATOR, READ_ONLY, log_in, make_document, make_staff, make_submitted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Axe()
# The family scan's options: every WCAG 2.0-2.2 A/AA rule and axe's best practices.
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
}
LIST = "/staff/requests_app/request/"


@pytest.fixture(scope="module")
def browser():
    with pytest.MonkeyPatch.context() as mp, playwright_session() as p:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = launch_chromium(p)
        yield browser
        browser.close()


def signed_in_page(browser, live_server, user, color_scheme="light"):
    """A page signed in as ``user`` at a laptop's 1280 x 800 (its context closes with the browser)."""
    client = Client()
    log_in(client, user)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, color_scheme=color_scheme)
    session = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    context.add_cookies([{"name": django_settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}])
    return context.new_page()


@pytest.fixture
def staff_page(browser, live_server):
    """A page signed in as an intake coordinator."""
    page = signed_in_page(browser, live_server, make_staff(COORDINATOR, username="cora.coordinator"))
    yield page
    page.context.close()


def assert_no_violations(page, what):
    """Zero axe violations of any impact; on failure, the rules, the elements and how to fix them."""
    results = AXE.run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, f"{what} ({page.url}):\n{results.generate_report()}"


def request_with_everything():
    """A request under review with a DICOM series, other files, notes, history and a records request."""
    request_obj = make_submitted(history=1, notes=2, urgency="urgent")
    for number in range(3):
        make_document(
            request_obj,
            name=f"IM{number:06d}",
            metadata={
                "dicom": {
                    "modality": "MR",
                    "study_date": "2026-01-05",
                    "study_description": "BRAIN",
                    "study_uid": "1.2.3",
                    "series_uid": "1.2.3.4",
                    "series_number": "2",
                    "series_description": "AX T2",
                }
            },
        )
    make_document(request_obj, "reports", name="pathology.pdf")
    workflow.start_review(request_obj, make_staff(COORDINATOR))
    return request_obj


def test_request_list_normal_filtered_searched_and_empty_has_no_violations(staff_page, live_server):
    request_obj = request_with_everything()
    make_submitted(urgency="routine")
    page = staff_page
    for query, what in (("", "list"), ("?urgency__exact=urgent", "filtered"), ("?q=SO-", "searched")):
        page.goto(live_server.url + LIST + query)
        expect(page.locator("#result_list")).to_contain_text(request_obj.reference)
        assert_no_violations(page, what)
    page.goto(live_server.url + LIST + "?q=no-such-request")
    expect(page.locator("#changelist")).to_contain_text("0 results")
    assert_no_violations(page, "no result")


def test_request_list_search_box_has_a_visible_label(staff_page, live_server):
    make_submitted()
    staff_page.goto(live_server.url + LIST)
    expect(staff_page.get_by_label("Search requests")).to_be_visible()


def test_breadcrumb_links_are_underlined(staff_page, live_server):
    request_obj = make_submitted()
    staff_page.goto(f"{live_server.url}{LIST}{request_obj.pk}/change/")
    links = staff_page.locator(".breadcrumbs a")
    expect(links.first).to_be_visible()
    for link in links.all():
        assert "underline" in link.evaluate("a => getComputedStyle(a).textDecorationLine")


def test_request_list_fits_a_1280_px_screen(staff_page, live_server):
    request_obj = request_with_everything()
    request_obj.child_first_name, request_obj.child_last_name = "Maria Fernanda", "Gonzalez-Rodriguez"
    request_obj.assigned_to = make_staff(COORDINATOR, username="alexandra.coordinator")
    request_obj.save()
    make_submitted(documents=12, history=1)  # missing records, a dozen documents
    staff_page.goto(live_server.url + LIST)
    expect(staff_page.locator("#result_list")).to_contain_text("Gonzalez-Rodriguez")
    # The table scrolls inside its own box in Django's admin, so the box is measured, not the page.
    widths = staff_page.evaluate(
        """() => {
          const box = document.querySelector('#changelist .results');
          const root = document.documentElement;
          return [box.scrollWidth - box.clientWidth, root.scrollWidth - root.clientWidth];
        }"""
    )
    assert widths == [0, 0], f"the list scrolls sideways (table, page): {widths} px"


def test_request_detail_has_no_violations_normal_and_after_a_refused_action(staff_page, live_server):
    request_obj = request_with_everything()
    page = staff_page
    page.goto(f"{live_server.url}{LIST}{request_obj.pk}/change/")
    expect(page.locator("[data-series='1.2.3.4']")).to_be_visible()
    expect(page.locator("#notes")).to_contain_text("Called the family")
    expect(page.locator("#records-heading")).to_be_visible()
    assert_no_violations(page, "detail")
    page.locator("[data-series='1.2.3.4'] summary").click()
    assert_no_violations(page, "detail, series files open")

    # Someone else moves the request on while this page is open; the button here is now refused.
    workflow.decline(request_obj, make_staff(COORDINATOR), "Not a pediatric case")
    page.locator("[data-transition='request_records']").click()
    page.get_by_label("Biopsy slides").check()
    page.get_by_label("Message to the family").fill("Please send the slides.")
    page.get_by_role("button", name="Ask the family for records").click()
    expect(page.locator(".messagelist .error")).to_be_visible()
    assert_no_violations(page, "detail, refused action")


def test_action_form_has_no_violations_empty_and_with_errors(staff_page, live_server):
    request_obj = request_with_everything()
    page = staff_page
    page.goto(f"{live_server.url}{LIST}{request_obj.pk}/change/")
    page.locator("[data-transition='request_records']").click()
    expect(page.get_by_role("heading", name="Ask the family for records")).to_be_visible()
    assert_no_violations(page, "action form")
    page.get_by_role("button", name="Ask the family for records").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    assert_no_violations(page, "action form, errors")
    request_obj.refresh_from_db()
    assert request_obj.status == Status.IN_REVIEW


def test_dashboard_has_no_violations(staff_page, live_server):
    request_with_everything()
    make_submitted(urgency="routine")
    staff_page.goto(f"{live_server.url}{LIST}dashboard/")
    expect(staff_page.locator("#queue")).to_be_visible()
    assert_no_violations(staff_page, "dashboard")
    for details in staff_page.locator("details").all():
        details.locator("summary").click()
    assert_no_violations(staff_page, "dashboard, numbers open")


def test_request_list_after_a_refused_bulk_action_has_no_violations(staff_page, live_server):
    request_obj = make_submitted()
    workflow.start_review(request_obj, make_staff(COORDINATOR))
    page = staff_page
    page.goto(live_server.url + LIST)
    page.locator("#result_list input[name='_selected_action']").first.check()
    page.locator("select[name='action']").select_option("start_review")
    page.locator("#changelist-form button[name='index']").click()
    expect(page.locator(".messagelist .error")).to_be_visible()
    assert_no_violations(page, "list, refused action")


def test_schedule_form_with_errors_and_mailed_slides_have_no_violations(staff_page, live_server):
    request_obj = request_with_everything()
    request_obj.slides_availability = "mailed"
    request_obj.slides_tracking_number = "1Z999AA10123456784"
    request_obj.save()
    page = staff_page
    page.goto(f"{live_server.url}{LIST}{request_obj.pk}/change/")
    expect(page.locator("#slides")).to_be_visible()
    assert_no_violations(page, "detail with mailed slides")
    page.locator("[data-transition='schedule']").click()
    page.locator("input[type='submit'][name='apply']").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    assert_no_violations(page, "schedule form, errors")


def test_empty_dashboard_has_no_violations(staff_page, live_server):
    staff_page.goto(f"{live_server.url}{LIST}dashboard/")
    expect(staff_page.locator("#queue")).to_contain_text("Nobody is waiting.")
    assert_no_violations(staff_page, "empty dashboard")


def test_staff_pages_in_the_dark_theme_have_no_violations(browser, live_server):
    request_obj = request_with_everything()
    page = signed_in_page(browser, live_server, make_staff(COORDINATOR), color_scheme="dark")
    for path in ("", "?q=no-such-request", f"{request_obj.pk}/change/", "dashboard/"):
        page.goto(live_server.url + LIST + path)
        assert_no_violations(page, f"dark theme {path}")
    page.goto(f"{live_server.url}{LIST}{request_obj.pk}/change/")
    page.locator("[data-transition='request_records']").click()
    page.get_by_role("button", name="Ask the family for records").click()
    expect(page.locator(".errorlist").first).to_be_visible()
    assert_no_violations(page, "dark theme action form, errors")
    page.context.close()


def test_superuser_pages_have_no_violations(browser, live_server):
    page = signed_in_page(browser, live_server, make_staff(None, username="root", is_superuser=True))
    for path in ("/staff/", "/staff/requests_app/auditlogentry/", "/staff/requests_app/notification/"):
        page.goto(live_server.url + path)
        assert_no_violations(page, path)
    page.context.close()


def test_read_only_staff_pages_have_no_violations(browser, live_server):
    request_obj = request_with_everything()
    page = signed_in_page(browser, live_server, make_staff(READ_ONLY))
    for path in ("", f"{request_obj.pk}/change/", "dashboard/"):
        page.goto(live_server.url + LIST + path)
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        assert_no_violations(page, f"read-only {path}")
    page.context.close()


def test_login_page_has_no_violations_normal_and_with_a_wrong_code(browser, live_server):
    make_staff(COORDINATOR, username="cora.coordinator")
    page = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
    page.goto(f"{live_server.url}/staff/login/")
    assert page.get_by_role("heading", level=1).count() == 1
    assert_no_violations(page, "login")
    page.get_by_label("Username").fill("cora.coordinator")
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Log in").click()
    expect(page.locator(".errornote")).to_be_visible()
    assert_no_violations(page, "login, error")

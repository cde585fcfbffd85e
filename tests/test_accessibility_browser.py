"""axe-core (WCAG 2.2 AA and best practices) on every public page, normal and error states, in real
Chromium; and one step completed with the keyboard alone."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings as django_settings
from django.contrib.sessions.backends.db import SessionStore
from playwright.sync_api import expect

from requests_app import family_session, intake, tokens, workflow
from requests_app.models import SecondOpinionRequest, SubmitterRole

from . import answers
from .browsers import launch_chromium, playwright_session
from .factories import CompleteDraftFactory, DraftFactory, SubmittedRequestFactory
from .staff import COORDINATOR, make_staff
from .upload_samples import dicom_bytes

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
AXE = Axe()
# Every WCAG 2.0-2.2 A/AA rule and axe's best practices (the default run leaves some of 2.2 out).
AXE_OPTIONS = {
    "resultTypes": ["violations"],
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]},
}


@pytest.fixture(scope="module")
def browser():
    with pytest.MonkeyPatch.context() as mp, playwright_session() as p:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = launch_chromium(p)
        yield browser
        browser.close()


def context_for(browser, live_server, draft=None, status_request=None, language=None):
    """A fresh browser context whose session works on ``draft`` (and may open a request's status page)."""
    context = browser.new_context(viewport={"width": 1024, "height": 900})
    cookies = []
    if draft is not None or status_request is not None:
        session = SessionStore()
        if draft is not None:
            family_session.attach_draft(session, draft, link_offered=True)
        if status_request is not None:
            family_session.attach_status_request(session, status_request)
        session.save()
        cookies.append({"name": django_settings.SESSION_COOKIE_NAME, "value": session.session_key})
    if language:
        cookies.append({"name": django_settings.LANGUAGE_COOKIE_NAME, "value": language})
    context.add_cookies([{**cookie, "url": live_server.url} for cookie in cookies])
    return context


def assert_no_violations(page, what):
    """Zero axe violations of any impact; on failure, the rules, the elements and how to fix them."""
    results = AXE.run(page, options=AXE_OPTIONS)
    assert results.violations_count == 0, f"{what} ({page.url}):\n{results.generate_report()}"


def scan_pages(page, base_url, paths):
    for path in paths:
        page.goto(base_url + path)
        assert_no_violations(page, path)


def submit_empty(page):
    page.locator("button[value='continue']").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    expect(page.locator("[data-error-summary]")).to_be_focused()


@pytest.mark.parametrize("language", ["en", "es"])
def test_pages_without_a_request_have_no_violations(browser, live_server, language):
    context = context_for(browser, live_server, language=language)
    page = context.new_page()
    scan_pages(page, live_server.url, ["/", "/resume/request-link/", "/resume/", "/nowhere/"])

    page.goto(live_server.url + "/resume/request-link/")
    page.get_by_role("button", name={"en": "Send me a link", "es": "Envíenme un enlace"}[language]).click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    assert_no_violations(page, "request link, error")
    page.locator("[name='email']").fill("nobody@example.com")
    page.locator("form [type='submit']").last.click()
    page.wait_for_url("**/resume/link-sent/")
    assert_no_violations(page, "link sent")
    context.close()


@pytest.mark.parametrize("language", ["en", "es"])
def test_every_intake_step_has_no_violations_empty_and_with_errors(browser, live_server, language):
    draft = DraftFactory()
    context = context_for(browser, live_server, draft=draft, language=language)
    page = context.new_page()
    for step in intake.steps_for(draft):
        page.goto(f"{live_server.url}/request/{step.slug}/")
        assert_no_violations(page, f"step {step.slug}")
        submit_empty(page)
        assert_no_violations(page, f"step {step.slug}, errors")
        first_link = page.locator("[data-error-summary] a").first
        target = first_link.get_attribute("href")
        assert target != "#" and page.locator(target).count() == 1, target
    context.close()


def test_every_error_link_points_at_its_questions_first_input(browser, live_server):
    draft = DraftFactory()
    context = context_for(browser, live_server, draft=draft)
    page = context.new_page()
    linked = 0
    for step in intake.steps_for(draft):
        page.goto(f"{live_server.url}/request/{step.slug}/")
        submit_empty(page)
        for link in page.locator("[data-error-summary] a").all():
            target = link.get_attribute("href")
            assert target != "#" and page.locator(target).count() == 1, (step.slug, target)
            link.click()
            expect(page.locator(target)).to_be_focused()
            linked += 1
    assert linked >= 30  # every required question of the ten steps, radio groups included
    context.close()


def test_physician_step_has_no_violations(browser, live_server):
    context = context_for(browser, live_server, draft=DraftFactory(submitter_role=SubmitterRole.PHYSICIAN))
    page = context.new_page()
    page.goto(f"{live_server.url}/request/physician/")
    assert_no_violations(page, "physician step")
    submit_empty(page)
    assert_no_violations(page, "physician step, errors")
    context.close()


def test_review_save_and_confirmation_pages_have_no_violations(browser, live_server):
    no_birth_date = context_for(browser, live_server, draft=DraftFactory())
    scan_pages(no_birth_date.new_page(), live_server.url, ["/request/save/"])  # asks for the birth date first
    no_birth_date.close()
    incomplete = context_for(browser, live_server, draft=DraftFactory(child_birth_date=datetime.date(2019, 10, 22)))
    page = incomplete.new_page()
    scan_pages(page, live_server.url, ["/request/review/", "/request/save/"])
    page.get_by_role("button", name="Email me a link").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    assert_no_violations(page, "save progress, error")
    page.locator("[name='email']").fill("maria.lopez@example.com")
    page.get_by_role("button", name="Email me a link").click()
    page.wait_for_url("**/request/saved/")
    assert_no_violations(page, "saved")
    incomplete.close()

    draft = CompleteDraftFactory()
    complete = context_for(browser, live_server, draft=draft)
    page = complete.new_page()
    page.goto(f"{live_server.url}/request/review/")
    assert_no_violations(page, "review, complete")
    page.get_by_role("button", name="Submit request").click()
    expect(page.locator("[data-reference]")).to_be_visible()
    assert_no_violations(page, "confirmation")
    complete.close()


def test_resume_confirm_and_status_pages_have_no_violations(browser, live_server):
    submitted = SubmittedRequestFactory()
    coordinator = make_staff(COORDINATOR)
    workflow.start_review(submitted, coordinator)
    workflow.request_records(submitted, coordinator, ["scans", "reports"], "Please send the MRI from March.")
    context = context_for(browser, live_server)
    page = context.new_page()
    page.goto(f"{live_server.url}/resume/#t={tokens.make_token(submitted)}")
    page.wait_for_url("**/resume/confirm/")
    assert_no_violations(page, "resume confirm")
    page.get_by_role("button", name="Continue").click()
    expect(page.locator("[data-error-summary]")).to_be_visible()
    assert_no_violations(page, "resume confirm, error")
    page.locator("[name='birth_date']").fill(submitted.child_birth_date.isoformat())
    page.get_by_role("button", name="Continue").click()
    page.wait_for_url("**/status/")
    expect(page.locator("[data-records-asked]")).to_be_visible()
    assert_no_violations(page, "status with records asked for")
    context.close()


def test_rate_limited_page_has_no_violations(browser, live_server, settings):
    settings.RATE_LIMIT_START = "1/h"
    context = context_for(browser, live_server)
    page = context.new_page()
    for _ in range(2):
        page.goto(live_server.url)
        page.get_by_role("button", name="I am the child's parent or guardian").click()
    expect(page.get_by_role("heading", name="Please wait a moment")).to_be_visible()
    assert_no_violations(page, "rate limited")
    context.close()


def tab_to(page, predicate_js, limit=80):
    """Press Tab until the focused element matches; fails if it never does (keyboard trap or unreachable)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(f"(el => {predicate_js})(document.activeElement)"):
            return
    raise AssertionError(f"Tab never reached {predicate_js}")


def test_a_step_is_completed_with_the_keyboard_alone(browser, live_server):
    context = context_for(browser, live_server)
    page = context.new_page()
    page.goto(live_server.url)
    tab_to(page, "el.value === 'guardian' && el.tagName === 'BUTTON'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/request/child/")
    child = answers.child()
    for name in ("child_first_name", "child_last_name"):
        tab_to(page, f"el.name === '{name}'")
        page.keyboard.type(child[name])
    tab_to(page, "el.name === 'child_birth_date'")
    year, month, day = child["child_birth_date"].split("-")
    page.keyboard.type(f"{month}{day}{year}")  # Chromium's date field takes mm dd yyyy typed in a row
    tab_to(page, "el.name === 'child_sex'")
    page.keyboard.press("Space")  # the first radio of the group is checked by Space
    tab_to(page, "el.tagName === 'BUTTON' && el.value === 'continue'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/request/save/")
    context.close()

    saved = SecondOpinionRequest.objects.get()
    assert saved.child_first_name == child["child_first_name"]
    assert saved.child_birth_date.isoformat() == child["child_birth_date"]
    assert saved.child_sex == "female"


def test_the_records_step_with_an_upload_is_completed_with_the_keyboard_alone(browser, live_server, settings, tmp_path):
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": tmp_path / "m"}},
    }
    scan = tmp_path / "IM000001"
    scan.write_bytes(dicom_bytes())
    draft = DraftFactory()
    context = context_for(browser, live_server, draft=draft)
    page = context.new_page()
    # Listening from the start turns on Playwright's file-chooser interception before any key is pressed;
    # enabled only inside expect_file_chooser, the first Space could race it and open no chooser event.
    page.on("filechooser", lambda chooser: None)
    page.goto(f"{live_server.url}/request/records/")
    page.locator("[data-upload-area][data-category='scans'][data-ready]").wait_for(state="attached")

    tab_to(page, "el.name === 'scans_availability'")
    page.keyboard.press("Space")  # "I am uploading them here"
    tab_to(page, "el.matches(\"[data-category='scans'] [data-file-input]\")")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")  # the focused upload button opens the file chooser
    chooser.value.set_files(str(scan))
    expect(page.locator(".upload-item [data-state]")).to_contain_text("Uploaded", timeout=30_000)
    # Screen readers hear the outcome once, not every progress step: only the announcer is a live region.
    scans = page.locator("[data-category='scans']")
    assert scans.locator("[aria-live]").count() == 1
    expect(scans.locator("[data-upload-announcer][aria-live='polite']")).to_have_text("IM000001: Uploaded")
    assert_no_violations(page, "records step with an uploaded file")
    # Slides: the second answer ("mailed"); reports: the second ("not yet"); plan: the third ("not yet").
    for name, downs in (("slides_availability", 1), ("reports_availability", 1), ("treatment_plan_availability", 2)):
        tab_to(page, f"el.name === '{name}'")
        page.keyboard.press("Space")
        for _ in range(downs):
            page.keyboard.press("ArrowDown")
    tab_to(page, "el.tagName === 'BUTTON' && el.value === 'continue'")
    page.keyboard.press("Enter")
    page.wait_for_url("**/request/consent/")
    context.close()

    draft.refresh_from_db()
    assert (draft.scans_availability, draft.slides_availability) == ("uploaded", "mailed")
    assert (draft.reports_availability, draft.treatment_plan_availability) == ("not_available", "not_available")
    assert draft.documents.get().original_name == "IM000001"


def test_upload_buttons_show_where_the_keyboard_focus_is(browser, live_server):
    context = context_for(browser, live_server, draft=DraftFactory())
    page = context.new_page()
    page.goto(f"{live_server.url}/request/records/")
    for _ in range(60):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.matches('[data-file-input]')"):
            break
    else:
        raise AssertionError("Tab never reached an upload button")
    outline = page.evaluate(
        "(() => { const s = getComputedStyle(document.activeElement.closest('label'));"
        " return [s.outlineStyle, parseFloat(s.outlineWidth)]; })()"
    )
    assert outline[0] == "solid" and outline[1] >= 2, outline
    context.close()


def test_conditionally_required_answers_are_marked_with_a_hint_and_dropdowns_prompt(browser, live_server):
    context = context_for(browser, live_server, draft=DraftFactory())
    page = context.new_page()
    page.goto(f"{live_server.url}/request/address/")
    for name in ("region", "postal_code"):
        marker = page.evaluate(f"getComputedStyle(document.querySelector('label[for=id_{name}]'), '::after').content")
        assert marker == '"*"', (name, marker)
        expect(page.locator(f"#id_{name}_helptext")).to_contain_text("Required for an address in the United States.")
    page.goto(f"{live_server.url}/request/guardian/")
    expect(page.locator("label[for=id_guardian_attests_legal_authority] .asteriskField")).to_have_text("*")
    for select in page.locator("select").all():
        assert select.locator("option").first.inner_text() == "Choose…"
    assert "---------" not in page.content()
    context.close()


def test_the_language_switch_works_from_the_keyboard(browser, live_server):
    context = context_for(browser, live_server)
    page = context.new_page()
    page.goto(live_server.url + "/resume/request-link/")
    tab_to(page, "el.lang === 'es' && el.tagName === 'BUTTON'")
    page.keyboard.press("Enter")
    expect(page.locator("html")).to_have_attribute("lang", "es")
    expect(page.get_by_role("heading", level=1)).to_have_text("Pida un enlace nuevo a su solicitud")
    assert page.url.endswith("/resume/request-link/")
    assert_no_violations(page, "after switching to Spanish")
    context.close()

"""The guardian's whole intake in real Chromium: leave mid-way, resume from the emailed link, change, submit."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from requests_app.models import SecondOpinionRequest, Status

from . import answers, links
from .browsers import PolicyViolations, launch_chromium, playwright_session

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(scope="module")
def browser():
    # Playwright's sync API runs an event loop, which Django's ORM guard would refuse; allowed for this
    # module only, so no later subprocess (the deploy check, the Celery worker) inherits it.
    with pytest.MonkeyPatch.context() as mp, playwright_session() as p:
        mp.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        browser = launch_chromium(p)
        yield browser
        browser.close()


def phone_context(browser, watch):
    # A parent's phone: 375 px wide, touch.
    return watch.new_context(browser, viewport={"width": 375, "height": 740}, is_mobile=True, has_touch=True)


def fill(page, data):
    for name, value in data.items():
        field = page.locator(f"[name='{name}']")
        if isinstance(value, list):
            for v in value:
                page.locator(f"[name='{name}'][value='{v}']").check()
        elif value == "on":
            field.check()
        elif field.first.get_attribute("type") == "radio":
            page.locator(f"[name='{name}'][value='{value}']").check()
        elif field.evaluate("el => el.tagName") == "SELECT":
            field.select_option(value)
        elif value:
            field.fill(value)


def continue_step(page, slug):
    fill(page, answers.for_step(slug))
    page.get_by_role("button", name=re.compile("^Save and (continue|return to review)$")).click()


def test_guardian_fills_leaves_resumes_in_new_browser_changes_an_answer_and_submits(live_server, browser):
    watch = PolicyViolations()
    first = phone_context(browser, watch)
    page = first.new_page()
    page.goto(live_server.url)
    expect(page.get_by_role("heading", name="What you will need")).to_be_visible()
    page.get_by_role("button", name="I am the child's parent or guardian").click()

    # An invalid date first: the error summary links to the field and keeps what was typed.
    fill(page, {**answers.child(), "child_birth_date": "2999-01-01"})
    page.get_by_role("button", name="Save and continue", exact=True).click()
    expect(page.locator(".error-summary")).to_contain_text("The date of birth cannot be in the future.")
    expect(page.locator("[name='child_first_name']")).to_have_value("Ana")
    no_horizontal_scroll = page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    assert no_horizontal_scroll

    continue_step(page, "child")
    expect(page.get_by_role("heading", name="Get a link to come back later")).to_be_visible()
    page.get_by_label("Your email address").fill("maria.lopez@example.com")
    page.get_by_role("button", name="Email me a link").click()
    continue_step(page, "address")
    expect(page.get_by_role("heading", name="Parent or guardian")).to_be_visible()
    first.close()  # the parent leaves mid-way

    token = links.token_in(mail.outbox[-1].body)
    second = phone_context(browser, watch)
    page = second.new_page()
    page.goto(f"{live_server.url}/resume/#t={token}")
    page.wait_for_url("**/resume/confirm/")  # the token does not stay in the address bar
    page.get_by_label("Child's date of birth").fill(answers.child()["child_birth_date"])
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="Parent or guardian")).to_be_visible()

    remaining = ["guardian", "insurance", "current-physician", "diagnosis", "symptoms", "reasons", "records", "consent"]
    for slug in remaining:
        continue_step(page, slug)
    expect(page.get_by_role("heading", name="Check your answers before you send them")).to_be_visible()
    expect(page.locator("body")).to_contain_text("Wilmington")

    page.get_by_role("link", name="Change Symptoms and current state").click()
    page.locator("[name='urgency'][value='urgent']").check()
    page.get_by_role("button", name="Save and return to review").click()
    expect(page.locator("body")).to_contain_text("Urgent: a treatment decision is needed within days")

    page.get_by_role("button", name="Submit request").click()
    reference = page.locator("[data-reference]").inner_text()
    assert re.fullmatch(r"SO-[2-9A-Z]{4}-[2-9A-Z]{4}", reference)

    submitted = SecondOpinionRequest.objects.get()
    assert submitted.status == Status.SUBMITTED and submitted.reference == reference
    assert submitted.urgency == "urgent" and submitted.city == "Wilmington"
    assert any(reference in m.subject for m in mail.outbox)
    second.close()
    watch.assert_none()

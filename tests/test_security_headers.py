"""Content-Security-Policy and Permissions-Policy on every page, family and staff alike."""

import pytest

from .browsers import PolicyViolations, launch_chromium, playwright_session

DENIED_FEATURES = ["camera", "microphone", "geolocation", "payment", "usb"]


def directives(response):
    policy = response["Content-Security-Policy"]
    return {part.split()[0]: part.split()[1:] for part in policy.split(";") if part.strip()}


@pytest.mark.parametrize("path", ["/", "/request/child/", "/resume/confirm/", "/staff/login/", "/no-such-page/"])
def test_every_page_refuses_inline_code_framing_and_device_features(db, client, path):
    response = client.get(path)

    policy = directives(response)
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"] and policy["style-src"] == ["'self'"]  # nothing inline
    assert policy["frame-ancestors"] == ["'none'"] and policy["object-src"] == ["'none'"]
    assert policy["base-uri"] == ["'none'"] and policy["form-action"] == ["'self'"]
    permissions = response["Permissions-Policy"]
    for feature in DENIED_FEATURES:
        assert f"{feature}=()" in permissions


def test_connect_src_names_the_s3_endpoint_browsers_upload_to(db, client, s3_storage, s3_server):
    policy = directives(client.get("/"))

    assert policy["connect-src"] == ["'self'", s3_server]


def test_connect_src_follows_the_public_endpoint_when_browsers_reach_s3_elsewhere(db, client, s3_storage, settings):
    settings.AWS_S3_PUBLIC_ENDPOINT_URL = "https://records.hospital.example:9443"

    policy = directives(client.get("/"))

    assert policy["connect-src"] == ["'self'", "https://records.hospital.example:9443"]


def test_records_on_local_disk_need_no_other_origin(db, client):
    assert directives(client.get("/"))["connect-src"] == ["'self'"]


@pytest.mark.browser
def test_the_browser_tests_watcher_catches_inline_style_and_script(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    page_with_inline_code = (
        "<!doctype html><p style='color: red'>styled</p><script>document.title = 'ran'</script>"
        "<script src='/allowed.js'></script>"
    )
    watch = PolicyViolations()
    with playwright_session() as playwright:
        browser = launch_chromium(playwright)
        page = watch.new_context(browser).new_page()
        page.route(
            "http://portal.test/**",
            lambda route: route.fulfill(
                body=page_with_inline_code if route.request.url.endswith("/") else "document.body.dataset.ok = 1",
                content_type="text/html" if route.request.url.endswith("/") else "text/javascript",
                headers={"Content-Security-Policy": "default-src 'self'"},
            ),
        )
        page.goto("http://portal.test/")
        page.wait_for_function("document.body.dataset.ok === '1'")
        browser.close()

    assert any("style-src" in v for v in watch.seen) and any("script-src" in v for v in watch.seen)
    with pytest.raises(AssertionError, match="Content-Security-Policy violations"):
        watch.assert_none()

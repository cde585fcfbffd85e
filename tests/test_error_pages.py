"""Error pages a parent can act on (issue #13, item 6): the 500 page with the database down, the proxy's
static 502/503 pages, and the log of a database outage without a misleading session error."""

from pathlib import Path

import pytest
import requests
from django.conf import settings
from django.test import Client, RequestFactory
from django.utils import translation

from portal.views import server_error

from .fixtures.portal_server import PortalServer
from .fixtures.ports import free_port

ROOT = Path(__file__).resolve().parents[1]
SESSION_COOKIE = {"sessionid": "a" * 32}  # a returning family: their session must be read from the database


@pytest.fixture(scope="module")
def portal_without_database(tmp_path_factory):
    """The portal under gunicorn whose PostgreSQL is down: nothing listens at its DATABASE_URL."""
    server = PortalServer(
        tmp_path_factory.mktemp("no-database"), DATABASE_URL=f"postgres://portal@127.0.0.1:{free_port()}/portal"
    )
    yield server.start()
    server.stop()


@pytest.mark.integration
def test_database_down_shows_the_portal_500_page_with_the_phone_and_keeps_the_session(portal_without_database):
    response = requests.get(f"{portal_without_database.url}/request/review/", cookies=SESSION_COOKIE, timeout=10)

    assert response.status_code == 500
    assert "Something went wrong on our side" in response.text
    assert "What you saved is kept." in response.text
    assert settings.CENTER_PHONE in response.text
    assert 'href="/static/css/portal.css"' in response.text  # the portal's layout
    assert "sessionid" not in response.headers.get("Set-Cookie", "")  # the family's session is not dropped


@pytest.mark.integration
def test_database_down_logs_the_database_error_without_a_session_attribute_error(portal_without_database):
    requests.get(f"{portal_without_database.url}/request/review/", cookies=SESSION_COOKIE, timeout=10)
    log = portal_without_database.log()

    assert "OperationalError" in log
    assert "AttributeError" not in log
    assert "has no attribute '_session_cache'" not in log


@pytest.mark.integration
def test_readiness_fails_and_liveness_holds_while_the_database_is_down(portal_without_database):
    ready = requests.get(f"{portal_without_database.url}/readyz", timeout=10)
    alive = requests.get(f"{portal_without_database.url}/healthz", timeout=10)

    assert ready.status_code == 503
    assert "database fail" in ready.text and "storage ok" in ready.text
    assert "127.0.0.1" not in ready.text and "portal" not in ready.text  # no host, no user or database name
    assert alive.status_code == 200


@pytest.mark.django_db
def test_the_500_page_is_in_the_familys_language(settings):
    settings.DEBUG = False
    request = RequestFactory().get("/")  # a client request would run LocaleMiddleware and reset the language
    with translation.override("es"):
        page = server_error(request).content.decode()
    assert "Algo salió mal de nuestra parte" in page and "Lo que guardó se conserva." in page
    assert settings.CENTER_PHONE in page


@pytest.mark.parametrize("code", ["502", "503"])
def test_the_proxys_static_error_pages_give_the_phone_number_in_english_and_spanish(code):
    page = (ROOT / "static" / "errors" / f"{code}.html").read_text()

    assert settings.CENTER_PHONE in page and settings.CENTER_NAME in page
    assert "What you saved is kept." in page and "Lo que guardó se conserva." in page
    assert 'href="/static/css/portal.css"' in page and "style=" not in page and "<style" not in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("path", "host", "status", "heading"),
    [
        ("/no-such-page/", "testserver", 404, "We could not find this page"),
        ("/", "not-our-host.example", 400, "Something in this request was not right"),
    ],
)
def test_other_error_pages_use_the_portal_layout_and_give_the_phone_number(path, host, status, heading, settings):
    settings.DEBUG = False
    response = Client().get(path, HTTP_HOST=host)

    assert response.status_code == status
    page = response.content.decode()
    assert heading in page and settings.CENTER_PHONE in page and 'href="/static/css/portal.css"' in page


@pytest.mark.django_db
def test_a_form_sent_from_a_stale_page_explains_what_to_do(settings):
    settings.DEBUG = False
    response = Client(enforce_csrf_checks=True).post("/request/start/", {"role": "guardian"})

    assert response.status_code == 403
    page = response.content.decode()
    assert "Please reload the page and try again" in page and settings.CENTER_PHONE in page

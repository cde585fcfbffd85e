"""Visitors' addresses (rate limits, staff lock-out, audit log, consent) directly served and behind our proxy."""

import pytest
from django.test import RequestFactory

from requests_app.models import AuditLogEntry
from requests_app.network import client_ip

from .staff import COORDINATOR, log_in, make_staff, make_submitted

pytestmark = pytest.mark.django_db


def request_from(remote_addr, forwarded=None):
    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def test_served_directly_the_address_is_the_peer_and_forwarded_headers_are_ignored(settings):
    settings.BEHIND_PROXY = False
    assert client_ip(request_from("198.51.100.4", forwarded="6.6.6.6")) == "198.51.100.4"


def test_behind_the_proxy_the_address_is_the_one_it_appended_not_what_the_client_sent(settings):
    settings.BEHIND_PROXY = True
    assert client_ip(request_from("10.0.0.2", forwarded="6.6.6.6, 203.0.113.7")) == "203.0.113.7"
    assert client_ip(request_from("10.0.0.2", forwarded="2001:db8::1")) == "2001:db8::1"
    assert client_ip(request_from("10.0.0.2", forwarded="not-an-address")) == "10.0.0.2"
    assert client_ip(request_from("10.0.0.2")) == "10.0.0.2"


def test_behind_the_proxy_two_families_have_their_own_start_limits(client, settings):
    settings.BEHIND_PROXY = True
    settings.RATE_LIMIT_START = "2/h"

    def start(address):
        return client.post("/request/start/", {"role": "guardian"}, HTTP_X_FORWARDED_FOR=address).status_code

    assert [start("203.0.113.1") for _ in range(3)] == [302, 302, 429]
    assert start("203.0.113.2") == 302  # same proxy, another family: not throttled by the first


def test_behind_the_proxy_the_audit_log_records_the_staff_members_address(client, settings):
    settings.BEHIND_PROXY = True
    request_obj = make_submitted()
    log_in(client, make_staff(COORDINATOR))
    response = client.get(
        f"/staff/requests_app/request/{request_obj.pk}/change/", HTTP_X_FORWARDED_FOR="6.6.6.6, 192.0.2.15"
    )
    assert response.status_code == 200
    entry = AuditLogEntry.objects.get(request=request_obj)
    assert entry.ip_address == "192.0.2.15"

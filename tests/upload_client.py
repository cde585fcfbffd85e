"""The upload client the tests drive: what static/js/uploads/ does, over the Django test client."""

import base64
import json
import zlib

import requests
from django.test import Client

from requests_app import family_session


def crc32_b64(data):
    """A part's CRC32 as the browser sends it and S3 writes it: base64 of the 4 big-endian bytes."""
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def checksum_headers(data):
    """The headers the browser sends with a part (RGW checks the CRC32 only with the algorithm header)."""
    return {"x-amz-checksum-crc32": crc32_b64(data), "x-amz-sdk-checksum-algorithm": "CRC32"}


class Uploader:
    """What the browser's upload client does, in Python: start, ask for part URLs, PUT parts, complete."""

    def __init__(self, client):
        self.client = client
        self.parts_sent = []

    def post(self, url, body=None):
        return self.client.post(url, json.dumps(body or {}), content_type="application/json")

    def start(self, name, data, category="scans", size=None, **extra):
        body = {"name": name, "size": len(data) if size is None else size, "category": category, **extra}
        return self.post("/request/uploads/start/", body)

    def stored(self, document):
        response = self.client.get(document["parts_url"])
        assert response.status_code == 200
        return response.json()["stored"]

    def urls(self, document, numbers, data=None):
        """Part URLs; with the file's ``data``, naming each part's CRC32 as the browser does."""
        body = {"parts": numbers}
        if data is not None:
            size = document["part_size"]
            body["checksums"] = {n: crc32_b64(data[(n - 1) * size : n * size]) for n in numbers}
        response = self.post(document["parts_url"], body)
        assert response.status_code == 200, response.content
        return {int(n): url for n, url in response.json()["urls"].items()}

    def put(self, url, data):
        if url.startswith("http"):
            status = requests.put(url, data=data, headers=checksum_headers(data), timeout=30).status_code
        else:
            status = self.client.put(url, data, content_type="application/octet-stream").status_code
        assert status == 200, status
        return status

    def send_parts(self, document, data, numbers=None):
        size = document["part_size"]
        numbers = numbers or list(range(1, document["part_count"] + 1))
        for number, url in self.urls(document, numbers, data).items():
            self.put(url, data[(number - 1) * size : number * size])
            self.parts_sent.append(number)

    def complete(self, document):
        return self.post(document["complete_url"])

    def upload(self, name, data, **extra):
        response = self.start(name, data, **extra)
        assert response.status_code == 201, response.content
        document = response.json()
        self.send_parts(document, data)
        return self.complete(document)


def store_records_locally(settings, location):
    """Records on local disk under ``location`` (the embedded default) instead of S3."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": location}},
    }


def status_page_client(submitted):
    """A browser that opened the submitted request's status page (through the resume link)."""
    client = Client()
    session = client.session
    family_session.attach_status_request(session, submitted)
    session.save()
    return client

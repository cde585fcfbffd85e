"""The two Django paths bench/uploads.py times: the portal's direct-to-S3 protocol, and a proxy upload."""

import base64
import concurrent.futures
import json
import threading
import time
import zlib

import requests

MiB = 1024 * 1024
URL_BATCH = 1  # as static/js/uploads/protocol.js: a part's URL is asked for once its own CRC32 is known


class PortalClient:
    """What the browser's upload client does, over HTTP, from this process."""

    def __init__(self, base, parallel):
        self.base = base
        self.parallel = parallel
        self.http = requests.Session()

    def open_draft(self):
        self.http.get(f"{self.base}/")
        response = self.http.post(
            f"{self.base}/request/start/",
            data={"role": "guardian", "csrfmiddlewaretoken": self.http.cookies.get("csrftoken", "")},
            allow_redirects=False,
        )
        assert response.status_code == 302, response.status_code

    def post(self, path, body, session=None):
        """POST JSON with the draft's session cookie and CSRF token (from another thread: its own session)."""
        session = session or self.http
        if session is not self.http:
            session.cookies.update(self.http.cookies)
        response = session.post(
            f"{self.base}{path}", data=json.dumps(body), headers={"X-CSRFToken": self.http.cookies.get("csrftoken", "")}
        )
        response.raise_for_status()
        return response.json()

    def upload(self, path):
        size = path.stat().st_size
        document = self.post("/request/uploads/start/", {"name": path.name, "size": size, "category": "scans"})
        part_size, count = document["part_size"], document["part_count"]
        local = threading.local()
        urls, lock = {}, threading.Lock()

        def read(number):
            with open(path, "rb") as handle:
                handle.seek((number - 1) * part_size)
                data = handle.read(part_size)
            return data, base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()

        def url_for(number, crc):
            # As static/js/uploads/protocol.js: the part's URL once its CRC32 is computed (the URL signs it,
            # with the part's length).
            with lock:
                if number in urls:
                    return urls[number]
                wanted = [n for n in range(number, min(count, number + URL_BATCH - 1) + 1) if n not in urls]
                for n in wanted:
                    urls[n] = None
            checksums = {str(n): crc if n == number else read(n)[1] for n in wanted}
            got = self.post(document["parts_url"], {"parts": wanted, "checksums": checksums}, session=local.session)
            with lock:
                urls.update({int(n): u for n, u in got["urls"].items()})
            return urls[number]

        def put(number):
            if not hasattr(local, "session"):
                local.session = requests.Session()
            data, crc = read(number)
            url = url_for(number, crc)
            while url is None:  # another thread is fetching it
                time.sleep(0.005)
                url = urls[number]
            headers = {"x-amz-checksum-crc32": crc, "x-amz-sdk-checksum-algorithm": "CRC32"}
            local.session.put(url, data=data, headers=headers).raise_for_status()

        began = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(self.parallel) as pool:
            list(pool.map(put, range(1, count + 1)))
        self.parts_seconds = time.perf_counter() - began
        began = time.perf_counter()
        result = self.post(document["complete_url"], {})
        self.complete_seconds = time.perf_counter() - began
        assert result["status"] == "uploaded", result
        return result


class MultipartBody:
    """A multipart/form-data body streamed from disk (requests reads it in chunks; no 1 GB string)."""

    def __init__(self, path, boundary):
        self.head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{path.name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        ).encode()
        self.tail = f"\r\n--{boundary}--\r\n".encode()
        self.file = open(path, "rb")  # noqa: SIM115 - closed by close()
        self.size = path.stat().st_size
        self.len = len(self.head) + self.size + len(self.tail)
        self.stage = 0

    def read(self, n=-1):
        if self.stage == 0:
            self.stage = 1
            return self.head
        if self.stage == 1:
            chunk = self.file.read(n if n and n > 0 else MiB)
            if chunk:
                return chunk
            self.stage = 2
            return self.tail
        return b""

    def close(self):
        self.file.close()


def proxy_upload(base, path):
    boundary = "benchboundary7MA4YWxkTrZu0gW"
    body = MultipartBody(path, boundary)
    try:
        response = requests.post(
            f"{base}/bench/proxy-upload/",
            data=body,
            headers={"Content-Type": f"multipart/form-data; boundary={boundary}", "Content-Length": str(body.len)},
            timeout=3600,
        )
    finally:
        body.close()
    response.raise_for_status()
    assert response.json()["size"] == path.stat().st_size
    return response.json()

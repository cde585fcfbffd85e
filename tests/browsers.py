"""Real Chromium through Playwright's sync API, shared by the browser tests."""

import contextlib
import os

from django.db import connections
from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def launch_chromium(playwright):
    return playwright.chromium.launch(
        executable_path=os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"), args=CHROMIUM_ARGS
    )


@contextlib.contextmanager
def playwright_session():
    """``sync_playwright()`` that also closes the database connections opened inside it.

    While Playwright's event loop runs, Django keeps this thread's connections in context-local
    storage; once the loop stops they are out of reach, and the open session kept the test database
    from being dropped at the end of the run.
    """
    with sync_playwright() as playwright:
        try:
            yield playwright
        finally:
            connections.close_all()

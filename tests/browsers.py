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


# Every Content-Security-Policy violation a watched page sees: the browser's own event (scripts, styles,
# style="" attributes, connections) reported through a binding that survives navigation.
_REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  window.reportPolicyViolation(
    `${event.effectiveDirective} refused ${event.blockedURI || "inline"} on ${document.location.pathname}` +
      ` (${event.sourceFile || "page"}:${event.lineNumber})`,
  );
});
"""


class PolicyViolations:
    """Browser contexts whose pages report CSP violations; ``assert_none()`` at the end of a test."""

    def __init__(self):
        self.seen = []

    def new_context(self, browser, **options):
        context = browser.new_context(**options)
        context.expose_binding("reportPolicyViolation", lambda _source, text: self.seen.append(text))
        context.add_init_script(_REPORT_VIOLATIONS)
        context.on("console", self._console_message)
        return context

    def _console_message(self, message):
        # Chromium also logs refusals to the console; some (e.g. a refused worker) fire no event.
        if "Content Security Policy" in message.text:
            self.seen.append(message.text)

    def assert_none(self):
        assert not self.seen, "Content-Security-Policy violations:\n" + "\n".join(dict.fromkeys(self.seen))

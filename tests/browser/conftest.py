"""A real headless Chromium (Debian's, driven by Playwright) against pytest-django's live server.

The browser tests skip, with the reason, only where /usr/bin/chromium is absent; `scripts/test` installs
it, so in CI they run.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test.utils import override_settings

CHROMIUM = Path("/usr/bin/chromium")
# As root in a sandbox with no network but the package registries: no sandbox, no GPU, and none of
# Chromium's background calls home, which this machine's closed network would refuse by the dozen.
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]


@pytest.fixture(scope="module")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is absent (Debian: apt-get install chromium; scripts/test installs it)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread, and Django then refuses ORM calls here (the
    # test database's set-up and flush) as if they came from async code. Allowed for this module only:
    # the variable must not leak into other tests, nor into the commands they start.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        with sync_playwright() as playwright:
            chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()


@pytest.fixture(scope="session")
def plain_http_server(request):
    """The live server as `scripts/demo` serves: plain HTTP (QINQING_HTTPS=false), no redirect to HTTPS.

    SecurityMiddleware reads the redirect setting once, when the server thread builds its handler, so
    it is overridden while the server starts; the cookie flags are read per response (`page` below).
    """
    with override_settings(SECURE_SSL_REDIRECT=False, SECURE_HSTS_SECONDS=0):
        return request.getfixturevalue("live_server")


@pytest.fixture
def page(browser, plain_http_server, settings, transactional_db):
    # Committed rows, as Django's LiveServerTestCase has them. The server thread holds the connection it
    # was started with; a later test module (a new Playwright event loop, so a new context for Django's
    # per-context connections) may get another connection to the same in-memory database, and rows it
    # wrote inside an open test transaction would lock their tables against the server.
    settings.SESSION_COOKIE_SECURE = False
    settings.CSRF_COOKIE_SECURE = False
    context = browser.new_context(base_url=plain_http_server.url, locale="zh-CN")
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()

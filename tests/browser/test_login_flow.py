"""A person's first minutes: log in, read the home page in Chinese, switch to English, log out."""

from __future__ import annotations

import re

import pytest

from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

CJK = re.compile(r"[\u4e00-\u9fff]")


def html_lang(page) -> str:
    return page.locator("html").get_attribute("lang")


def test_analyst_logs_in_reads_chinese_switches_to_english_and_logs_out(users, page):
    analyst = users["commission_analyst"]

    page.goto("/")
    assert re.search(r"/accounts/login/\?next=/$", page.url), "anonymous visitors are sent to the login page"
    assert html_lang(page) == "zh-hans"

    page.fill("input[name=username]", analyst.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/accounts/login/'] [type=submit]").click()
    page.wait_for_url(re.compile(r"/$"))

    assert html_lang(page) == "zh-hans"
    heading = page.locator("h1").first.inner_text()
    assert analyst.username in heading
    assert CJK.search(heading), f"the home page greets in Chinese: {heading!r}"
    logout = page.locator("form[action$='/accounts/logout/'] [type=submit]")
    assert CJK.search(logout.inner_text())

    page.locator("form[action$='/i18n/setlang/'] button[value=en]").click()
    page.wait_for_function("document.documentElement.lang === 'en'")

    assert re.search(r"/$", page.url), "switching language stays on the page"
    heading = page.locator("h1").first.inner_text()
    assert heading.startswith("Welcome") and not CJK.search(heading)
    assert logout.inner_text().strip() == "Log out"

    logout.click()
    page.wait_for_url(re.compile(r"/accounts/login/"))
    assert page.locator("input[name=password]").is_visible()
    page.goto("/")
    assert "/accounts/login/" in page.url, "after logging out the home page asks for a login again"

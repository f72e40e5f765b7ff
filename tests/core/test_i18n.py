"""Chinese-first UI: pages render in Chinese by default and in English after switching; every UI string
has a Chinese translation; catalogues compile without GNU gettext."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import polib
import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from qinqing.core.i18n import compile_messages, missing_translations
from qinqing.registry.forms import LABELS

TEMPLATES = Path(django_settings.BASE_DIR) / "qinqing" / "templates"
CATALOGUE = Path(django_settings.BASE_DIR) / "qinqing" / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


@pytest.fixture(autouse=True)
def _fast_plain_http(settings):
    settings.SECURE_SSL_REDIRECT = False  # production redirects to HTTPS; the test client speaks HTTP
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # whole-table counts are cached for a minute


@pytest.fixture
def catalogues(settings, tmp_path):
    """The project's catalogue compiled into a temporary locale directory (tests write nothing into the
    source tree); changing LOCALE_PATHS makes Django drop its cached catalogues and read this one."""
    po_dir = tmp_path / "zh_Hans" / "LC_MESSAGES"
    po_dir.mkdir(parents=True)
    shutil.copy(CATALOGUE, po_dir / "django.po")
    settings.LOCALE_PATHS = [tmp_path]
    assert compile_messages() == [po_dir / "django.mo"]


def test_login_page_is_chinese_by_default(client, db, catalogues):
    body = client.get(reverse("accounts:login")).content.decode()
    assert '<html lang="zh-hans">' in body
    assert "登录" in body and "用户名" in body and "密码" in body
    assert "Log in" not in body


def test_pages_switch_to_english_and_back(client, users, catalogues):
    client.force_login(users["commission_analyst"])
    chinese = client.get(reverse("home")).content.decode()
    assert "首页" in chinese and "退出登录" in chinese and "一把手任职情况" in chinese

    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302 and response.url == reverse("home")
    english = client.get(reverse("home")).content.decode()
    assert '<html lang="en">' in english
    assert "Log out" in english and "Top leaders in post" in english and "退出登录" not in english

    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("home")})
    assert "退出登录" in client.get(reverse("home")).content.decode()


def test_registry_pages_show_chinese_labels(client, users, catalogues):
    client.force_login(users["org_officer"])
    body = client.get(reverse("registry:official", args=["O1"])).content.decode()
    assert "任职经历" in body and "县处级" in body and "兄弟姐妹" in body and "申报的亲属" in body


def test_catalogue_translates_every_string():
    assert missing_translations() == []


def _template_msgids() -> set[str]:
    pattern = re.compile(r"""{%\s*translate\s+(?:"([^"]+)"|'([^']+)')""")
    found = set()
    for path in TEMPLATES.rglob("*.html"):
        for double, single in pattern.findall(path.read_text()):
            found.add(double or single)
    return found


def test_every_template_and_label_string_is_in_the_catalogue():
    catalogue = {e.msgid for e in polib.pofile(str(CATALOGUE)) if e.translated()}
    with translation.override("en"):
        labels = {str(text) for group in LABELS.values() for text in group.values()}
    missing = (_template_msgids() | labels) - catalogue
    assert not missing, f"run makemessages and translate: {sorted(missing)}"


def test_compile_messages_writes_mo_files_next_to_po_files(tmp_path, settings):
    po_dir = tmp_path / "xx" / "LC_MESSAGES"
    po_dir.mkdir(parents=True)
    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": "nplurals=1; plural=0;"}
    po.append(polib.POEntry(msgid="Home", msgstr="首页"))
    po.append(polib.POEntry(msgid="Guess", msgstr="猜测", flags=["fuzzy"]))
    po.save(str(po_dir / "django.po"))
    settings.LOCALE_PATHS = [tmp_path]

    assert compile_messages() == [po_dir / "django.mo"]
    compiled = {e.msgid: e.msgstr for e in polib.mofile(str(po_dir / "django.mo"))}
    assert compiled == {"Home": "首页"}  # fuzzy guesses are left out, as msgfmt does
    assert compile_messages() == []  # up to date: nothing rewritten
    assert compile_messages(force=True) == [po_dir / "django.mo"]


@pytest.mark.django_db
def test_an_english_browser_still_gets_chinese_until_the_user_switches(client):
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert '<html lang="zh-hans"' in page.content.decode()
    client.post("/i18n/setlang/", {"language": "en", "next": "/accounts/login/"})
    page = client.get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="zh-CN")
    assert '<html lang="en"' in page.content.decode()

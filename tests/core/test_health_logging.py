"""The health check, request logs without personal data, and the production deployment check."""

from __future__ import annotations

import json
import logging
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client

from qinqing.core.logging import JsonFormatter

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def fast_password_hashing(settings) -> None:
    # The `users` fixture makes one user per role; the production hasher makes that take seconds.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# --- /healthz


def test_healthz_answers_ok_without_login(db, settings):
    settings.SECURE_SSL_REDIRECT = True
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_is_exempt_from_the_https_redirect_that_covers_everything_else(db, settings):
    # Load balancers probe over plain HTTP inside the network; a redirect would read as "down".
    settings.SECURE_SSL_REDIRECT = True
    client = Client()
    assert client.get("/healthz").status_code == 200
    redirected = client.get("/api/departments/")
    assert redirected.status_code == 301
    assert redirected["Location"].startswith("https://")


def test_healthz_is_not_cached(db):
    assert "no-cache" in Client().get("/healthz", secure=True)["Cache-Control"]


# --- request logs


@pytest.fixture
def captured(caplog):
    """Every record from every logger, including the ones that do not propagate to the root."""
    caplog.set_level(logging.DEBUG)
    quiet = [logging.getLogger(name) for name in ("django.request", "django.security", "django.server")]
    for logger in quiet:
        logger.addHandler(caplog.handler)
    yield caplog
    for logger in quiet:
        logger.removeHandler(caplog.handler)


def rendered(caplog) -> list[str]:
    """The records as the production JSON formatter writes them."""
    formatter = JsonFormatter()
    return [formatter.format(record) for record in caplog.records]


def request_entries(caplog) -> list[dict]:
    return [json.loads(line) for line in rendered(caplog) if '"logger": "qinqing.request"' in line]


def test_request_logs_name_the_route_and_user_but_never_the_path_names_or_id_numbers(
    captured, users, world, settings
):
    settings.SECURE_SSL_REDIRECT = False
    analyst = users["commission_analyst"]
    client = Client()
    client.force_login(analyst)
    official_id_number = world.official.id_number
    relative_id_number = world.relative.id_number
    visits = [
        ("/registry/officials/", {"q": "崔永"}),  # the web UI's search (404 until its routes exist)
        ("/api/officials/", {"search": "崔永"}),
        ("/api/officials/", {"search": official_id_number}),
        ("/api/relatives/", {"search": "崔勇"}),
        ("/api/holdings/", {"holder_id": relative_id_number}),
        ("/api/officials/O1/", {}),
    ]
    for path, params in visits:
        client.get(path, params)

    entries = request_entries(captured)
    assert len(entries) == len(visits)
    assert {e["route"] for e in entries} >= {"api:official-list", "api:relative-list", "api:holding-list",
                                             "api:official-detail"}
    assert {e["user_id"] for e in entries} == {analyst.pk}
    everything = "\n".join(rendered(captured))
    for secret in ("崔永", "崔勇", official_id_number, relative_id_number, official_id_number[:14]):
        assert secret not in everything
    # Neither the raw path nor the query string: either could carry the above in another spelling.
    assert "search=" not in everything and "?" not in everything
    assert "/api/" not in everything and "/registry/" not in everything


def test_request_log_lines_are_json_with_method_status_and_timing(captured, users, settings):
    settings.SECURE_SSL_REDIRECT = False
    client = Client()
    client.force_login(users["org_officer"])
    client.get("/api/departments/")
    [entry] = request_entries(captured)
    assert entry["route"] == "api:department-list"
    assert (entry["method"], entry["status"]) == ("GET", 200)
    assert isinstance(entry["ms"], float)


def test_anonymous_requests_log_no_user(captured, db):
    Client().get("/healthz", secure=True)
    [entry] = request_entries(captured)
    assert entry["route"] == "healthz"
    assert entry["user_id"] is None


# --- production deployment check


def deploy_check(**overrides: str) -> subprocess.CompletedProcess:
    # Only what production sets: nothing inherited from a developer's QINQING_DEBUG or QINQING_HTTPS.
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("QINQING_") and k != "DJANGO_SETTINGS_MODULE"}
    env.update({"QINQING_SECRET_KEY": secrets.token_urlsafe(64), "QINQING_ALLOWED_HOSTS": "example.gov.cn",
                "PYTHONPATH": str(ROOT)})
    env.update(overrides)
    return subprocess.run(
        [sys.executable, "-m", "qinqing.cli", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=120,
    )


def test_deploy_check_passes_without_warnings_under_production_settings():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_deploy_check_would_catch_a_weak_secret_key():
    # Shows the check above can fail: the same environment with a guessable key is refused.
    result = deploy_check(QINQING_SECRET_KEY="too-short")
    assert result.returncode != 0
    assert "security.W009" in result.stdout + result.stderr

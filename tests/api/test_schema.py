"""The OpenAPI schema generates cleanly and the Swagger UI is served from our own static files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROLES

ROOT = Path(__file__).resolve().parents[2]
ENDPOINTS = ["departments", "officials", "posts", "relatives", "enterprises", "holdings", "enterprise-roles",
             "assets", "incomes", "alerts"]


def test_schema_generates_without_warnings(tmp_path):
    # The exact command CI runs; a subprocess, so warnings cached by an earlier in-process run cannot hide.
    out = tmp_path / "schema.yml"
    result = subprocess.run(
        [sys.executable, "-m", "qinqing.cli", "spectacular", "--validate", "--fail-on-warn",
         "--file", str(out)],
        cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)}, capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    for endpoint in ENDPOINTS:
        assert f"/api/{endpoint}/:" in text
    assert "/api/officials/{official_id}/:" in text
    assert "/api/enterprises/{uscc}/:" in text
    assert "/api/alerts/{id}/:" in text
    assert "/api/token/:" in text


def test_schema_lists_no_write_operations(client_for, users):
    schema = client_for("admin").get("/api/schema/", {"format": "json"}).json()
    methods = {method for path, ops in schema["paths"].items() if path != "/api/token/" for method in ops}
    assert methods == {"get"}


def test_docs_page_loads_swagger_ui_from_the_local_sidecar(client_for, users):
    client = client_for("admin")
    response = client.get("/api/docs/")
    assert response.status_code == 200
    page = response.content.decode()
    # Intranets have no internet: nothing may come from outside the site.
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "cdn" not in page.lower() and "unpkg" not in page.lower()
    assets = re.findall(r"""(?:src|href)=["']([^"']+)["']""", page)
    sidecar = [a for a in assets if "drf_spectacular_sidecar/swagger-ui-dist/" in a]
    assert {Path(a).name for a in sidecar} >= {"swagger-ui.css", "swagger-ui-bundle.js",
                                               "swagger-ui-standalone-preset.js"}
    for asset in sidecar:
        served = client.get(asset)
        assert served.status_code == 200, asset
        if hasattr(served, "close"):
            served.close()


@pytest.mark.parametrize("role", [*ROLES, None])
def test_schema_and_docs_need_a_signed_in_user_of_any_role(role, client_for, users):
    client = client_for(role)
    for url in ("/api/schema/", "/api/docs/"):
        status = client.get(url).status_code
        assert status == (200 if role else 403), (url, status)

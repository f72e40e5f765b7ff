"""`qinqing procurement indicators FILE --settings FILE.ini` through the real console entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO.parent / "shared" / "external" / "cardinal-rs" / "indicators"


@pytest.mark.skipif(not FIXTURES.is_dir(), reason="shared/external/cardinal-rs is not beside the repository")
@pytest.mark.parametrize("name", ["R018", "R024", "R003-threshold-10"])
def test_cli_prints_cardinals_expected_output(name):
    run = subprocess.run(
        [sys.executable, "-m", "qinqing.cli", "procurement", "indicators", str(FIXTURES / f"{name}.jsonl"),
         "--settings", str(FIXTURES / f"{name}.ini"), "--no-meta"],
        cwd=REPO, capture_output=True, text=True, check=True)
    assert json.loads(run.stdout) == json.loads((FIXTURES / f"{name}.expected").read_text())


def test_cli_reports_a_missing_settings_file_with_an_error_exit(tmp_path):
    data = tmp_path / "x.jsonl"
    data.write_text("{}\n")
    run = subprocess.run([sys.executable, "-m", "qinqing.cli", "procurement", "indicators", str(data),
                          "--settings", str(tmp_path / "missing.ini")], cwd=REPO, capture_output=True, text=True)
    assert run.returncode != 0 and "missing.ini" in run.stderr

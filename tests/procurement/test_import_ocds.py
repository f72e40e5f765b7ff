"""OCDS compiled releases into the tender tables, through the contract importer."""

from __future__ import annotations

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qinqing.core.identifiers import make_uscc
from qinqing.procurement.ocds_import import import_ocds, uscc_of

pytestmark = pytest.mark.django_db
NEW_FIRM = make_uscc("530381", 777)


def release(ocid: str, buyer: str, bids: list[dict], *, currency: str = "CNY", method: str = "open") -> dict:
    return {
        "ocid": ocid, "date": "2024-03-01T00:00:00Z",
        "buyer": {"id": buyer, "name": "买方"},
        "tender": {"id": ocid, "title": "土地整治项目", "procurementMethod": method,
                   "value": {"amount": 1200000, "currency": currency},
                   "tenderPeriod": {"startDate": "2024-03-01T09:00:00+08:00", "endDate": "2024-03-21T09:00:00+08:00"}},
        "bids": {"details": [
            {"id": f"{ocid}-b{i}", "status": "valid", "date": "2024-03-20T10:00:00+08:00",
             "tenderers": [{"id": b["id"], "name": b["name"]}], "value": {"amount": b["amount"], "currency": "CNY"}}
            for i, b in enumerate(bids)]},
        "awards": [{"id": "a1", "status": "active", "date": "2024-03-28T09:00:00+08:00",
                    "suppliers": [{"id": bids[0]["id"], "name": bids[0]["name"]}]}] if bids else [],
    }


@pytest.fixture
def ocds_file(tmp_path, world):
    lines = [
        release("ocds-1", "QJ-SJ", [
            {"id": world.other_firm.uscc, "name": "改过的名字", "amount": 1150000},
            {"id": f"CN-USCC-{NEW_FIRM}", "name": "宣威市新建工程有限公司", "amount": 1190000},
            {"id": "GB-COH-123456", "name": "Foreign Ltd", "amount": 1180000},
        ]),
        release("ocds-2", "UNKNOWN-BUYER", []),
        release("ocds-3", "QJ-GA", [{"id": world.mine.uscc, "name": "煤矿", "amount": 5000}], currency="USD"),
    ]
    path = tmp_path / "releases.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in lines) + "\nnot json\n", encoding="utf-8")
    return path


def test_uscc_is_read_from_bare_and_org_id_forms():
    assert uscc_of(NEW_FIRM) == uscc_of(f"CN-USCC-{NEW_FIRM}") == uscc_of(f"CN-SAIC-{NEW_FIRM.lower()}") == NEW_FIRM
    assert uscc_of("GB-COH-123456") is None and uscc_of(NEW_FIRM[:-1] + "0") is None


def test_usable_releases_are_imported_and_the_rest_reported_by_line(ocds_file, world):
    from qinqing.procurement.models import Bid, Tender
    from qinqing.registry.models import Enterprise

    result = import_ocds(ocds_file)
    assert result.ok and (result.tenders, result.bids) == (2, 3)
    tender = Tender.objects.get(pk="ocds-1")
    assert (tender.buyer_id, tender.method, str(tender.budget)) == ("QJ-SJ", "open", "1200000.00")
    assert tender.published_at.isoformat() == "2024-03-01T01:00:00+00:00"
    assert Bid.objects.get(tender_id="ocds-1", bidder_id=world.other_firm.uscc).winner is True
    assert Tender.objects.get(pk="ocds-3").budget is None  # USD: left out, not converted
    assert Enterprise.objects.get(pk=NEW_FIRM).name == "宣威市新建工程有限公司"
    assert Enterprise.objects.get(pk=world.other_firm.uscc).name == world.other_firm.name  # never overwritten
    reasons = {(i.line, i.reason.split(":")[0]) for i in result.issues}
    assert (1, "'GB-COH-123456' holds no valid USCC") in reasons
    assert (2, "'UNKNOWN-BUYER' is not a known department code") in reasons
    assert (3, "amount in USD, not CNY") in reasons
    assert any(i.line == 4 for i in result.issues)  # the line that is not JSON


def test_importing_the_same_releases_again_changes_nothing(ocds_file):
    import_ocds(ocds_file)
    again = import_ocds(ocds_file).report
    assert all(t.inserted == 0 and t.updated == 0 for t in again.tables)


def test_command_lists_what_it_left_out(ocds_file, tmp_path, capsys):
    call_command("import_ocds", str(ocds_file), "--issues", str(tmp_path / "issues.csv"))
    out = capsys.readouterr()
    assert "3 releases: 2 tenders, 3 bids imported" in out.out and "UNKNOWN-BUYER" in out.err
    assert (tmp_path / "issues.csv").read_text(encoding="utf-8").startswith("line,field,reason")
    with pytest.raises(CommandError, match="no such file"):
        call_command("import_ocds", str(tmp_path / "missing.jsonl"))

"""Cardinal's indicators over the stored tender tables, the OCDS export of those tables, and their agreement.

The dataset is ten tenders of two buyers, each built to raise (or to just miss) one red flag; the expected
output is worked out by hand from the indicator definitions in the comments below.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from qinqing.contract.importer import import_dataset
from qinqing.core.identifiers import make_uscc
from qinqing.procurement.ocds import parse_settings, run_indicators, to_json, to_record
from qinqing.procurement.ocds.__main__ import main
from qinqing.procurement.stored import iter_records, iter_stored_releases, run_stored_indicators

pytestmark = pytest.mark.django_db
F1, F2, F3, F4 = (make_uscc("530302", n) for n in (11, 12, 13, 14))
FIRMS = {F1: "曲靖一建", F2: "麒麟路桥", F3: "宣威建工", F4: "富源水电"}

def at(day: str, hour: int) -> str:
    return f"2024-{day}T{hour:02d}:00:00+08:00"


# tender, buyer, method, published, deadline, awarded: 20-day periods unless the test is about the period.
TENDERS = [
    ("T01", "D1", "open", at("03-01", 9), at("03-25", 9), at("03-28", 9)),
    ("T02", "D1", "open", at("03-01", 9), at("03-21", 9), at("03-28", 9)),
    ("T03", "D1", "open", at("03-01", 9), at("03-21", 9), at("03-28", 9)),
    ("T04", "D1", "open", at("03-01", 9), at("03-21", 9), at("03-28", 9)),
    ("T05", "D1", "invited", at("03-01", 9), at("03-21", 9), at("03-28", 9)),
    ("T06", "D2", "inquiry", at("04-01", 9), at("04-04", 9), at("04-08", 9)),
    ("T07", "D2", "competitive", at("04-01", 9), at("04-21", 9), at("04-28", 9)),
    ("T08", "D2", "single_source", at("04-01", 9), at("04-06", 9), at("04-08", 9)),
    ("T09", "D2", "open", at("04-01", 9), at("04-21", 9), at("04-28", 9)),
    ("T10", "D2", "open", at("04-01", 9), at("04-21", 9), None),
]
# tender, bidder, amount, submitted (day, hour), disqualified, winner; listed in submission order.
BIDS = [
    ("T01", F1, 100, "2024-03-20T10:00:00+08:00", False, True),  # the only bid: R018
    ("T02", F1, 200, "2024-03-20T10:00:00+08:00", False, True),  # F1 and F2 bid the same price: R028;
    ("T02", F2, 200, "2024-03-20T11:00:00+08:00", False, False),  # second-lowest ratio 0.0 <= 0.01: R024
    ("T02", F3, 250, "2024-03-20T12:00:00+08:00", False, False),
    ("T03", F1, 300, "2024-03-20T10:00:00+08:00", False, True),  # the lowest bid (F2) disqualified: R036
    ("T03", F2, 280, "2024-03-20T11:00:00+08:00", True, False),
    ("T03", F3, 320, "2024-03-20T12:00:00+08:00", False, False),
    ("T04", F1, 410, "2024-03-20T10:00:00+08:00", False, False),
    ("T04", F4, 400, "2024-03-21T10:00:00+08:00", False, True),  # an hour after the deadline, and won: R030
    ("T05", F1, 450, "2024-03-20T10:00:00+08:00", True, False),  # all but the winner disqualified: R035 (2),
    ("T05", F2, 500, "2024-03-20T11:00:00+08:00", False, True),  # and the lowest is disqualified: R036
    ("T05", F3, 460, "2024-03-20T12:00:00+08:00", True, False),
    ("T06", F1, 600, "2024-04-03T10:00:00+08:00", False, True),  # a 3-day inquiry: R003 (< 15 days)
    ("T06", F3, 700, "2024-04-03T11:00:00+08:00", False, False),
    ("T07", F3, 100, "2024-04-20T10:00:00+08:00", False, True),  # the runner-up asks twice as much:
    ("T07", F4, 200, "2024-04-20T11:00:00+08:00", False, False),  # ratio 1.0 >= 0.5: R058
    ("T08", F2, 800, "2024-04-05T10:00:00+08:00", False, True),  # single source, 5 days: R003, not R018
    ("T09", F1, 1000, "2024-04-20T10:00:00+08:00", False, True),  # ratio 0.001 <= 0.01: R024
    ("T09", F4, 1001, "2024-04-20T11:00:00+08:00", False, False),
    ("T10", F1, 50, "2024-04-20T10:00:00+08:00", False, False),  # not awarded yet: only counts for R038
    ("T10", F2, 60, "2024-04-20T11:00:00+08:00", False, False),
]
SETTINGS = """
[R003]
[R018]
[R024]
threshold = 0.01
[R025]
percentile = 50
threshold = 0.5
[R028]
[R030]
[R035]
[R036]
[R038]
threshold = 0.2
[R048]
[R058]
threshold = 0.5
"""
# R025, per tenderer over the awarded processes, won / took part with a valid bid: F1 5/6, F2 2/3 (T02, T05,
# T08), F3 1/4 (T02, T03, T06, T07), F4 1/3. The 50th percentile of 6, 3, 4, 3 is 3.5: F1 and F3 take
# part often enough, and only F3's 0.25 is <= 0.5.
# R038, disqualified / submitted bids: buyer D1 3/12 = 0.25, D2 0/9; F1 1/8, F2 1/5, F3 1/5, F4 0/3; >= 0.2.
# R048 needs item classifications, which tenders do not have: it never fires on stored tenders.
EXPECTED = {
    "OCID": {
        "T01": {"R018": 1.0},
        "T02": {"R024": 0.0, "R028": 1.0},
        "T03": {"R036": 1.0},
        "T04": {"R030": 1.0},
        "T05": {"R035": 2.0, "R036": 1.0},
        "T06": {"R003": 1.0},
        "T07": {"R058": 1.0},
        "T08": {"R003": 1.0},
        "T09": {"R024": 0.001},
    },
    "Buyer": {"D1": {"R038": 0.25}},
    "Tenderer": {
        F1: {"R024": 0.0, "R028": 1.0},
        F2: {"R024": 0.0, "R028": 1.0, "R035": 0.0, "R038": 0.2},
        F3: {"R025": 0.25, "R038": 0.2, "R058": 0.0},
        F4: {"R024": 0.0, "R030": 1.0},
    },
}


def _write(path: Path, header: list[str], rows: list[tuple]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


@pytest.fixture
def tenders(tmp_path):
    folder = tmp_path / "dataset"
    folder.mkdir()
    _write(folder / "departments.csv", ["code", "name", "level", "region_code", "sector"],
           [("D1", "曲靖市交通运输局", "bureau", "530300", "transport"),
            ("D2", "麒麟区教育体育局", "bureau", "530302", "other")])
    _write(folder / "enterprises.csv", ["uscc", "name"], list(FIRMS.items()))
    _write(folder / "tenders.csv", ["tender_id", "title", "buyer_department_code", "method", "budget",
                                    "published_at", "bid_deadline", "awarded_at"],
           [(t, f"项目{t}", b, m, "1000", p, d, a or "") for t, b, m, p, d, a in TENDERS])
    _write(folder / "bids.csv", ["tender_id", "bidder_uscc", "amount", "submitted_at", "disqualified", "winner"],
           [(t, f, a, s, str(d).lower(), str(w).lower()) for t, f, a, s, d, w in BIDS])
    report = import_dataset(folder)
    assert report.ok, report.errors
    return folder


def test_stored_tenders_raise_the_flags_worked_out_by_hand(tenders):
    assert run_stored_indicators(parse_settings(SETTINGS)) == EXPECTED


def test_procurement_method_details_carry_the_chinese_method(tenders):
    # 询价 gets the statutory 3 days; 单一来源 keeps the default 15 (and is 'direct', so never R018).
    settings = parse_settings("[R003.procurement_method_details]\n询价 = 3\n[R018]\n")
    assert run_stored_indicators(settings) == {"OCID": {"T01": {"R018": 1.0}, "T08": {"R003": 1.0}}}
    details = {r.ocid: (r.procurement_method, r.procurement_method_details) for r in iter_records()}
    assert details["T05"] == ("selective", "邀请招标") and details["T07"] == ("limited", "竞争性谈判")


def test_cancelled_and_excluded_processes_follow_the_settings(tenders):
    settings = parse_settings(SETTINGS + "[exclusions]\nprocurement_method_details = 询价|单一来源\n")
    result = run_stored_indicators(settings)
    assert "T06" not in result["OCID"] and "T08" not in result["OCID"] and "T01" in result["OCID"]


def test_the_exported_file_gives_the_same_records_and_the_same_result(tenders, tmp_path):
    exported = tmp_path / "tenders.jsonl"
    assert main(["export-ocds", "--output", str(exported)]) == 0
    lines = exported.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(TENDERS)
    assert [to_record(json.loads(line), n) for n, line in enumerate(lines, 1)] == list(iter_records())
    settings = parse_settings(SETTINGS)
    # Compared as Cardinal's JSON text: key order too, and R048's NaN quartiles (null) compare equal.
    stored = to_json(run_stored_indicators(settings, meta=True, maps=True))
    assert to_json(run_indicators(exported, settings, meta=True, maps=True)) == stored
    assert to_json(run_stored_indicators(settings, meta=True, maps=True, prepare=True)) == stored
    assert json.loads(stored)["Maps"]["ocid_tenderer_r030"] == {"T04": [F4]}
    release = json.loads(lines[3])  # T04
    assert release["buyer"] == {"id": "D1", "name": "曲靖市交通运输局"}
    assert release["awards"] == [{"id": "T04-award-1", "status": "active", "date": "2024-03-28T09:00:00+08:00",
                                  "suppliers": [{"id": F4, "name": "富源水电"}],
                                  "value": {"amount": 400.0, "currency": "CNY"}, "relatedBid": f"T04-{F4}"}]
    assert release["tender"]["tenderPeriod"] == {"startDate": "2024-03-01T09:00:00+08:00",
                                                 "endDate": "2024-03-21T09:00:00+08:00"}


def test_the_export_imports_back_unchanged_but_for_the_merged_methods(tenders, tmp_path):
    from qinqing.procurement.models import Tender
    from qinqing.procurement.ocds_import import import_ocds

    exported = tmp_path / "tenders.jsonl"
    exported.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in iter_stored_releases()),
                        encoding="utf-8")
    result = import_ocds(exported)
    assert result.ok and not result.issues and (result.tenders, result.bids) == (len(TENDERS), len(BIDS))
    summary = {t.table: (t.inserted, t.updated) for t in result.report.tables}
    # 询价 and 竞争性谈判 are both OCDS 'limited', which import-ocds reads as 'competitive'.
    assert summary["tenders"] == (0, 1) and summary["bids"] == (0, 0)
    assert Tender.objects.get(pk="T06").method == "competitive"


def test_cli_reads_the_stored_tables(tenders, capsys):
    assert main(["indicators", "--stored", "--all", "--no-meta"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["OCID"]["T05"] == {"R035": 2.0, "R036": 1.0} and result["OCID"]["T06"] == {"R003": 1.0}
    assert main(["indicators"]) == 2
    assert "either FILE or --stored" in capsys.readouterr().err


def test_no_tenders_no_flags(db):
    assert run_stored_indicators(parse_settings(SETTINGS), meta=True)["Meta"]["R024"] == {"lower_fence": 0.01}
    assert list(iter_stored_releases()) == []

"""OCDS reading, Cardinal settings, prepare/validate and normalisation (no database used)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from qinqing.procurement.ocds import (
    LineIssue,
    Settings,
    SettingsError,
    iter_normalized,
    iter_records,
    parse_settings,
    prepare_release,
    read_tables,
    run_indicators,
    validate,
)
from qinqing.procurement.ocds.__main__ import main

RELEASE = {
    "ocid": "ocds-1", "buyer": {"id": "B", "name": "Bureau"},
    "parties": [{"id": "T1", "name": "Firm One"}, {"id": "P", "name": "Procurement Centre"}],
    "tender": {"title": "Road", "procurementMethod": "open", "procurementMethodDetails": "Licitación",
               "procuringEntity": {"id": "P"}, "value": {"amount": 1000, "currency": "CNY"},
               "tenderPeriod": {"startDate": "2024-01-01T09:00:00+08:00",
                                "endDate": "2024-01-05T09:00:00+08:00"}},
    "bids": {"details": [
        {"id": "b1", "status": "valid", "date": "2024-01-04T10:00:00+08:00", "tenderers": [{"id": "T1"}],
         "value": {"amount": 900, "currency": "CNY"}},
        {"id": "b2", "status": "disqualified", "tenderers": [{"id": "T2", "name": "Two"}, {"id": "T3"}],
         "value": {"amount": 800, "currency": "CNY"}},
    ]},
    "awards": [{"status": "active", "date": "2024-01-10T00:00:00Z", "suppliers": [{"id": "T1"}]}],
}


def test_settings_file_format() -> None:
    settings = parse_settings("""
; comment
currency = USD
no_price_comparison_procurement_methods = Random Selection|Sorteo de Obras|
[exclusions]
procurement_method_details = "Sorteo \\"X\\""
[R003]
threshold = 10 # inline comments are stripped
procurement_methods = open|selective
[R003.procurement_method_details]
Licitación de Seguros = 7
[R038]
threshold: 0.5
[R044]
""")
    assert settings.currency == "USD"
    assert settings.exclusions == {"procurement_method_details": 'Sorteo "X"'}
    assert settings.indicators["R003"] == {"threshold": 10, "procurement_methods": "open|selective",
                                           "procurement_method_details": {"Licitación de Seguros": 7}}
    assert settings.indicators["R038"] == {"threshold": 0.5}
    assert set(settings.indicators) == {"R003", "R038", "R044"}


@pytest.mark.parametrize("text", [
    "[R999]", "[R003]\nthresold = 1", "[R035]\nthreshold = -1", "[R024]\nthreshold = x", "[R003",
    "[defaults]\nparty_roles = maybe", "unknown = 1", "[R003]\nprocurement_method_details = 1",
])
def test_settings_errors(text: str) -> None:
    with pytest.raises(SettingsError):
        parse_settings(text)


def test_reader_reports_and_skips_unusable_lines(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join([
        json.dumps(RELEASE).encode(), b"", b"  ", b"{not json", b"[1]", b'{"ocid": 5}', b'{"tender": {}}',
        b'{"ocid": "nan", "x": NaN}', b"\xff\xfe", json.dumps({**RELEASE, "ocid": "ocds-2"}).encode(),
    ]) + b"\n")
    issues: list[LineIssue] = []
    records = list(iter_records(path, issues))
    assert [(r.line, r.ocid) for r in records] == [(1, "ocds-1"), (10, "ocds-2")]
    assert [(i.line, i.field) for i in issues] == [(4, ""), (5, ""), (6, "/ocid"), (7, "/ocid"), (8, ""),
                                                   (9, "")]
    record = records[0]
    assert (record.procurement_method, record.buyer_id, record.procuring_entity_id) == ("open", "B", "P")
    assert record.bids[1].tenderers == ("T2", "T3") and record.bids[0].amount == 900.0
    assert record.awards[0].suppliers == ("T1",)


def test_read_tables_is_columnar() -> None:
    releases = [json.dumps({**RELEASE, "ocid": f"ocds-{i}"}) for i in range(5)]
    tables = read_tables(releases, batch_size=2)
    assert tables.processes.num_rows == 5 and tables.bids.num_rows == 10 and tables.awards.num_rows == 5
    assert tables.bids.column("tenderer_ids").to_pylist()[:2] == [["T1"], ["T2", "T3"]]
    assert tables.processes.column("ocid").to_pylist() == [f"ocds-{i}" for i in range(5)]


def test_prepare_release_like_cardinal() -> None:
    settings = parse_settings("""
[defaults]
currency = USD
award_status = active
party_roles = true
[codelists.bid_status]
Qualified = valid
[redactions]
amount = 99999|-1
organization_id = placeholder
[modifications]
prefix_tenderer_or_supplier_id = CN-
split_procurement_method_details = -
""")
    release = {
        "ocid": "ocds-213czf-1", "parties": {"id": "CN-1", "roles": ["supplier"]},
        "tender": {"procurementMethodDetails": "Licitación - Obras"},
        "bids": {"details": [
            {"status": "Qualified", "tenderers": {"id": 1}, "value": {"amount": 99999}},
            {"status": "Odd", "tenderers": [{"id": "placeholder"}],
             "value": {"amount": 5, "currency": "EUR"}},
            {"value": {"amount": 0, "currency": "EUR"}},
        ]},
        "awards": [{"id": 7, "suppliers": {"id": "1"}, "items": [{"classification": {"id": 44}}]}],
    }
    issues = prepare_release(release, settings, line=1)
    assert [(i.path, i.indexes, i.value, i.description) for i in issues] == [
        ("/bids/details[]/status", "1", "Odd", "invalid"),
        ("/bids/details[]/value/amount", "2", "", "is zero"),
        ("/bids/details[]/status", "2", "", "not set"),
        ("/awards[]/items[]/classification/scheme", "0.0", "", "not set"),
    ]
    bids = release["bids"]["details"]
    assert bids[0] == {"status": "valid", "tenderers": [{"id": "CN-1"}], "value": {"currency": "USD"}}
    assert bids[1]["tenderers"] == [{}]
    assert release["tender"]["procurementMethodDetails"] == "Licitación"
    assert release["awards"][0] == {"id": "7", "status": "active", "suppliers": [{"id": "CN-1"}],
                                    "items": [{"classification": {"id": "44"}}]}
    assert release["parties"] == [{"id": "CN-1", "roles": ["supplier", "tenderer"]}]


def test_award_status_by_contract_status() -> None:
    settings = parse_settings("[corrections]\naward_status_by_contract_status = true")
    release = {"ocid": "x", "awards": [{"id": "1", "status": "active"}, {"id": "2", "status": "active"}],
               "contracts": [{"awardID": 1, "status": "cancelled"}, {"awardID": "2", "status": "cancelled"},
                             {"awardID": "2", "status": "active"}]}
    prepare_release(release, settings)
    assert [a["status"] for a in release["awards"]] == ["cancelled", "active"]


def test_validate_reports_line_field_reason() -> None:
    bad = {"ocid": "bad", "tender": {"tenderPeriod": {"startDate": "2024-13-01T00:00:00Z"}},
           "bids": {"details": [{"date": "yesterday", "tenderers": [{"id": "T"}]}]},
           "awards": [{"status": "won"}]}
    report = validate([json.dumps(RELEASE), "oops", json.dumps({"ocid": None}), json.dumps(bad)])
    assert report[0][:2] == (2, "") and report[0].reason.startswith("invalid JSON")
    assert report[1:] == [
        LineIssue(3, "/ocid", "not set"),
        LineIssue(4, "/tender/tenderPeriod/startDate", "invalid RFC 3339 date-time: '2024-13-01T00:00:00Z'"),
        LineIssue(4, "/bids/details[0]/date", "invalid RFC 3339 date-time: 'yesterday'"),
        LineIssue(4, "/bids/details[0]/status", "not set"),
        LineIssue(4, "/awards[0]/status", "invalid: 'won'"),
    ]


def test_normalized_tenders_and_bids() -> None:
    issues: list[LineIssue] = []
    (normalized,) = iter_normalized([json.dumps(RELEASE), "[]"], issues=issues)
    tender = normalized.tender
    cst = timezone(timedelta(hours=8))
    assert (tender.ocid, tender.title, tender.buyer_name, tender.procuring_entity_name) == (
        "ocds-1", "Road", "Bureau", "Procurement Centre")
    assert (tender.budget_amount, tender.budget_currency) == (1000.0, "CNY")
    assert tender.tender_start == datetime(2024, 1, 1, 9, tzinfo=cst)
    assert tender.award_date == datetime(2024, 1, 10, tzinfo=UTC)
    first, second = normalized.bids
    assert (first.tenderer_id, first.tenderer_name, first.winner, first.disqualified) == (
        "T1", "Firm One", True, False)
    assert (second.tenderer_id, second.co_tenderer_ids, second.winner, second.disqualified) == (
        "T2", ("T3",), False, True)
    assert issues == [LineIssue(2, "", "not a JSON object")]
    related = {**RELEASE, "awards": [{"status": "active", "relatedBid": "b2", "suppliers": [{"id": "T1"}]}]}
    (normalized,) = iter_normalized([related])
    assert [bid.winner for bid in normalized.bids] == [False, True]


def test_prepare_option_applies_defaults_before_indicators() -> None:
    release = {"ocid": "F", "awards": [{"status": "active"}],
               "bids": {"details": [{"status": "disqualified", "value": {"amount": 1}},
                                    {"status": "valid", "value": {"amount": 2}}]}}
    settings = parse_settings("[defaults]\ncurrency = USD\n[R036]")
    assert run_indicators([release], settings) == {}
    assert run_indicators([release], settings, prepare=True) == {"OCID": {"F": {"R036": 1.0}}}


def test_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    data = tmp_path / "in.jsonl"
    data.write_text(json.dumps({"ocid": "F", "tender": {"numberOfTenderers": 1, "procurementMethod": "open"}})
                    + "\nnot json\n")
    ini = tmp_path / "settings.ini"
    ini.write_text("[R018]\n")
    assert main(["indicators", str(data), "--settings", str(ini), "--no-meta"]) == 0
    captured = capsys.readouterr()
    assert captured.out == '{"OCID":{"F":{"R018":1.0}}}\n'
    assert "Line 2" in captured.err
    assert main(["indicators", str(data)]) == 0
    assert capsys.readouterr().out == '{"Meta":{}}\n'  # like Cardinal without a settings file
    assert main(["indicators", str(data), "--all", "--map", "--no-meta"]) == 0
    assert json.loads(capsys.readouterr().out)["OCID"] == {"F": {"R018": 1.0}}
    prepared = tmp_path / "out.jsonl"
    assert main(["prepare", str(data), "-o", str(prepared), "-e", "-"]) == 0
    assert capsys.readouterr().out == ""
    assert json.loads(prepared.read_text()) == json.loads(data.read_text().splitlines()[0])
    ini.write_text("[R01]\n")
    assert main(["indicators", str(data), "-s", str(ini)]) == 1
    assert "unknown field 'R01'" in capsys.readouterr().err


def test_all_indicators_settings() -> None:
    assert "R044" not in Settings.all_indicators().indicators
    assert len(Settings.all_indicators().indicators) == 11

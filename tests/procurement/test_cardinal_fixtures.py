"""Compatibility with Cardinal (open-contracting/cardinal-rs): fixtures, examples, tricky definitions.

The data lives in ``shared/external/cardinal-rs`` beside the repository root. No database is used.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from qinqing.procurement.ocds import Settings, load_settings, parse_settings, run_indicators, to_json
from qinqing.procurement.ocds.util import fma, format_float, quantile, round4, rust_round, whole_days
from qinqing.procurement.ocds.util import parse_rfc3339_ns as ns

CARDINAL = Path(__file__).resolve().parents[2] / ".." / "shared" / "external" / "cardinal-rs"
MISSING = f"Cardinal's test data is absent: no {CARDINAL.resolve()} (shared/ beside the repository root)"
FIXTURES = sorted((CARDINAL / "indicators").glob("*.jsonl"))
EXAMPLES = sorted((CARDINAL / "examples").glob("*.jsonl"))
# Cardinal builds these groups by iterating a HashMap, so its key order is random; its own test harness (and
# the .expected files) compare parsed values. Every other fixture also matches byte for byte.
UNORDERED = {"R024", "R025"}
# Outputs printed in Cardinal's documentation (docs/cli/indicators/R/*.md, run with --no-meta).
DOCUMENTED = {
    "003": '{"OCID":{"F":{"R003":1.0}}}',
    "018": '{"OCID":{"F":{"R018":1.0}}}',
    "024": '{"OCID":{"F":{"R024":1.0}},"Tenderer":{"W":{"R024":0.0},"L":{"R024":0.0}}}',
    "025": '{"Tenderer":{"F":{"R025":0.16666666666666666}}}',
    "028": '{"OCID":{"F":{"R028":1.0}},"Tenderer":{"D":{"R028":1.0},"V":{"R028":1.0}}}',
    "030": '{"OCID":{"F":{"R030":1.0}},"Tenderer":{"W":{"R030":1.0}}}',
    "035": '{"OCID":{"F":{"R035":1.0}},"Tenderer":{"V":{"R035":0.0}}}',
    "036": '{"OCID":{"F":{"R036":1.0}}}',
    "038": '{"Buyer":{"B":{"R038":0.5}}}',
    "048": '{"Tenderer":{"F":{"R048":2.0}}}',
    "058": '{"OCID":{"F":{"R058":99.0}},"Tenderer":{"W":{"R058":0.0}}}',
}


def _params(paths: list[Path]) -> list:
    params = [pytest.param(p, id=p.stem) for p in paths]
    return params or [pytest.param(None, marks=pytest.mark.skip(MISSING))]


def _literal(text: str) -> object:
    """Parsed JSON that keeps number tokens verbatim, so that ``1`` differs from ``1.0``."""
    return json.loads(text, parse_float=lambda s: ("float", s), parse_int=lambda s: ("int", s))


@pytest.mark.parametrize("path", _params(FIXTURES))
def test_indicator_fixture(path: Path) -> None:
    output = to_json(run_indicators(path, load_settings(path.with_suffix(".ini"))))
    expected = path.with_suffix(".expected").read_text(encoding="utf-8").strip()
    assert json.loads(output) == json.loads(expected)
    assert _literal(output) == _literal(expected)  # same number formatting
    if path.stem not in UNORDERED:
        assert output == expected


def test_all_fixtures_present() -> None:
    if not FIXTURES:
        pytest.skip(MISSING)
    assert len(FIXTURES) == 15


@pytest.mark.parametrize("path", _params(EXAMPLES))
def test_example(path: Path) -> None:
    ini = path.with_suffix(".ini")
    settings = load_settings(ini if ini.exists() else CARDINAL / "examples" / "settings.ini")
    result = run_indicators(path, settings, meta=True, maps=True)
    parsed = json.loads(to_json(result))
    assert isinstance(parsed, dict)
    assert {"Meta", "Maps"} <= parsed.keys()
    if path.stem in DOCUMENTED:
        assert to_json(run_indicators(path, settings)) == DOCUMENTED[path.stem]


def run(lines: list[dict], ini: str, **kwargs: object) -> dict:
    return run_indicators(lines, parse_settings(ini), **kwargs)


def bids_release(ocid: str, bids: list[tuple], details: str | None = None, **extra: object) -> dict:
    """A release whose single active award goes to W; bids are (status, tenderer ids, amount[, currency])."""
    release: dict = {
        "ocid": ocid,
        "bids": {"details": [
            {"status": status, "tenderers": [{"id": t} for t in tenderers],
             "value": {"amount": amount, "currency": rest[0] if rest else "USD"}}
            for status, tenderers, amount, *rest in bids]},
        "awards": [{"status": "active", "suppliers": [{"id": "W"}]}],
    }
    if details is not None:
        release["tender"] = {"procurementMethodDetails": details}
    release.update(extra)
    return release


@pytest.mark.parametrize(
    ("details", "include", "exclude", "flagged"),
    [("X", False, False, True), ("X", True, False, False), ("X", False, True, True),
     ("Y", False, False, True), ("Y", True, False, True), ("Y", False, True, True),
     ("N", False, False, True), ("N", True, False, False), ("N", False, True, False)],
)
def test_price_comparison_procurement_methods(details: str, include: bool, exclude: bool,
                                              flagged: bool) -> None:
    """Port of Cardinal's ``matches_procurement_method_details`` unit test (src/lib.rs)."""
    ini = ("price_comparison_procurement_methods = Y\n" if include else "") + (
        "no_price_comparison_procurement_methods = N\n" if exclude else "") + "[R036]\n"
    release = {"ocid": "F", "tender": {"procurementMethodDetails": details}, "awards": [{"status": "active"}],
               "bids": {"details": [{"status": "disqualified", "value": {"amount": 1, "currency": "USD"}},
                                    {"status": "valid", "value": {"amount": 2, "currency": "USD"}}]}}
    assert run([release], ini) == ({"OCID": {"F": {"R036": 1.0}}} if flagged else {})


def test_r003_whole_days_truncate_and_offsets() -> None:
    day = 86_400 * 10**9
    assert whole_days(0, day - 1) == 0 and whole_days(0, -day + 1) == 0 and whole_days(0, -day) == -1
    # 2020-08-03T18:00-05:00 is 2020-08-03T23:00Z: one day, regardless of the offsets.
    assert ns("2020-08-04T23:00:00Z") - ns("2020-08-03T18:00:00-05:00") == day
    cases = [
        ("negative", "2000-01-20T00:00:00Z", "2000-01-01T00:00:00Z"),
        ("space and fraction", "2000-01-01 00:00:00.123456789123Z", "2000-01-10t00:00:00z"),
        ("no offset", "2000-01-01T00:00:00", "2000-01-02T00:00:00Z"),
        ("offset without colon", "2000-01-01T00:00:00+0100", "2000-01-02T00:00:00Z"),
        ("date only", "2000-01-01", "2000-01-02T00:00:00Z"),
        ("february 30", "2000-02-30T00:00:00Z", "2000-03-02T00:00:00Z"),
        ("offset 24h", "2000-01-01T00:00:00+24:00", "2000-01-02T00:00:00Z"),
        ("leap second", "2016-12-31T23:59:60Z", "2017-01-01T00:00:00Z"),
    ]
    releases = [{"ocid": ocid, "tender": {"tenderPeriod": {"startDate": start, "endDate": end}}}
                for ocid, start, end in cases]
    assert run(releases, "[R003]") == {"OCID": {k: {"R003": 1.0} for k in ("negative", "space and fraction",
                                                                         "leap second")}}


def test_r018_requires_the_integer_one() -> None:
    releases = [{"ocid": repr(n), "tender": {"numberOfTenderers": n, "procurementMethod": "open"}}
                for n in (1, 1.0, True, "1")]
    assert run(releases, "[R018]") == {"OCID": {"1": {"R018": 1.0}}}
    assert run(releases, "[R018]\nprocurement_methods =") == {"OCID": {"1": {"R018": 1.0}}}
    assert run(releases, "[R018]\nprocurement_methods = direct") == {}


def test_cancelled_and_excluded_processes_are_skipped_by_every_indicator() -> None:
    release = bids_release("F", [("disqualified", ["D"], 1), ("valid", ["V"], 1)])
    releases = [release, {**release, "ocid": "C", "tender": {"status": "cancelled"}},
                {**release, "ocid": "E", "tender": {"procurementMethodDetails": "Sorteo"}}]
    assert set(run(releases, "[exclusions]\nprocurement_method_details = Sorteo\n[R028]")["OCID"]) == {"F"}


def test_main_currency_is_the_first_observed_unless_configured() -> None:
    releases = [bids_release("CAD first", [("disqualified", ["D"], 1, "CAD"), ("valid", ["W"], 2, "CAD")]),
                bids_release("USD", [("disqualified", ["D"], 1), ("valid", ["W"], 2)])]
    assert set(run(releases, "[R036]")["OCID"]) == {"CAD first"}
    assert set(run(releases, "currency = USD\n[R036]")["OCID"]) == {"USD"}
    # A bid in another currency is ignored, so the lowest bid in the main currency is the valid one.
    mixed = [bids_release("X", [("disqualified", ["D"], 1, "CAD"), ("valid", ["W"], 2), ("valid", ["V"], 3)])]
    assert run(mixed, "currency = USD\n[R036]") == {}


def test_r028_same_or_reordered_tenderers_are_not_identical_prices() -> None:
    releases = [
        bids_release("same", [("valid", ["A"], 5), ("valid", ["A"], 5)]),
        bids_release("shuffled", [("valid", ["A", "B"], 5), ("disqualified", ["B", "A"], 5)]),
        bids_release("pending counts", [("pending", ["A"], 5), ("valid", ["B"], 5)]),
        bids_release("withdrawn does not", [("withdrawn", ["A"], 5), ("valid", ["C"], 5)]),
        bids_release("1 equals 1.0", [("valid", ["D"], 1), ("valid", ["E"], 1.0)]),
    ]
    result = run(releases, "[R028]", maps=True)
    assert list(result["OCID"]) == ["pending counts", "1 equals 1.0"]
    assert list(result["Tenderer"]) == ["B", "A", "E", "D"]
    assert result["Maps"]["ocid_tenderer_r028"] == {"pending counts": ["B", "A"], "1 equals 1.0": ["E", "D"]}


def test_r035_threshold_and_winner() -> None:
    two = bids_release("two", [("disqualified", ["D"], 1), ("disqualified", ["E"], 1), ("valid", ["W"], 2)])
    one = bids_release("one", [("disqualified", ["D"], 1), ("valid", ["W"], 2)])
    assert run([two, one], "[R035]\nthreshold = 2") == {"OCID": {"two": {"R035": 2.0}},
                                                         "Tenderer": {"W": {"R035": 0.0}}}
    assert set(run([two, one], "[R035]\nthreshold = 0")["OCID"]) == {"two", "one"}  # minimum is 1


def test_second_lowest_bid_ratio_fixed_thresholds() -> None:
    releases = [bids_release(str(n), [("valid", ["W"], 100), ("valid", ["L"], 100 + n)]) for n in (1, 10, 50)]
    assert run(releases, "[R024]\nthreshold = 0.1") == {
        "OCID": {"1": {"R024": 0.01}, "10": {"R024": 0.1}},
        "Tenderer": {"W": {"R024": 0.0}, "L": {"R024": 0.0}}}
    assert run(releases, "[R058]\nthreshold = 0.5") == {"OCID": {"50": {"R058": 0.5}},
                                                         "Tenderer": {"W": {"R058": 0.0}}}
    # The winner's lowest bid wins; a lower losing bid means price wasn't the criterion: no ratio.
    cheaper_loser = bids_release("x", [("valid", ["W"], 3), ("valid", ["L"], 2)])
    assert run([cheaper_loser], "[R024]\nthreshold = 10") == {}


def test_r038_minimums_and_fixed_threshold() -> None:
    releases = [
        {**bids_release(str(i), [("disqualified" if i < 2 else "valid", ["T"], 1), ("valid", ["U"], 1)]),
         "buyer": {"id": "B" if i < 2 else f"B{i}"}}
        for i in range(4)]
    ini = "[R038]\nthreshold = 0.25\nminimum_contracting_processes = 5\nminimum_submitted_bids = 4"
    assert run(releases, ini) == {"Tenderer": {"T": {"R038": 0.5}}}
    assert run(releases, "[R038]\nthreshold = 0.25") == {"Buyer": {"B": {"R038": 0.5}},
                                                          "Tenderer": {"T": {"R038": 0.5}}}


def test_r048_counts_each_supplier_once_per_process_and_truncates_codes() -> None:
    award = {"status": "active", "suppliers": [{"id": "S"}],
             "items": [{"classification": {"id": "4411"}}, {"classification": {"id": "4499"}}]}
    releases = [{"ocid": "1", "awards": [award, {**award, "items": [{"classification": {"id": "72"}}]}]}]
    assert run(releases, "[R048]\nminimum_contracting_processes = 1\nthreshold = 2") == {
        "Tenderer": {"S": {"R048": 2.0}}}
    assert run(releases, "[R048]\nminimum_contracting_processes = 2\nthreshold = 0") == {}
    assert run(releases, "[R048]\ndigits = 4\nminimum_contracting_processes = 1\nthreshold = 3") == {
        "Tenderer": {"S": {"R048": 3.0}}}


def test_meta_is_rounded_half_away_from_zero_and_nan_is_null() -> None:
    result = run([bids_release("1", [("valid", ["W"], 3), ("valid", ["L"], 4)])], "[R024]\n[R048]", meta=True)
    assert result["Meta"]["R024"] == {"q1": 0.3333, "q3": 0.3333, "lower_fence": 0.3333}
    assert result["OCID"] == {"1": {"R024": 1 / 3}}  # ratio <= fence (= Q1 when IQR is 0)
    assert to_json({"Meta": result["Meta"]}) == (
        '{"Meta":{"R024":{"q1":0.3333,"q3":0.3333,"lower_fence":0.3333},'
        '"R048":{"q1":null,"q3":null,"upper_fence":null}}}')
    assert rust_round(2.5) == 3.0 and rust_round(-2.5) == -3.0 and rust_round(0.49999999999999994) == 0.0
    assert round4(0.12345) == 0.1235 and round4(-0.12345) == -0.1235 and math.isnan(round4(math.nan))


def test_statistics_match_statrs_and_mul_add() -> None:
    data = [1.0, 5.0, 3.0, 4.0, 10.0, 9.0, 6.0, 7.0, 8.0, 2.0]
    assert (quantile(data, 0.0), quantile(data, 0.5), quantile(data, 1.0)) == (1.0, 5.5, 10.0)
    assert quantile([0, 0, 1, 1, 1, 1, 1, 1, 1], 0.25) == pytest.approx(2 / 3)
    assert math.isnan(quantile([], 0.5)) and math.isnan(quantile([1.0], 1.5))
    # q3 + 1.5 * IQR with one rounding (Rust's mul_add) differs from the naive expression here.
    q1, q3 = 1.3636363636363635, 4.611111111111112
    assert fma(q3 - q1, 1.5, q3) == 9.482323232323234 != (q3 - q1) * 1.5 + q3


@pytest.mark.parametrize(("value", "text"), [
    (1.0, "1.0"), (0.2, "0.2"), (-0.0, "-0.0"), (100.0, "100.0"), (1e15, "1000000000000000.0"),
    (1e16, "1e16"),
    (1.5e17, "1.5e17"), (1e-5, "0.00001"), (1e-7, "1e-7"), (0.16666666666666666, "0.16666666666666666"),
    (math.inf, "null"), (math.nan, "null"),
])
def test_floats_are_formatted_like_serde_json(value: float, text: str) -> None:
    assert format_float(value) == text


def test_empty_settings_enable_nothing_and_all_indicators_enables_everything() -> None:
    lines = [json.dumps({"ocid": "F", "tender": {"numberOfTenderers": 1, "procurementMethod": "open"}})]
    assert run_indicators(lines, None) == {}
    assert run_indicators(lines, Settings.all_indicators()) == {"OCID": {"F": {"R018": 1.0}}}

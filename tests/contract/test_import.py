"""Importing contract datasets: validation, idempotency, references, workbooks, the round trip."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qinqing.audit.models import AuditEvent
from qinqing.contract.exporter import export_dataset
from qinqing.contract.importer import import_dataset
from qinqing.contract.reader import read_dataset
from qinqing.contract.schema import TABLES
from qinqing.contract.validate import validate_table
from qinqing.registry.models import Enterprise, Holding, Official
from qinqing.service.models import Application
from tests.contract.helpers import MINIMAL, table_fingerprints

pytestmark = pytest.mark.django_db


def copy_minimal(tmp_path: Path) -> Path:
    target = tmp_path / "data"
    shutil.copytree(MINIMAL, target)
    return target


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_minimal_dataset_imports_every_table(tmp_path):
    report = import_dataset(MINIMAL, report_path=tmp_path / "r.csv")
    assert report.ok, report.errors
    assert {t.table for t in report.tables} == {t.name for t in TABLES}
    assert Enterprise.objects.count() == 4
    app = Application.objects.get(pk="A1")
    assert app.submitted_at.isoformat() == "2025-01-24T01:30:00+00:00"
    assert app.accepted_at.isoformat() == "2025-01-24T02:00:00+00:00"  # no offset = Asia/Shanghai
    assert Official.objects.get(pk="O2").gender == "M"  # 男
    assert Official.objects.get(pk="O2").party_member is True  # 是
    masked = Holding.objects.get(enterprise_id="915303020000000011")
    assert masked.holder_id == "5303**********0458"  # kept masked, never "completed"
    assert AuditEvent.objects.filter(action="import").count() == 1


def test_reimporting_the_same_data_changes_nothing(tmp_path):
    import_dataset(MINIMAL)
    before = table_fingerprints()
    again = import_dataset(MINIMAL)
    assert again.ok
    assert all(t.inserted == 0 and t.updated == 0 and t.unchanged == t.rows for t in again.tables)
    assert table_fingerprints() == before


def test_a_changed_value_updates_only_that_row(tmp_path):
    import_dataset(MINIMAL)
    data = copy_minimal(tmp_path)
    edit(data / "enterprises.csv", "富源县兴旺煤矿", "富源县兴旺煤业有限公司")
    report = import_dataset(data)
    by_table = {t.table: t for t in report.tables}
    assert by_table["enterprises"].updated == 1 and by_table["enterprises"].inserted == 0
    assert sum(t.updated + t.inserted for t in report.tables) == 1
    assert Enterprise.objects.get(pk="91530325000000002E").name == "富源县兴旺煤业有限公司"


def test_round_trip_export_import_export_is_identical(tmp_path):
    import_dataset(MINIMAL)
    first = tmp_path / "first"
    export_dataset(first)
    # The export reads back as the same typed values as the source (formats may be normalised).
    for table in TABLES:
        source = validate_table(read_dataset(MINIMAL).tables[table.name])[0].typed
        exported = validate_table(read_dataset(first).tables[table.name])[0].typed
        key = [c for c in (table.key or table.column_names)]
        columns = table.column_names
        assert source.select(columns).sort(key, nulls_last=True).equals(
            exported.select(columns).sort(key, nulls_last=True)), table.name
    fingerprints = table_fingerprints()
    report = import_dataset(first)
    assert report.ok and all(t.inserted == 0 and t.updated == 0 for t in report.tables)
    assert table_fingerprints() == fingerprints
    second = tmp_path / "second"
    export_dataset(second)
    for table in TABLES:
        assert (first / f"{table.name}.csv").read_bytes() == (second / f"{table.name}.csv").read_bytes()


def test_identical_rows_of_a_keyless_table_are_both_kept(tmp_path):
    import_dataset(MINIMAL)
    from qinqing.registry.models import Transaction

    assert Transaction.objects.count() == 2  # two loans of the same amount on the same day


def test_bad_rows_anywhere_mean_nothing_is_written_and_every_error_is_reported(tmp_path):
    data = copy_minimal(tmp_path)
    edit(data / "officials.csv", "530302196503010236", "530302196503010237")
    edit(data / "officials.csv", "O3,张伟,,F,,staff,0", "O3,张伟,,X,,manager,maybe")
    edit(data / "applications.csv", "A2,GA-ZY", "A2,NOPE")
    edit(data / "holdings.csv", "0.6,", "1.5,")
    edit(data / "appeals.csv", ",5\n", ",6\n")
    edit(data / "applications.csv", "2025-01-27T16:00:00+08:00", "2025-01-20T16:00:00+08:00")
    report_path = tmp_path / "report.csv"
    report = import_dataset(data, report_path=report_path)
    assert not report.ok
    assert table_fingerprints() == {t.name: (0, table_fingerprints()[t.name][1]) for t in TABLES}
    assert AuditEvent.objects.count() == 0
    found = {(r["file"], r["line"], r["column"], r["value"]): r["reason"]
             for r in pl.read_csv(report_path, infer_schema=False).iter_rows(named=True)}
    assert "check character" in found[("officials.csv", "2", "id_number", "530302196503010237")]
    assert ("officials.csv", "4", "gender", "X") in found
    assert ("officials.csv", "4", "rank", "manager") in found
    assert ("officials.csv", "4", "party_member", "maybe") in found
    assert "service_items.item_code" in found[("applications.csv", "3", "item_code", "NOPE")]
    assert found[("holdings.csv", "2", "share_ratio", "1.5")] == "must be at most 1"
    assert found[("appeals.csv", "2", "satisfaction", "6")] == "must be at most 5"
    assert "before submitted_at" in found[("applications.csv", "2", "completed_at", "2025-01-20T16:00:00+08:00")]
    assert len(found) == 8


def test_multiline_quoted_values_report_their_physical_line(tmp_path):
    data = tmp_path / "d"
    data.mkdir()
    (data / "lists.csv").write_text(
        'code,list,title,description\nP01,positive,a,"two\nlines"\nP02,wrong,b,\n', encoding="utf-8")
    report = import_dataset(data, report_path=tmp_path / "r.json")
    row = report.errors.row(0, named=True)
    assert (row["line"], row["column"], row["value"]) == (4, "list", "wrong")


def test_ragged_rows_and_missing_columns_are_file_errors_with_lines(tmp_path):
    data = tmp_path / "d"
    data.mkdir()
    (data / "incomes.csv").write_text("official_id,year,income\nO1,2017,1\nO1,2018,1,234\n", encoding="utf-8")
    (data / "lists.csv").write_text("code,title\nP01,a\n", encoding="utf-8")
    report = import_dataset(data, report_path=tmp_path / "r.csv")
    rows = {(r["file"], r["line"], r["reason"]) for r in report.errors.iter_rows(named=True)}
    assert ("incomes.csv", 3, "4 fields where the header has 3") in rows
    assert ("lists.csv", 1, "required column 'list' is missing") in rows


def test_references_may_point_at_rows_already_stored(tmp_path):
    import_dataset(MINIMAL)
    data = tmp_path / "d"
    data.mkdir()
    (data / "posts.csv").write_text(
        "official_id,department_code,title,is_top_leader,start_date\nO3,QJ-SJ,科员,false,2020-01-01\n"
        "O9,QJ-SJ,科员,false,2020-01-01\n", encoding="utf-8")
    report = import_dataset(data, report_path=tmp_path / "r.csv")
    assert [(r["line"], r["column"], r["value"]) for r in report.errors.iter_rows(named=True)] == [
        (3, "official_id", "O9")]


def test_duplicate_natural_keys_in_one_file_are_errors(tmp_path):
    data = tmp_path / "d"
    data.mkdir()
    (data / "lists.csv").write_text("code,list,title\nP01,positive,a\nP02,positive,b\nP01,negative,c\n",
                                    encoding="utf-8")
    report = import_dataset(data, report_path=tmp_path / "r.csv")
    row = report.errors.row(0, named=True)
    assert (row["line"], row["column"]) == (4, "code") and "data row 1" in row["reason"]


def test_unknown_columns_and_files_are_reported_not_dropped_silently(tmp_path, capsys):
    data = copy_minimal(tmp_path)
    edit(data / "lists.csv", "code,list,title,description", "code,list,title,description,remark")
    (data / "notes.csv").write_text("a\n1\n", encoding="utf-8")
    report = import_dataset(data)
    assert report.ok
    assert next(t for t in report.tables if t.table == "lists").unknown_columns == ["remark"]
    assert "notes.csv" in report.ignored_files
    call_command("import", str(data), "--no-progress")
    out = capsys.readouterr().out
    assert "remark" in out and "notes.csv" in out


def test_xlsx_workbook_imports_like_the_csv_folder(tmp_path):
    import xlsxwriter

    book = tmp_path / "world.xlsx"
    workbook = xlsxwriter.Workbook(book, {"strings_to_numbers": False})
    for csv_path in sorted(MINIMAL.glob("*.csv")):
        sheet = workbook.add_worksheet(csv_path.stem)
        frame = pl.read_csv(csv_path, infer_schema=False)
        sheet.write_row(0, 0, frame.columns)
        for i, row in enumerate(frame.iter_rows(), start=1):
            for j, value in enumerate(row):
                if value is not None:
                    sheet.write_string(i, j, value)
    workbook.close()
    report = import_dataset(book)
    assert report.ok, report.errors
    from_xlsx = table_fingerprints()
    from django.db import connection

    with connection.cursor():
        pass
    again = import_dataset(MINIMAL)
    assert all(t.inserted == 0 and t.updated == 0 for t in again.tables)
    assert table_fingerprints() == from_xlsx


def test_import_command_exits_non_zero_with_the_report_path(tmp_path):
    data = copy_minimal(tmp_path)
    edit(data / "officials.csv", "O3,张伟,,F", "O3,张伟,,Q")
    with pytest.raises(CommandError, match=r"1 error\(s\); nothing was written. Full report: .*r\.json"):
        call_command("import", str(data), "--no-progress", "--errors", str(tmp_path / "r.json"))
    assert (tmp_path / "r.json").exists()

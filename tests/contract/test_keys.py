"""Rows keyed by several columns get the same id whether made through the ORM or imported."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from qinqing.contract.importer import import_dataset
from qinqing.contract.keys import natural_id, natural_ids
from qinqing.contract.reader import read_dataset
from qinqing.contract.schema import TABLES, table
from qinqing.contract.validate import validate_table
from tests.contract.helpers import MINIMAL


def test_bulk_ids_equal_single_row_ids_for_every_fixture_table():
    for contract in TABLES:
        if contract.primary_key:
            continue
        typed = validate_table(read_dataset(MINIMAL).tables[contract.name])[0].typed
        bulk = natural_ids(typed, contract).to_list()
        single = []
        seen: dict[tuple, int] = {}
        for row in typed.iter_rows(named=True):
            whole = tuple(row[c] for c in contract.column_names)
            occurrence = seen.get(whole, 0)
            seen[whole] = occurrence + 1
            single.append(natural_id(contract, row, occurrence if not contract.key else 0))
        assert bulk == single, contract.name


def test_canonical_amounts_and_dates_give_one_id():
    incomes = table("incomes")
    assert natural_id(incomes, {"official_id": "O1", "year": 2017}) == natural_id(
        incomes, {"official_id": "O1", "year": "2017"})
    assets = table("assets")
    one = {"official_id": "O1", "owner_name": "x", "kind": "property", "value": Decimal("17000000.00"),
           "acquired_date": dt.date(2018, 6, 1), "location": None}
    other = {**one, "value": "17000000", "acquired_date": "2018-06-01"}
    assert natural_id(assets, one) == natural_id(assets, other)


@pytest.mark.django_db
def test_a_row_made_in_the_orm_is_the_row_a_later_import_updates(tmp_path):
    from qinqing.registry.models import Income, Official

    import_dataset(MINIMAL)
    Income.objects.all().delete()
    Income.objects.create(official=Official.objects.get(pk="O1"), year=2017, income="1.00")
    report = import_dataset(MINIMAL)
    incomes = next(t for t in report.tables if t.table == "incomes")
    assert (incomes.inserted, incomes.updated) == (1, 1)
    assert Income.objects.count() == 2
    assert Income.objects.get(official_id="O1", year=2017).income == Decimal("380000")

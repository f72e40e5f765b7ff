"""Engine-built tables: the unit tree every rule reads for "the official's unit and the units under it"."""

from __future__ import annotations

import datetime as dt

import polars as pl

from qinqing.risk.reference import build_unit_tree


def chains(parent: dict[str, str | None]) -> set[tuple[str, str, int]]:
    """Each unit's chain up its parents, walked one unit at a time, stopping before a unit already passed."""
    out = set()
    for code in parent:
        seen, node, depth = set(), code, 0
        while node is not None and node not in seen:
            seen.add(node)
            out.add((node, code, depth))
            node, depth = parent.get(node), depth + 1
    return out


def test_the_unit_tree_holds_every_ancestor_and_stops_at_cycles_and_unknown_parents():
    parent = {
        "city": None, "bureau": "city", "office": "bureau", "desk": "office",  # four levels
        "loop_a": "loop_b", "loop_b": "loop_a",  # a cycle in bad data
        "self": "self",  # its own parent
        "orphan": "gone",  # a parent that is not a unit: named once, then the chain ends
    }
    frame = pl.DataFrame({"code": list(parent), "parent_code": list(parent.values())},
                         schema={"code": pl.String, "parent_code": pl.String})
    tree = build_unit_tree({"departments": frame}, dt.date(2025, 6, 30))
    assert tree.schema == {"ancestor_code": pl.String, "department_code": pl.String, "depth": pl.Int64}
    rows = list(tree.iter_rows())
    assert len(rows) == len(set(rows))
    assert set(rows) == chains(parent)
    assert ("city", "desk", 3) in rows and ("gone", "orphan", 1) in rows
    assert {r for r in rows if r[1] == "loop_a"} == {("loop_a", "loop_a", 0), ("loop_b", "loop_a", 1)}

"""Registry reads: the ownership graph, filters, counts and tenure."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.cache import cache

from qinqing.core.identifiers import make_uscc, mask_id_number
from qinqing.registry import selectors
from qinqing.registry.models import Enterprise, Holding
from qinqing.registry.pagination import capped_count


@pytest.fixture(autouse=True)
def _fast_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    cache.clear()  # whole-table counts are cached for a minute


def firm(serial: int, name: str) -> Enterprise:
    return Enterprise.objects.create(uscc=make_uscc("530302", serial), name=name)


def stake(holder: Enterprise, held: Enterprise, ratio: str = "0.5", **kw) -> Holding:
    return Holding.objects.create(enterprise=held, holder_type="enterprise",
                                  holder_name=holder.name, holder_id=holder.pk, share_ratio=ratio, **kw)


def labels(graph: dict) -> set[str]:
    return {n["data"]["label"] for n in graph["nodes"]}


def test_graph_goes_several_layers_up_and_down(users):
    a, b, c, d, e = (firm(100 + i, f"链{i}") for i in range(5))
    stake(e, d)  # e holds d holds c holds b holds a
    stake(d, c)
    stake(c, b, "0.25")
    stake(b, a)
    user = users["commission_analyst"]
    up = selectors.ownership_graph(user, a, up=3, down=0)
    assert labels(up) == {"链0", "链1", "链2", "链3"}  # three layers of owners, not the fourth
    layer = {n["data"]["label"]: n["data"]["layer"] for n in up["nodes"]}
    assert layer == {"链0": 0, "链1": -1, "链2": -2, "链3": -3}
    edge = next(x["data"] for x in up["edges"] if x["data"]["source"] == f"e:{c.pk}")
    assert edge["target"] == f"e:{b.pk}" and edge["label"] == "25%" and edge["ratio"] == 0.25
    down = selectors.ownership_graph(user, e, up=0, down=4)
    assert labels(down) == {"链0", "链1", "链2", "链3", "链4"}
    assert {n["data"]["layer"] for n in down["nodes"]} == {0, 1, 2, 3, 4}


def test_graph_survives_a_cycle(users):
    a, b, c = firm(200, "甲"), firm(201, "乙"), firm(202, "丙")
    stake(a, b)
    stake(b, c)
    stake(c, a)  # a → b → c → a
    graph = selectors.ownership_graph(users["admin"], a, up=6, down=6)
    assert labels(graph) == {"甲", "乙", "丙"}
    assert len(graph["edges"]) == 3 and not graph["truncated"]


def test_graph_is_bounded_and_says_so(users):
    root = firm(300, "根")
    for i in range(30):
        Holding.objects.create(enterprise=root, holder_type="person", holder_name=f"股东{i}",
                               share_ratio="0.01")
    graph = selectors.ownership_graph(users["admin"], root, max_nodes=10)
    assert len(graph["nodes"]) == 10 and graph["truncated"]
    assert {e["data"]["target"] for e in graph["edges"]} == {f"e:{root.pk}"}


def test_graph_leaves_out_ended_stakes(users):
    a, b = firm(400, "现"), firm(401, "旧")
    stake(b, a, end_date=dt.date(2015, 1, 1))
    assert labels(selectors.ownership_graph(users["admin"], a)) == {"现"}


def test_graph_nodes_carry_no_id_numbers(users, world):
    graph = selectors.ownership_graph(users["admin"], world.holding_firm)
    dumped = json.dumps(graph, ensure_ascii=False)
    assert "崔勇" in dumped
    assert world.relative.id_number not in dumped and mask_id_number(world.relative.id_number) not in dumped


def test_people_without_a_number_are_separate_nodes(users):
    root = firm(500, "同名")
    for i in range(2):  # two registrations of a 张伟 with no number: nothing says they are one person
        Holding.objects.create(enterprise=root, holder_type="person", holder_name="张伟",
                               share_ratio="0.5", start_date=dt.date(2020, 1, 1 + i))
    graph = selectors.ownership_graph(users["admin"], root)
    assert sum(n["data"]["label"] == "张伟" for n in graph["nodes"]) == 2


def test_region_codes_nest():
    assert selectors.region_prefix("530000") == "53"
    assert selectors.region_prefix("530300") == "5303"
    assert selectors.region_prefix("530302") == "530302"


def test_capped_count_stops_counting(world):
    count = capped_count(Enterprise.objects.all(), cap=2)
    assert count.value == 2 and count.capped
    assert not capped_count(Enterprise.objects.all(), cap=5).capped


def test_tenure_in_years():
    assert selectors.tenure_years(dt.date(2010, 1, 1), dt.date(2020, 1, 1)) == 10.0
    assert selectors.tenure_years(dt.date(2020, 1, 1), None, as_of=dt.date(2021, 7, 2)) == 1.5

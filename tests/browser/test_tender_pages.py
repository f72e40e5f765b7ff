"""A case officer's round through the tender pages: a bidder's co-bidder network, then its buyer's charts."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.procurement.test_views import market  # noqa: F401 - the tenders and bids, as a fixture

pytestmark = pytest.mark.browser


def test_co_bidder_network_and_buyer_charts_are_drawn(users, world, market, page):  # noqa: F811
    officer = users["case_officer"]
    bidder_url = reverse("procurement:bidder", args=[world.mine.uscc])
    page.goto(bidder_url)
    page.fill("input[name=username]", officer.username)
    page.fill("input[name=password]", PASSWORD)
    page.locator("form[action$='/accounts/login/'] [type=submit]").click()
    page.wait_for_url(re.compile(re.escape(bidder_url) + "$"))

    graph = page.locator("#qq-cobid-graph[data-rendered-nodes]")
    graph.wait_for()
    assert graph.get_attribute("data-rendered-nodes") == "4"  # the mine and its three co-bidders
    assert graph.get_attribute("data-rendered-edges") == "3"
    assert page.locator("#qq-cobid-graph canvas").count() > 0

    page.locator("table.qq-per-buyer a", has_text=world.police.name).click()
    page.wait_for_url(re.compile(re.escape(reverse("procurement:buyer", args=[world.police.pk])) + "$"))
    for chart in ("qq-chart-years", "qq-chart-shares"):
        box = page.locator(f'[data-qq-chart="{chart}"][data-rendered]')
        box.wait_for()
        assert box.locator("canvas").count() > 0
    assert page.locator("table.qq-shares tbody tr").count() == 2

"""ECharts options for the buyer page, built here so the labels are translated with the page and the
browser only draws (`static/qinqing/charts.js`); every chart has a table beside it with the same numbers."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _

from qinqing.procurement.selectors import Shares, YearRow

PALETTE = ["#1f3a5f", "#d9822b", "#3c8d5a", "#6f42c1", "#b22222", "#2c7fb8", "#8c6d31", "#e377c2",
           "#17becf", "#7f7f7f", "#bcbd22"]


def _wan(amount: Decimal | None) -> float | None:
    """Yuan as 万元 (10,000 yuan), the unit procurement figures are read in."""
    return None if amount is None else round(float(amount) / 10_000, 2)


def _axis_year(years: list[int]) -> dict:
    return {"type": "category", "data": [str(y) for y in years]}


def tenders_per_year(rows: list[YearRow]) -> dict:
    tenders, awarded = _("Tenders"), _("Awarded (10,000 yuan)")
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "axis"},
        "legend": {"data": [tenders, awarded]},
        "grid": {"left": 50, "right": 70, "bottom": 30, "top": 40},
        "xAxis": _axis_year([r.year for r in rows]),
        "yAxis": [{"type": "value", "name": tenders, "minInterval": 1}, {"type": "value", "name": awarded}],
        "series": [
            {"name": tenders, "type": "bar", "data": [r.tenders for r in rows]},
            {"name": awarded, "type": "line", "yAxisIndex": 1, "data": [_wan(r.awarded) for r in rows]},
        ],
    }


def winner_shares(shares: Shares) -> dict:
    """The awarded amount by winner: the top firms and the others together."""
    parts = [(s.name, s.amount) for s in shares.top]
    if shares.others is not None:
        parts.append((_("All other winners"), shares.others.amount))
    return {
        "color": PALETTE,
        "tooltip": {"trigger": "item", "formatter": "{b}<br>{c} ({d}%)"},
        "series": [{
            "name": _("Awarded (10,000 yuan)"), "type": "pie", "radius": ["35%", "70%"],
            "label": {"width": 140, "overflow": "truncate"},
            "data": [{"name": name, "value": _wan(amount) or 0} for name, amount in parts],
        }],
    }


def flags_per_year(rows: list[tuple[int, int]]) -> dict:
    flags = _("Flags")
    return {
        "color": ["#b22222"],
        "tooltip": {"trigger": "axis"},
        "grid": {"left": 50, "right": 20, "bottom": 30, "top": 30},
        "xAxis": _axis_year([year for year, _n in rows]),
        "yAxis": {"type": "value", "name": flags, "minInterval": 1},
        "series": [{"name": flags, "type": "bar", "data": [n for _year, n in rows]}],
    }

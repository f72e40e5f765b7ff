"""Indicator registry: code -> indicator class, in Cardinal's order (``add_indicators!`` in src/lib.rs)."""

from __future__ import annotations

from .base import Indicator, SecondLowestBidRatio, Tenderers
from .r003 import R003
from .r018 import R018
from .r024 import R024
from .r025 import R025
from .r028 import R028
from .r030 import R030
from .r035 import R035
from .r036 import R036
from .r038 import R038
from .r048 import R048
from .r058 import R058
from .settings import Settings

INDICATORS: dict[str, type[Indicator]] = {
    cls.code: cls for cls in (R003, R018, R024, R025, R028, R030, R035, R036, R038, R048, R058)
}

TITLES: dict[str, str] = {
    "R003": "Short submission period",
    "R018": "Single bid received",
    "R024": "Price close to winning bid",
    "R025": "Excessive unsuccessful bids",
    "R028": "Identical bid prices",
    "R030": "Late bid won",
    "R035": "All except winning bid disqualified",
    "R036": "Lowest bid disqualified",
    "R038": "Excessive disqualified bids",
    "R048": "Heterogeneous supplier",
    "R058": "Heavily discounted bid",
}


def build_pipeline(settings: Settings, maps: bool = False) -> list[Indicator]:
    """Instantiate the enabled indicators, preceded by the helper folds they depend on (as Cardinal does)."""
    enabled = settings.indicators
    pipeline: list[Indicator] = []
    if maps and ({"R025", "R038", "R048"} & enabled.keys()):
        pipeline.append(Tenderers(settings))
    if {"R024", "R058"} & enabled.keys():
        pipeline.append(SecondLowestBidRatio(settings))
    pipeline.extend(cls(settings) for code, cls in INDICATORS.items() if code in enabled)
    return pipeline

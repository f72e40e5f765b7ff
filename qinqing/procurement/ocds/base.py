"""Shared machinery for the indicators: the accumulator, the indicator protocol and Cardinal's helper folds.

Mirrors cardinal-rs ``src/indicators/mod.rs`` (``Indicators``, ``Calculate``), ``src/indicators/util.rs``
(``SecondLowestBidRatio``, ``Tenderers``) and the helpers of ``Indicators`` in ``src/lib.rs``
(``get_complete_awards_and_bids_if_all_awards_final``, ``get_submitted_bids``,
``matches_procurement_method*``). Cardinal folds releases in parallel and reduces; we fold sequentially in
input order, which yields the same values and a deterministic key order (first flagged first).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from .reader import AwardRecord, BidRecord, ReleaseRecord
from .settings import Settings
from .util import split_pipe

GROUPS = ("OCID", "Buyer", "ProcuringEntity", "Tenderer")
MAP_FIELDS = ("ocid_buyer_r038", "ocid_procuringentity_r038", "ocid_tenderer", "ocid_tenderer_r024",
              "ocid_tenderer_r028", "ocid_tenderer_r030", "ocid_tenderer_r035", "ocid_tenderer_r058")
NOT_SUBMITTED = frozenset({"invited", "withdrawn"})


class Fraction:
    """A numerator/denominator pair summed as a mediant (Cardinal's ``Fraction``)."""

    __slots__ = ("denominator", "numerator")

    def __init__(self) -> None:
        self.numerator = 0
        self.denominator = 0

    def add(self, numerator: int, denominator: int) -> None:
        self.numerator += numerator
        self.denominator += denominator

    def ratio(self) -> float:
        return self.numerator / self.denominator if self.denominator else float("nan")


class Context:
    """The accumulator: results by group, ``Meta`` values, optional ``Maps`` and cross-indicator state."""

    def __init__(self, settings: Settings, maps: bool = False) -> None:
        self.settings = settings
        self.results: dict[str, dict[str, dict[str, float]]] = {group: {} for group in GROUPS}
        self.meta: dict[str, dict[str, float]] = {}
        self.maps: dict[str, dict[str, Any]] | None = {name: {} for name in MAP_FIELDS} if maps else None
        #: The main currency: ``currency`` from the settings, else the first currency observed (shared by the
        #: second-lowest-bid ratio and R036, as ``Indicators.currency`` is in Cardinal).
        self.currency: str | None = settings.currency
        #: (secondLowestValidBidAmount - winningBidAmount) / winningBidAmount, by ocid (R024, R058).
        self.second_lowest_bid_ratios: dict[str, float] = {}
        #: [winner, lowest non-winner] by ocid (R024, R058).
        self.winner_and_lowest_non_winner: dict[str, tuple[str, str]] = {}

    def flag(self, group: str, key: str, code: str, value: float) -> None:
        """Set an indicator's result for an identifier (a later value replaces an earlier one)."""
        entry = self.results[group].get(key)
        if entry is None:
            self.results[group][key] = {code: float(value)}
        else:
            entry[code] = float(value)

    def set_meta(self, code: str, key: str, value: float) -> None:
        self.meta.setdefault(code, {})[key] = value

    def map_tenderer(self, name: str, ocid: str, tenderer: str) -> None:
        """Record a flagged tenderer for an ocid in ``Maps`` (only if maps were requested)."""
        if self.maps is not None:
            tenderers = self.maps[name].setdefault(ocid, [])
            if tenderer not in tenderers:
                tenderers.append(tenderer)

    def accept_currency(self, currency: str) -> bool:
        """Whether an amount in ``currency`` is in the main currency (which is set on first use)."""
        if self.currency is None:
            self.currency = currency
        return currency == self.currency


class Indicator:
    """An indicator: ``fold`` sees every eligible release in input order; ``finalize`` runs once at the
    end."""

    code: ClassVar[str] = ""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def fold(self, record: ReleaseRecord, ctx: Context) -> None:
        """Accumulate one release (already filtered for cancellation and ``[exclusions]``)."""

    def finalize(self, ctx: Context) -> None:
        """Compute fences and flag outliers after all releases are folded."""


def matches_procurement_method(record: ReleaseRecord, methods: frozenset[str]) -> bool:
    """Cardinal's ``matches_procurement_method``: no filter, or ``/tender/procurementMethod`` is listed."""
    if not methods:
        return True
    return record.procurement_method is not None and record.procurement_method in methods


def matches_procurement_method_details(record: ReleaseRecord, include: frozenset[str],
                                       exclude: frozenset[str]) -> bool:
    """Cardinal's ``matches_procurement_method_details``: an allow list if non-empty, else a deny list."""
    details = record.procurement_method_details
    if details is None:
        return not include
    if not include:
        return details not in exclude
    return details in include


class PriceComparison:
    """The ``price_comparison_procurement_methods`` / ``no_price_comparison_procurement_methods`` filter."""

    def __init__(self, settings: Settings) -> None:
        self.include = split_pipe(settings.price_comparison_procurement_methods)
        self.exclude = split_pipe(settings.no_price_comparison_procurement_methods)

    def __call__(self, record: ReleaseRecord) -> bool:
        return matches_procurement_method_details(record, self.include, self.exclude)


def complete_awards(record: ReleaseRecord) -> list[AwardRecord] | None:
    """Active awards, or None if any award (with a status) is neither active, cancelled nor unsuccessful.

    ``get_complete_awards_and_bids_if_all_awards_final``: awards without a string status are ignored.
    """
    awards = []
    for award in record.awards:
        status = award.status
        if status is None or status in ("cancelled", "unsuccessful"):
            continue
        if status != "active":
            return None
        awards.append(award)
    return awards


def sole_supplier(record: ReleaseRecord) -> str | None:
    """The supplier id if all awards are final and exactly one award is active, with exactly one supplier."""
    awards = complete_awards(record)
    if awards is None or len(awards) != 1 or len(awards[0].suppliers) != 1:
        return None
    return awards[0].suppliers[0]


def submitted_bids(record: ReleaseRecord) -> Iterable[BidRecord]:
    """Bids whose status is a string other than 'invited' or 'withdrawn' (pending, valid, disqualified...)."""
    return [bid for bid in record.bids if bid.status is not None and bid.status not in NOT_SUBMITTED]


class SecondLowestBidRatio(Indicator):
    """The percentage difference between the winning bid and the lowest non-winning valid bid (R024, R058).

    Only single-supplier processes with one active award and all awards final; only valid bids with an amount,
    a currency and exactly one tenderer; only the main currency; the winner's lowest bid is the winning bid;
    the process is skipped if the lowest non-winning bid is lower than the winning bid (price wasn't the
    criterion).
    """

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.price_comparison = PriceComparison(settings)

    def fold(self, record: ReleaseRecord, ctx: Context) -> None:
        if not self.price_comparison(record) or not record.bids:
            return
        supplier = sole_supplier(record)
        if supplier is None:
            return
        winner = loser = None
        winner_amount = loser_amount = 0.0
        for bid in record.bids:
            if (bid.status != "valid" or bid.amount is None or bid.currency is None or len(bid.tenderers) != 1
                    or bid.tenderers[0] is None or not ctx.accept_currency(bid.currency)):
                continue
            tenderer, amount = bid.tenderers[0], bid.amount
            if tenderer == supplier:
                if winner is None or amount < winner_amount:
                    winner, winner_amount = tenderer, amount
            elif loser is None or amount < loser_amount:
                loser, loser_amount = tenderer, amount
        if winner is not None and loser is not None and loser_amount >= winner_amount:
            difference = loser_amount - winner_amount
            if winner_amount:
                ratio = difference / winner_amount
            else:  # IEEE division, as in Rust
                ratio = float("nan") if difference == 0 or difference != difference else float("inf")
            ctx.second_lowest_bid_ratios[record.ocid] = ratio
            ctx.winner_and_lowest_non_winner[record.ocid] = (winner, loser)


class Tenderers(Indicator):
    """``Maps.ocid_tenderer``: the tenderers of submitted bids per ocid (only with ``--map``)."""

    def fold(self, record: ReleaseRecord, ctx: Context) -> None:
        for bid in submitted_bids(record):
            for tenderer in bid.tenderers:
                if tenderer is not None:
                    ctx.map_tenderer("ocid_tenderer", record.ocid, tenderer)

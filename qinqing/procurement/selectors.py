"""Reads of tendering 招投标 for the tender list and the tender, buyer and bidder pages.

Every function takes the acting user and reads through `accounts.scoping`, so a department officer sees
the tenders of their own units and a firm sees only its own bids on every page alike. Written for a
province (100k tenders, 500k bids, 2M firms): lists walk an index newest first, a page's bids come in one
query, and counts and sums are grouped in the database; names are fetched for the rows shown only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import cache
from django.db.models import Count, F, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from qinqing.accounts import scoping
from qinqing.contract import schema
from qinqing.procurement import flags
from qinqing.procurement.models import Bid, Tender
from qinqing.registry.models import Department, Enterprise
from qinqing.registry.pagination import MAX_CURSOR_LENGTH, PAGE_SIZE, KeysetPage, keyset_page
from qinqing.registry.selectors import visible_keys

ORDER = ("published_at", "pk")  # newest first is this order walked backwards
SECTORS_SECONDS = 300
DETAIL_ROWS = 200
TOP_WINNERS = 10
TOP_CO_BIDDERS = 20


# --- The tender list


def sector_choices() -> list[str]:
    """The contract's sectors and any other the stored tenders use; the same for everyone, so cached."""
    sectors = cache.get("qinqing:tender_sectors")
    if sectors is None:
        used = Tender.objects.exclude(sector__isnull=True).order_by().values_list("sector", flat=True).distinct()
        sectors = sorted(set(schema.SECTORS) | set(used))
        cache.set("qinqing:tender_sectors", sectors, SECTORS_SECONDS)
    return sectors


def filter_tenders(user, qs: QuerySet, *, q: str = "", buyer: str = "", bidder: str = "", sector: str = "",
                   method: str = "", year: int | None = None, flagged: bool = False, **_: object) -> QuerySet:
    """Tenders by id or title words, buyer (with the units below it), bidder, sector, method, year of
    publication, and named by an alert the user may read."""
    q = q.strip()
    if q:
        qs = qs.filter(Q(pk=q) | Q(title__contains=q))
    if buyer:
        qs = qs.filter(buyer_id__in=scoping.department_subtree(buyer.strip()))
    if bidder:
        # Through the bids the user may see: a firm must not learn where a competitor bid.
        qs = qs.filter(pk__in=scoping.visible(user, Bid).filter(bidder_id=bidder.upper()).values("tender_id"))
    if sector:
        qs = qs.filter(sector=sector)
    if method:
        qs = qs.filter(method=method)
    if year:
        qs = qs.filter(published_at__year=year)
    if flagged:
        alerts = flags.readable(user)
        qs = qs.filter(pk__in=flags.named_keys(alerts, "tender_id")) if alerts is not None else qs.none()
    return qs


def newest_first(qs: QuerySet, *, after: str | None = None, before: str | None = None,
                 size: int = PAGE_SIZE) -> KeysetPage:
    """A keyset page of tenders, newest first. `keyset_page` walks ascending; newest first is the same
    walk backwards, so our "older" cursor is its "before" and our "newer" its "after"."""
    after, before = _checked(after), _checked(before)
    if after or before:
        page = keyset_page(qs, order=ORDER, after=before, before=after, size=size)
        return KeysetPage(page.items[::-1], after=page.before, before=page.after)
    rows = list(qs.order_by("-published_at", "-pk")[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return KeysetPage(rows, after=_cursor(rows[-1]) if more else None, before=None)


def _checked(cursor: str | None) -> str | None:
    """A cursor people may have edited: one that is not [timestamp, id] means the first page, not an error
    (`keyset_page` would hand a malformed timestamp to the database field and fail)."""
    if not cursor or len(cursor) > MAX_CURSOR_LENGTH:
        return None
    try:
        values = json.loads(cursor)
        ok = (isinstance(values, list) and len(values) == len(ORDER) and all(isinstance(v, str) for v in values)
              and parse_datetime(values[0]) is not None)
    except ValueError:
        return None
    return cursor if ok else None


def _cursor(tender: Tender) -> str:
    """The cursor `keyset_page` writes for a row in `ORDER` (a JSON list of the values as text)."""
    return json.dumps([str(tender.published_at), str(tender.pk)], ensure_ascii=False)


def with_bid_summary(user, tenders: list[Tender]) -> list[Tender]:
    """Attach `bid_count` and `winners` (scoped bids, with the firm) to a page of tenders: one query."""
    by_tender: dict[str, list[Bid]] = {t.pk: [] for t in tenders}
    bids = (scoping.visible(user, Bid).filter(tender_id__in=list(by_tender))
            .select_related("bidder").only("tender_id", "winner", "amount", "bidder__uscc", "bidder__name"))
    for bid in bids:
        by_tender[bid.tender_id].append(bid)
    for tender in tenders:
        tender.bid_count = len(by_tender[tender.pk])
        tender.winners = [b for b in by_tender[tender.pk] if b.winner]
    return tenders


# --- One tender


@dataclass
class BidRow:
    bid: Bid
    of_budget: Decimal | None  # amount ÷ budget, in percent
    vs_winner: Decimal | None  # amount ÷ winning amount − 1, in percent (the winner's own row: 0)


def tender_bids(user, tender: Tender) -> list[BidRow]:
    """The bids the user may see, winner first then by amount, each with its share of the budget and its
    distance from the winning bid (several winners, i.e. lots, or none: no distance)."""
    bids = list(scoping.visible(user, Bid).filter(tender=tender).select_related("bidder")
                .order_by("-winner", "amount", "pk"))
    winning = [b.amount for b in bids if b.winner and b.amount is not None]
    win = winning[0] if len(winning) == 1 and winning[0] else None
    rows = []
    for bid in bids:
        of_budget = _percent(bid.amount, tender.budget)
        vs_winner = None if win is None or bid.amount is None else (bid.amount / win - 1) * 100
        rows.append(BidRow(bid, of_budget, vs_winner))
    return rows


def _percent(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    return None if part is None or not whole else part / whole * 100


# --- A buyer 采购人


@dataclass
class YearRow:
    year: int
    tenders: int = 0
    budget: Decimal | None = None
    awarded: Decimal | None = None  # the winning bids' amounts
    flags: int = 0


def buyer_years(user, department: Department) -> list[YearRow]:
    """Tenders, budgets and awarded amounts per year of publication: two grouped queries."""
    tenders = scoping.visible(user, Tender).filter(buyer=department)
    years: dict[int, YearRow] = {}
    for row in (tenders.annotate(year=ExtractYear("published_at")).values("year")
                .annotate(n=Count("pk"), budget=Sum("budget")).order_by("year")):
        years[row["year"]] = YearRow(row["year"], row["n"], row["budget"])
    won = (scoping.visible(user, Bid).filter(tender__buyer=department, winner=True)
           .annotate(year=ExtractYear("tender__published_at")).values("year").annotate(amount=Sum("amount")))
    for row in won.order_by("year"):
        years.setdefault(row["year"], YearRow(row["year"])).awarded = row["amount"]
    return [years[y] for y in sorted(years)]


@dataclass
class Share:
    uscc: str | None  # None: all the other winners together
    name: str
    wins: int
    amount: Decimal | None
    win_share: float | None = None
    amount_share: float | None = None
    linkable: bool = False


@dataclass
class Shares:
    top: list[Share] = field(default_factory=list)
    others: Share | None = None
    wins: int = 0
    amount: Decimal | None = None
    winners: int = 0  # distinct firms that won


def winner_shares(user, department: Department, top: int = TOP_WINNERS) -> Shares:
    """Who wins this buyer's tenders: per firm, winning bids and their amounts, as shares of the whole;
    the `top` firms by amount (then wins) and the rest together."""
    won = scoping.visible(user, Bid).filter(tender__buyer=department, winner=True)
    total = won.aggregate(wins=Count("pk"), amount=Sum("amount"), winners=Count("bidder_id", distinct=True))
    rows = list(won.values("bidder_id").annotate(wins=Count("pk"), amount=Sum("amount"))
                .order_by(F("amount").desc(nulls_last=True), "-wins", "bidder_id")[:top])
    names = dict(Enterprise.objects.filter(pk__in=[r["bidder_id"] for r in rows]).values_list("pk", "name"))
    linkable = visible_keys(user, Enterprise, names)
    shares = Shares(wins=total["wins"], amount=total["amount"], winners=total["winners"])
    shares.top = [Share(r["bidder_id"], names.get(r["bidder_id"], r["bidder_id"]), r["wins"], r["amount"],
                        linkable=r["bidder_id"] in linkable) for r in rows]
    rest_wins = shares.wins - sum(s.wins for s in shares.top)
    if rest_wins > 0:
        rest_amount = (shares.amount or 0) - sum((s.amount or 0) for s in shares.top)
        shares.others = Share(None, "", rest_wins, rest_amount)
    for share in [*shares.top, *([shares.others] if shares.others else [])]:
        share.win_share = share.wins / shares.wins if shares.wins else None
        share.amount_share = float(share.amount / shares.amount) if shares.amount and share.amount is not None else None
    return shares


def flags_per_year(user, department: Department) -> list[tuple[int, int]] | None:
    """Readable alerts naming the buyer, per year: the year of the earliest of its tenders the alert names,
    else the year the alert was first raised. None when the user may read no alerts."""
    alerts = flags.readable(user)
    if alerts is None:
        return None
    named = list(alerts.filter(flags.naming("department_code", [department.pk]))
                 .values_list("entities", "created_at")[: flags.FLAG_ROWS * 50])
    tender_ids = {t for entities, _ in named for t in entities.get("tender_id") or ()}
    published = dict(scoping.visible(user, Tender).filter(pk__in=tender_ids, buyer=department)
                     .annotate(year=ExtractYear("published_at")).values_list("pk", "year")) if tender_ids else {}
    per_year: dict[int, int] = {}
    for entities, created in named:
        years = [published[t] for t in entities.get("tender_id") or () if t in published]
        year = min(years) if years else timezone.localtime(created).year
        per_year[year] = per_year.get(year, 0) + 1
    return sorted(per_year.items())


# --- A bidder 投标人


@dataclass
class BuyerRow:
    code: str
    name: str
    bids: int
    wins: int
    won: Decimal | None
    first: object
    last: object


def bidder_totals(user, firm: Enterprise) -> dict:
    bids = scoping.visible(user, Bid).filter(bidder=firm)
    return bids.aggregate(bids=Count("pk"), wins=Count("pk", filter=Q(winner=True)),
                          won=Sum("amount", filter=Q(winner=True)), buyers=Count("tender__buyer_id", distinct=True))


def bidder_buyers(user, firm: Enterprise, limit: int = DETAIL_ROWS) -> list[BuyerRow]:
    """Bids and wins of a firm per buyer, most bids first: one grouped query, then the buyers' names."""
    rows = list(scoping.visible(user, Bid).filter(bidder=firm).values("tender__buyer_id")
                .annotate(bids=Count("pk"), wins=Count("pk", filter=Q(winner=True)),
                          won=Sum("amount", filter=Q(winner=True)), first=Min("tender__published_at"),
                          last=Max("tender__published_at"))
                .order_by("-bids", "-wins", "tender__buyer_id")[:limit])
    codes = [r["tender__buyer_id"] for r in rows]
    names = dict(Department.objects.filter(pk__in=codes).values_list("pk", "name"))
    return [BuyerRow(r["tender__buyer_id"], names.get(r["tender__buyer_id"], ""), r["bids"], r["wins"], r["won"],
                     r["first"], r["last"]) for r in rows]


def bidder_bids(user, firm: Enterprise, limit: int = DETAIL_ROWS) -> list[Bid]:
    """The firm's latest bids with their tenders and buyers."""
    return list(scoping.visible(user, Bid).filter(bidder=firm).select_related("tender", "tender__buyer")
                .order_by("-tender__published_at", "-tender_id")[:limit])


@dataclass
class CoBidder:
    uscc: str
    name: str
    together: int  # tenders both bid in
    they_won: int  # of those, tenders the co-bidder won
    we_won: int  # of those, tenders the firm won
    linkable: bool = False


@dataclass
class CoBidders:
    rows: list[CoBidder]
    total: int  # all distinct co-bidders, of which `rows` are the strongest


def co_bidders(user, firm: Enterprise, top: int = TOP_CO_BIDDERS) -> CoBidders:
    """The firms that bid in the same tenders as `firm`, most tenders together first (then wins), limited
    to `top` so a firm with thousands of bids stays readable. Grouped in the database."""
    bids = scoping.visible(user, Bid)
    mine = bids.filter(bidder=firm)
    others = bids.filter(tender_id__in=mine.values("tender_id")).exclude(bidder=firm)
    won_by_firm = mine.filter(winner=True).values("tender_id")
    rows = list(others.values("bidder_id").annotate(
        together=Count("tender_id", distinct=True),
        they_won=Count("tender_id", filter=Q(winner=True), distinct=True),
        we_won=Count("tender_id", filter=Q(tender_id__in=won_by_firm), distinct=True),
    ).order_by("-together", "-they_won", "bidder_id")[:top])
    total = others.aggregate(n=Count("bidder_id", distinct=True))["n"]
    names = dict(Enterprise.objects.filter(pk__in=[r["bidder_id"] for r in rows]).values_list("pk", "name"))
    linkable = visible_keys(user, Enterprise, names)
    return CoBidders([CoBidder(r["bidder_id"], names.get(r["bidder_id"], r["bidder_id"]), r["together"],
                               r["they_won"], r["we_won"], r["bidder_id"] in linkable) for r in rows], total)


def co_bidder_graph(firm: Enterprise, totals: dict, found: CoBidders, url) -> dict:
    """Cytoscape elements: the firm in the middle, its co-bidders around it; an edge's weight is the
    tenders together; a co-bidder that won any of them is marked. `url(uscc)` links a node's bidder page."""
    nodes = [{"data": {"id": f"e:{firm.pk}", "label": firm.name, "root": True, "won": totals["wins"] > 0,
                       "url": None}}]
    edges = []
    for row in found.rows:
        node = f"e:{row.uscc}"
        nodes.append({"data": {"id": node, "label": row.name, "root": False, "won": row.they_won > 0,
                               "url": url(row.uscc) if row.linkable else None}})
        edges.append({"data": {"id": f"c:{row.uscc}", "source": f"e:{firm.pk}", "target": node,
                               "weight": row.together, "label": str(row.together), "we_won": row.we_won,
                               "they_won": row.they_won}})
    most = max((r.together for r in found.rows), default=1)
    return {"nodes": nodes, "edges": edges, "max_weight": most}

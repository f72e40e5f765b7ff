"""Money flows between parties (transactions.csv) and contacts between officials and firms
(interactions.csv), as an honest baseline: loans from micro-loan firms and their repayment, trade
payments, owners' capital and dividends, partial subcontracts of won works; liaison visits and
handling visits from the positive list, and the odd working meal paid at the standard rate.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from qinqing.demo import clock
from qinqing.demo import industries as ind
from qinqing.demo.catalogue import ROUTINE_CONTACTS
from qinqing.demo.firms import FirmIndex, Firms
from qinqing.demo.government import Officials
from qinqing.demo.params import AS_OF, Scale
from qinqing.demo.people import People
from qinqing.demo.support import Liaisons

FLOW_START = dt.date(2020, 1, 1)


def _rows(
    payer: pl.Series, payee: pl.Series, amount: np.ndarray, date: np.ndarray, kind: str
) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "payer_id": payer.cast(pl.String),
            "payee_id": payee.cast(pl.String),
            "amount": np.round(amount, 2).astype(np.float64),
            "date": date.astype("datetime64[D]"),
            "kind": kind,
        },
        schema_overrides={"kind": pl.String},
    )


def transactions_table(
    rng: np.random.Generator,
    scale: Scale,
    firms: Firms,
    people: People,
    index: FirmIndex,
    tenders: pl.DataFrame,
    bids: pl.DataFrame,
) -> pl.DataFrame:
    n = scale.transactions
    active = np.flatnonzero(firms.status == 0)
    lenders = active[ind.CODES[firms.industry[active]] == ind.MICRO_LOAN]
    parts = []
    n_loan = int(n * 0.1) if lenders.shape[0] else 0
    lender = lenders[rng.integers(0, max(lenders.shape[0], 1), n_loan)] if n_loan else np.zeros(0, np.int64)
    borrower = active[rng.integers(0, active.shape[0], n_loan)]
    loan = np.round(8e5 * rng.lognormal(0, 0.9, n_loan), -4)
    when = clock.random_dates(rng, n_loan, FLOW_START, AS_OF)
    parts.append(_rows(firms.uscc.gather(lender), firms.uscc.gather(borrower), loan, when, "loan"))
    back = when + rng.integers(180, 720, n_loan).astype("timedelta64[D]")
    repaid = back <= clock.d64(AS_OF)
    parts.append(
        _rows(
            firms.uscc.gather(borrower[repaid]),
            firms.uscc.gather(lender[repaid]),
            loan[repaid] * rng.uniform(1.05, 1.2, int(repaid.sum())),
            back[repaid],
            "payment",
        )
    )

    n_pay = int(n * 0.6)
    payer, payee = active[rng.integers(0, active.shape[0], (2, n_pay))]
    ok = payer != payee
    parts.append(
        _rows(
            firms.uscc.gather(payer[ok]),
            firms.uscc.gather(payee[ok]),
            np.round(2e5 * rng.lognormal(0, 1.1, int(ok.sum())), -2),
            clock.random_dates(rng, int(ok.sum()), FLOW_START, AS_OF),
            "payment",
        )
    )

    n_tr = int(n * 0.15)
    firm = active[rng.integers(0, active.shape[0], n_tr)]
    owner = people.id_number.gather(firms.legal_rep[firm])
    capital_in = rng.random(n_tr) < 0.6
    usccs = firms.uscc.gather(firm)
    payer_s = pl.select(
        pl.when(pl.lit(pl.Series(capital_in))).then(pl.lit(owner)).otherwise(pl.lit(usccs))
    ).to_series()
    payee_s = pl.select(
        pl.when(pl.lit(pl.Series(capital_in))).then(pl.lit(usccs)).otherwise(pl.lit(owner))
    ).to_series()
    parts.append(
        _rows(
            payer_s,
            payee_s,
            np.round(5e5 * rng.lognormal(0, 0.8, n_tr), -3),
            clock.random_dates(rng, n_tr, FLOW_START, AS_OF),
            "transfer",
        )
    )

    # Honest subcontracting: a winner of works passes a part (20–40%) to another local builder.
    won = bids.filter(pl.col("winner")).join(
        tenders.select("tender_id", "awarded_at", "_area", "_county", "_kind"),
        on="tender_id",
        maintain_order="left",
    )
    won = won.filter(pl.col("_kind").str.ends_with("_works") | (pl.col("_kind") == "land_consolidation"))
    won = won.filter(pl.Series(rng.random(won.height) < 0.12))
    if won.height:
        date = won["awarded_at"].to_numpy().astype("datetime64[D]") + rng.integers(
            30, 120, won.height
        ).astype("timedelta64[D]")
        sub = np.array(
            [
                (lambda p: p[rng.integers(0, p.shape[0])] if p.shape[0] else -1)(
                    index.pool(a, c, "construction")
                )
                for a, c in zip(won["_area"], won["_county"], strict=True)
            ]
        )
        ok = (date <= clock.d64(AS_OF)) & (sub >= 0)
        ok &= firms.uscc.gather(np.maximum(sub, 0)).to_numpy() != won["bidder_uscc"].to_numpy()
        parts.append(
            _rows(
                won["bidder_uscc"].filter(pl.Series(ok)),
                firms.uscc.gather(sub[ok]),
                won["amount"].to_numpy()[ok] * rng.uniform(0.2, 0.4, int(ok.sum())),
                date[ok],
                "subcontract",
            )
        )
    return pl.concat(parts, how="vertical_relaxed")


def interactions_table(
    rng: np.random.Generator,
    scale: Scale,
    firms: Firms,
    off: Officials,
    liaisons: Liaisons,
    applications: pl.DataFrame,
) -> pl.DataFrame:
    n = scale.interactions
    kinds = [c for c in ROUTINE_CONTACTS if c[0] != "handle_matter"]
    w = np.array([c[2] for c in kinds])
    n_l = int(n * 0.75)
    served = np.flatnonzero((liaisons.county_leader >= 0) & (liaisons.industry_leader >= 0))
    firm = served[rng.integers(0, served.shape[0], n_l)]
    who = np.where(rng.random(n_l) < 0.5, liaisons.county_leader[firm], liaisons.industry_leader[firm])
    k = rng.choice(len(kinds), n_l, p=w / w.sum())
    kind = np.array([c[0] for c in kinds])[k]
    earliest = np.maximum(np.maximum(off.start[who], firms.established[firm]), clock.d64(dt.date(2022, 1, 1)))
    span = (clock.d64(AS_OF) - earliest).astype(np.int64)
    date = earliest + (rng.random(n_l) * np.maximum(span, 0)).astype("timedelta64[D]")
    value = np.where(kind == "meal", np.round(rng.uniform(20, 80, n_l)), np.nan)
    visits = pl.DataFrame(
        {
            "official_id": off.official_id.gather(who),
            "enterprise_uscc": firms.uscc.gather(firm),
            "date": date,
            "kind": kind,
            "description": np.array([c[1] for c in kinds])[k],
            "value": value,
        }
    )
    done = applications.filter(pl.col("status") == "completed", pl.col("handler_official_id").is_not_null())
    done = done.sample(min(n - n_l, done.height), seed=int(rng.integers(0, 2**31)))
    handled = pl.DataFrame(
        {
            "official_id": done["handler_official_id"],
            "enterprise_uscc": done["enterprise_uscc"],
            "date": done["completed_at"].cast(pl.Date),
            "kind": "handle_matter",
            "description": "受理并办结企业申请事项",
            "value": np.full(done.height, np.nan),
        }
    )
    return pl.concat([visits, handled]).with_columns(pl.col("value").fill_nan(None))

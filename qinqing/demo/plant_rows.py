"""The rows a planted pattern adds: new firms with their people and liaisons, stakes, roles, matters,
tenders and bids, money flows and contacts. Mixed into `plant.Planter`, which supplies the world,
the random stream and the row buffers.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

import numpy as np

from qinqing.core.identifiers import make_uscc, mask_id_number
from qinqing.demo import clock, codes
from qinqing.demo import industries as ind
from qinqing.demo.geography import COUNTY_NAME
from qinqing.demo.params import AS_OF
from qinqing.demo.support import INDUSTRY_BUREAU

if TYPE_CHECKING:
    from qinqing.demo.world import World

Person = dict[str, Any]  # name, id_number, birth, male, region
Firm = dict[str, Any]  # uscc, name, region, industry, established, contact, phone, pm


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else np.datetime64(value, "D").astype(dt.date)


class Rows:
    """Row builders; `Planter` provides `person`, `next_id`, `day` and `stamp` and the state below."""

    w: World
    rng: np.random.Generator
    rows: dict[str, list[dict]]
    names: set[str]
    serial: int
    off_region: np.ndarray
    off_bureau: np.ndarray
    off_lead: np.ndarray

    def new_firm(
        self,
        industry: str,
        region: str,
        capital: float,
        established: dt.date,
        word: str | None = None,
        rep: Person | None = None,
        status: str = "active",
    ) -> Firm:
        uscc = make_uscc(region, int(self.w.firms.spare_serials[self.serial]))
        self.serial += 1
        words = ind.INDUSTRIES[ind.INDEX[industry]].words
        name = ""
        while not name or name in self.names:
            trade = "".join(self.rng.choice(ind.TRADE_CHARS, 2))
            name = f"{COUNTY_NAME[region]}{trade}{word or words[0]}有限公司"
        self.names.add(name)
        rep = rep or self.person(region)
        contact = self.person(region)
        phone = codes.phones(self.rng, 1)[0]
        self.rows["enterprises"].append(
            {
                "uscc": uscc,
                "name": name,
                "legal_rep_name": rep["name"],
                "legal_rep_id": rep["id_number"],
                "industry": industry,
                "region_code": region,
                "registered_capital": float(capital),
                "established_date": established,
                "status": status,
            }
        )
        self.role(uscc, rep, "legal_rep", established)
        self.role(uscc, contact, "contact", established, phone)
        firm = {
            "uscc": uscc,
            "name": name,
            "region": region,
            "industry": industry,
            "established": established,
            "contact": contact["name"],
            "phone": phone,
            "rep": rep,
            "pm": None,
            "pm_name": None,
        }
        if industry.startswith("E"):
            pm = self.person(region, male=True)
            self.role(uscc, pm, "project_manager", established, codes.phones(self.rng, 1)[0])
            firm |= {"pm": pm["id_number"], "pm_name": pm["name"], "pm_person": pm}
        if status == "active":
            self.liaise(uscc, region, industry, established)
        return firm

    def role(
        self, uscc: str, who: Person, role: str, start: dt.date, phone: str | None = None, shown: str = "full"
    ) -> None:
        start = max(start, who["birth"].replace(year=who["birth"].year + 18, day=min(who["birth"].day, 28)))
        self.rows["roles"].append(
            {
                "enterprise_uscc": uscc,
                "person_name": who["name"],
                "person_id": self._shown(who["id_number"], shown),
                "role": role,
                "phone": phone,
                "start_date": start,
            }
        )

    @staticmethod
    def _shown(number: str, shown: str) -> str | None:
        return {"full": number, "masked": mask_id_number(number), "none": None}[shown]

    def hold(
        self, firm: Firm, holder: Person | Firm, ratio: float, start: dt.date, shown: str = "masked"
    ) -> None:
        start = max(start, firm["established"])
        if "uscc" in holder:
            row = {"holder_type": "enterprise", "holder_name": holder["name"], "holder_id": holder["uscc"]}
            start = max(start, holder["established"])
        else:
            row = {
                "holder_type": "person",
                "holder_name": holder["name"],
                "holder_id": self._shown(holder["id_number"], shown),
            }
        self.rows["holdings"].append(
            {"enterprise_uscc": firm["uscc"], **row, "share_ratio": round(ratio, 4), "start_date": start}
        )

    def liaise(self, uscc: str, region: str, industry: str, start: dt.date) -> None:
        off = self.w.off
        bureau = next((b for p, b in INDUSTRY_BUREAU if industry.startswith(p)), 9)
        here = (self.off_region == int(region)) & self.off_lead
        for role, mask in (
            ("county_leader", here & (self.off_bureau == 0)),
            ("industry_leader", here & (self.off_bureau == bureau)),
        ):
            cand = np.flatnonzero(mask)
            if cand.shape[0]:
                o = int(cand[self.rng.integers(0, cand.shape[0])])
                self.rows["liaisons"].append(
                    {
                        "enterprise_uscc": uscc,
                        "official_id": off.official_id[o],
                        "role": role,
                        "start_date": max(start, _date(off.start[o]), dt.date(2021, 3, 1)),
                    }
                )

    def application(
        self,
        item: str,
        uscc: str,
        handler: str | None,
        day: int,
        work: int,
        lag: int = 0,
        returns: int = 0,
        urgent: bool = False,
        reason: str | None = None,
        amount: float | None = None,
        accepted: bool = True,
    ) -> str:
        app_id = self.next_id("p")
        last = clock.as_of_index()
        day = min(day, last)
        submitted = self.stamp(day, self.rng.uniform(8.6, 11.5))
        acc = self.stamp(day + lag, self.rng.uniform(11.6, 12.0) if lag == 0 else None) if accepted else None
        done_day = day + lag + work
        done = done_day <= last and accepted
        completed = self.stamp(done_day, self.rng.uniform(14.0, 17.5)) if done else None
        if acc and acc > dt.datetime.combine(AS_OF, dt.time(18)):
            acc = None
        status = "completed" if done else ("returned" if returns else ("accepted" if acc else "submitted"))
        self.rows["applications"].append(
            {
                "application_id": app_id,
                "item_code": item,
                "enterprise_uscc": uscc,
                "handler_official_id": handler,
                "submitted_at": submitted,
                "accepted_at": acc,
                "completed_at": completed,
                "status": status,
                "returns": returns,
                "amount": amount,
                "urgent": urgent,
                "urgent_reason": reason,
            }
        )
        return app_id

    def tender(
        self, buyer: int, kind: str, day: int, budget: float, method: str = "open", title: str | None = None
    ) -> dict:
        from qinqing.demo.procurement import KINDS, TOWNS

        tender_id = self.next_id("q")
        published = self.stamp(day, self.rng.uniform(9, 11))
        deadline = self.stamp(self.day(_date(published.date()) + dt.timedelta(days=20)), 9.5)
        award_day = self.day(_date(deadline.date())) + int(self.rng.integers(2, 8))
        awarded = self.stamp(award_day) if award_day <= clock.as_of_index() else None
        place = COUNTY_NAME[str(self.w.depts.region[buyer])]
        title = title or KINDS[kind].titles[0].format(
            place=place, year=published.year, town=TOWNS[int(self.rng.integers(0, len(TOWNS)))]
        )
        self.rows["tenders"].append(
            {
                "tender_id": tender_id,
                "title": title,
                "buyer_department_code": self.w.depts.code[buyer],
                "method": method,
                "budget": float(round(budget, -2)),
                "published_at": published,
                "bid_deadline": deadline,
                "awarded_at": awarded,
                "sector": KINDS[kind].sector,
            }
        )
        return {
            "tender_id": tender_id,
            "published": published,
            "deadline": deadline,
            "awarded": awarded,
            "budget": budget,
            "day": day,
        }

    def bid(
        self,
        tender: dict,
        firm: Firm,
        share: float,
        winner: bool = False,
        contact: str | None = None,
        phone: str | None = None,
        pm: str | None = None,
    ) -> None:
        hours = float(self.rng.uniform(24, 24 * 12))
        self.rows["bids"].append(
            {
                "tender_id": tender["tender_id"],
                "bidder_uscc": firm["uscc"],
                "amount": float(round(tender["budget"] * share, -2)),
                "submitted_at": tender["deadline"] - dt.timedelta(hours=hours),
                "contact_name": contact or firm["contact"],
                "contact_phone": phone or firm["phone"],
                "project_manager_id": pm or firm.get("pm"),
                "disqualified": False,
                "winner": winner and tender["awarded"] is not None,
            }
        )

    def money(self, payer: str, payee: str, amount: float, date: dt.date, kind: str) -> None:
        self.rows["transactions"].append(
            {
                "payer_id": payer,
                "payee_id": payee,
                "amount": float(round(amount, 2)),
                "date": min(date, AS_OF),
                "kind": kind,
            }
        )

    def contact(
        self,
        official_id: str,
        uscc: str,
        date: dt.date,
        kind: str,
        description: str,
        value: float | None = None,
    ) -> None:
        self.rows["interactions"].append(
            {
                "official_id": official_id,
                "enterprise_uscc": uscc,
                "date": date,
                "kind": kind,
                "description": description,
                "value": value,
            }
        )

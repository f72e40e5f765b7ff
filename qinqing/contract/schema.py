"""The 21 tables of the data exchange contract (v1), as data.

One declaration serves the importer (what to parse and check), the exporter (column order), the demo
generator (what to write) and the tests. See `shared/contract/README.md` for the prose version.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ColumnType = Literal[
    "text",  # free text; empty means absent
    "code",  # a short identifier (department code, item code, ...)
    "int",
    "decimal",  # money or ratio: decimal, no thousands separators
    "date",  # YYYY-MM-DD
    "timestamp",  # ISO 8601; without offset = Asia/Shanghai
    "bool",  # true/false, 1/0, 是/否
    "enum",
    "id_number",  # GB 11643 citizen ID, full or masked
    "uscc",  # GB 32100 unified social credit code
    "party",  # an ID number or a USCC (money flows, shareholders)
    "region",  # 6-digit GB/T 2260 code
    "list",  # `separator`-separated values
]


@dataclass(frozen=True)
class Column:
    name: str
    type: ColumnType = "text"
    required: bool = False
    choices: tuple[str, ...] = ()
    references: str | None = None  # "table.column": must exist in the dataset or the database
    separator: str = ";"
    item_type: ColumnType = "text"  # for lists: the type of each item
    minimum: float | None = None
    maximum: float | None = None
    exclusive_minimum: bool = False
    pattern: str | None = None  # a regular expression a text value must match


@dataclass(frozen=True)
class Table:
    name: str  # file name without .csv, sheet name in a workbook
    model: str  # "app_label.ModelName"
    columns: tuple[Column, ...]
    # Natural key: the columns that identify a row. A single column is the model's primary key; several
    # give the model's integer id (contract.keys). Empty: the table has no natural key, and the whole row
    # (with its occurrence number among identical rows) is the key.
    key: tuple[str, ...] = ()
    description: str = ""
    column_map: dict[str, Column] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "column_map", {c.name: c for c in self.columns})

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def primary_key(self) -> str | None:
        """The column that is the model's primary key, when the natural key is one column."""
        return self.key[0] if len(self.key) == 1 else None


def C(name: str, type: ColumnType = "text", **kw) -> Column:  # noqa: A002 - mirrors the contract's wording
    return Column(name, type, **kw)


def R(name: str, type: ColumnType = "text", **kw) -> Column:  # noqa: A002
    """A required column."""
    return Column(name, type, required=True, **kw)


SECTOR_PATTERN = r"^[a-z][a-z_]*$"
DEPARTMENT_LEVELS = ("city", "county", "bureau", "section", "unit")
SECTORS = (
    "police", "audit", "natural_resources", "health", "transport", "finance", "soe", "justice",
    "development", "other",
)  # the contract's examples; any lowercase word is accepted
RANKS = ("bureau", "county", "section", "staff")
RELATIONS = (
    "spouse", "child", "parent", "sibling", "child_spouse", "sibling_spouse", "parent_in_law", "other",
)
ENTERPRISE_STATUSES = ("active", "revoked", "cancelled")
HOLDER_TYPES = ("person", "enterprise")
ENTERPRISE_ROLES = ("legal_rep", "director", "supervisor", "manager", "project_manager", "contact")
APPLICATION_STATUSES = ("submitted", "accepted", "returned", "completed", "rejected", "withdrawn")
TENDER_METHODS = ("open", "invited", "competitive", "single_source", "inquiry")
TRANSACTION_KINDS = ("loan", "payment", "transfer", "subcontract")
LIST_KINDS = ("positive", "negative")
ASSET_KINDS = ("property", "vehicle", "securities", "deposit", "business")
LIAISON_ROLES = ("county_leader", "industry_leader")
URGENCIES = ("normal", "urgent", "critical")
CASE_DOMAINS = (
    "land", "mining", "bidding", "healthcare", "finance", "soe", "justice", "transport", "audit", "other",
)
GENDERS = ("M", "F")  # also read: 男/女, male/female

INDUSTRY_PATTERN = r"^[A-T](\d{2}(\d{1,2})?)?$"  # GB/T 4754: section letter, division, group, class
PHONE_PATTERN = r"^[0-9+\-() ]{5,20}$"

TABLES: tuple[Table, ...] = (
    Table("lists", "service.ListItem", (
        R("code", "code"), R("list", "enum", choices=LIST_KINDS), R("title"), C("description"),
    ), key=("code",), description="interaction positive/negative list 正面清单/负面清单"),
    Table("departments", "registry.Department", (
        R("code", "code"), R("name"), C("parent_code", "code", references="departments.code"),
        R("level", "enum", choices=DEPARTMENT_LEVELS), C("region_code", "region"),
        R("sector", "text", pattern=SECTOR_PATTERN),
    ), key=("code",), description="organ or unit 机关/单位"),
    Table("officials", "registry.Official", (
        R("official_id", "code"), R("name"), C("id_number", "id_number"),
        C("gender", "enum", choices=GENDERS), C("birth_date", "date"), R("rank", "enum", choices=RANKS),
        C("party_member", "bool"),
    ), key=("official_id",), description="public official 公职人员"),
    Table("enterprises", "registry.Enterprise", (
        R("uscc", "uscc"), R("name"), C("legal_rep_name"), C("legal_rep_id", "id_number"),
        C("industry", "code", pattern=INDUSTRY_PATTERN), C("region_code", "region"),
        C("registered_capital", "decimal", minimum=0), C("established_date", "date"),
        C("status", "enum", choices=ENTERPRISE_STATUSES),
    ), key=("uscc",), description="registered market entity 市场主体"),
    Table("posts", "registry.Post", (
        R("official_id", "code", references="officials.official_id"),
        R("department_code", "code", references="departments.code"), R("title"),
        R("is_top_leader", "bool"), R("start_date", "date"), C("end_date", "date"),
        C("duties", "list", separator=";", item_type="code"),
    ), key=("official_id", "department_code", "title", "start_date"), description="appointment 任职"),
    Table("relatives", "registry.Relative", (
        R("official_id", "code", references="officials.official_id"), R("name"),
        R("relation", "enum", choices=RELATIONS), C("id_number", "id_number"), C("birth_date", "date"),
    ), key=("official_id", "name", "relation", "id_number", "birth_date"),
        description="declared family member 个人有关事项报告"),
    Table("holdings", "registry.Holding", (
        R("enterprise_uscc", "uscc", references="enterprises.uscc"),
        R("holder_type", "enum", choices=HOLDER_TYPES), R("holder_name"), C("holder_id", "party"),
        R("share_ratio", "decimal", minimum=0, exclusive_minimum=True, maximum=1),
        C("start_date", "date"), C("end_date", "date"),
    ), key=("enterprise_uscc", "holder_type", "holder_name", "holder_id", "start_date"),
        description="shareholding 股权"),
    Table("roles", "registry.EnterpriseRole", (
        R("enterprise_uscc", "uscc", references="enterprises.uscc"), R("person_name"),
        C("person_id", "id_number"), R("role", "enum", choices=ENTERPRISE_ROLES),
        C("phone", "text", pattern=PHONE_PATTERN), C("start_date", "date"), C("end_date", "date"),
    ), key=("enterprise_uscc", "person_name", "person_id", "role", "start_date"),
        description="a person's role in an enterprise 任职人员"),
    Table("service_items", "service.ServiceItem", (
        R("item_code", "code"), R("name"), R("department_code", "code", references="departments.code"),
        R("time_limit_days", "int", minimum=0), C("steps", "list", separator="|"),
        C("materials", "list", separator="|"),
    ), key=("item_code",), description="service or approval item 事项"),
    Table("applications", "service.Application", (
        R("application_id", "code"), R("item_code", "code", references="service_items.item_code"),
        R("enterprise_uscc", "uscc", references="enterprises.uscc"),
        C("handler_official_id", "code", references="officials.official_id"),
        R("submitted_at", "timestamp"), C("accepted_at", "timestamp"), C("completed_at", "timestamp"),
        R("status", "enum", choices=APPLICATION_STATUSES), C("returns", "int", minimum=0),
        C("amount", "decimal", minimum=0), C("urgent", "bool"), C("urgent_reason"),
    ), key=("application_id",), description="enterprise matter 涉企事项"),
    Table("tenders", "procurement.Tender", (
        R("tender_id", "code"), R("title"),
        R("buyer_department_code", "code", references="departments.code"),
        R("method", "enum", choices=TENDER_METHODS), C("budget", "decimal", minimum=0),
        R("published_at", "timestamp"), C("bid_deadline", "timestamp"), C("awarded_at", "timestamp"),
        C("sector", "text", pattern=SECTOR_PATTERN),
    ), key=("tender_id",), description="procurement or bidding procedure 招投标"),
    Table("bids", "procurement.Bid", (
        R("tender_id", "code", references="tenders.tender_id"),
        R("bidder_uscc", "uscc", references="enterprises.uscc"), C("amount", "decimal", minimum=0),
        C("submitted_at", "timestamp"), C("contact_name"), C("contact_phone", "text", pattern=PHONE_PATTERN),
        C("project_manager_id", "id_number"), C("disqualified", "bool"), R("winner", "bool"),
    ), key=("tender_id", "bidder_uscc"), description="bid 投标"),
    Table("transactions", "registry.Transaction", (
        R("payer_id", "party"), R("payee_id", "party"), R("amount", "decimal", minimum=0),
        R("date", "date"), R("kind", "enum", choices=TRANSACTION_KINDS),
    ), key=(), description="money flow 资金往来"),
    Table("interactions", "service.Interaction", (
        R("official_id", "code", references="officials.official_id"),
        R("enterprise_uscc", "uscc", references="enterprises.uscc"), R("date", "date"),
        R("kind", "code"), C("description"), C("value", "decimal", minimum=0),
    ), key=(), description="contact between an official and an enterprise 政商交往"),
    Table("assets", "registry.Asset", (
        R("official_id", "code", references="officials.official_id"), R("owner_name"),
        R("kind", "enum", choices=ASSET_KINDS), R("value", "decimal", minimum=0),
        C("acquired_date", "date"), C("location"),
    ), key=(), description="declared household asset 家庭财产"),
    Table("incomes", "registry.Income", (
        R("official_id", "code", references="officials.official_id"),
        R("year", "int", minimum=1949, maximum=2100), R("income", "decimal", minimum=0),
    ), key=("official_id", "year"), description="declared yearly household income 家庭收入"),
    Table("cases", "supervision.Case", (
        R("case_id", "code"), R("subject_official_id", "code", references="officials.official_id"),
        R("opened_at", "timestamp"), R("domain", "enum", choices=CASE_DOMAINS),
        C("gov_business_related", "bool"), C("misconduct_start_year", "int", minimum=1949, maximum=2100),
        C("bribe_amount", "decimal", minimum=0), C("party_sanction"), C("public_sanction"),
        C("sentence_months", "int", minimum=0), C("fine", "decimal", minimum=0),
        C("recovered", "decimal", minimum=0), C("briber_usccs", "list", separator=";", item_type="uscc"),
    ), key=("case_id",), description="disciplinary case 案件"),
    Table("blacklist", "supervision.BlacklistEntry", (
        R("uscc", "uscc", references="enterprises.uscc"), R("reason"),
        C("case_id", "code", references="cases.case_id"), R("start_date", "date"), C("end_date", "date"),
    ), key=("uscc", "start_date"), description="firm barred for bribery 行贿黑名单"),
    Table("liaisons", "service.Liaison", (
        R("enterprise_uscc", "uscc", references="enterprises.uscc"),
        R("official_id", "code", references="officials.official_id"),
        R("role", "enum", choices=LIAISON_ROLES), R("start_date", "date"), C("end_date", "date"),
    ), key=("enterprise_uscc", "official_id", "role", "start_date"), description="liaison 包保帮扶"),
    Table("policies", "service.Policy", (
        R("policy_code", "code"), R("title"), R("department_code", "code", references="departments.code"),
        C("benefit"), C("industries", "list", separator=";", item_type="code"),
        C("regions", "list", separator=";", item_type="code"),
        C("min_capital", "decimal", minimum=0), C("max_capital", "decimal", minimum=0),
        C("min_age_years", "int", minimum=0), C("max_age_years", "int", minimum=0),
        R("start_date", "date"), C("end_date", "date"),
    ), key=("policy_code",), description="support policy 惠企政策"),
    Table("appeals", "service.Appeal", (
        R("appeal_id", "code"), R("enterprise_uscc", "uscc", references="enterprises.uscc"),
        R("submitted_at", "timestamp"), R("category", "code"), C("description"),
        C("urgency", "enum", choices=URGENCIES), C("loss_per_day", "decimal", minimum=0),
        C("assigned_official_id", "code", references="officials.official_id"),
        C("resolved_at", "timestamp"), C("satisfaction", "int", minimum=1, maximum=5),
    ), key=("appeal_id",), description="enterprise's request for help 诉求"),
)

TABLE_BY_NAME: dict[str, Table] = {t.name: t for t in TABLES}


def table(name: str) -> Table:
    return TABLE_BY_NAME[name]

"""The roles of the platform and what each may do. The one table every view and endpoint consults."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    COMMISSION_ANALYST = "commission_analyst", _("Commission analyst 纪委监委分析员")
    CASE_OFFICER = "case_officer", _("Case officer 纪委监委办案人员")
    ORG_OFFICER = "org_officer", _("Organisation department officer 组织部干部")
    DEPT_OFFICER = "dept_officer", _("Department officer 职能部门经办人")
    LIAISON_LEADER = "liaison_leader", _("Liaison leader 包保领导")
    SERVICE_AGENT = "service_agent", _("Service agent 代办员")
    ENTERPRISE_USER = "enterprise_user", _("Enterprise user 企业用户")
    ADMIN = "admin", _("Administrator 管理员")


ALL_ROLES = frozenset(Role)
STAFF_ROLES = ALL_ROLES - {Role.ENTERPRISE_USER}
SUPERVISION_ROLES = frozenset({Role.COMMISSION_ANALYST, Role.CASE_OFFICER, Role.ADMIN})


class Capability(models.TextChoices):
    """Things a user may see or do; resources name the capability they need."""

    VIEW_DEPARTMENTS = "registry.view_departments"
    VIEW_ENTERPRISES = "registry.view_enterprises"  # public business registration data, scoped for firms
    VIEW_OFFICIALS = "registry.view_officials"  # officials and their posts (scoped for department officers)
    VIEW_DECLARATIONS = "registry.view_declarations"  # relatives, assets, incomes: personal matters reports
    VIEW_AUDIT_LOG = "audit.view_log"
    IMPORT_DATA = "contract.import"
    VIEW_ALERTS = "risk.view_alerts"  # the risk alert queue 预警线索 and each alert's evidence
    DECIDE_ALERTS = "risk.decide_alerts"  # confirm, dismiss or send an alert for verification
    VIEW_TENDERS = "procurement.view_tenders"  # tenders 招投标 and their bids, scoped (see GRANTS)
    ANALYSE_TENDERS = "procurement.analyse_tenders"  # a buyer's winners, a bidder's co-bidder network


GRANTS: dict[Capability, frozenset[Role]] = {
    Capability.VIEW_DEPARTMENTS: ALL_ROLES,
    Capability.VIEW_ENTERPRISES: ALL_ROLES,
    Capability.VIEW_OFFICIALS: frozenset(
        {Role.COMMISSION_ANALYST, Role.CASE_OFFICER, Role.ORG_OFFICER, Role.DEPT_OFFICER, Role.ADMIN}
    ),
    # Personal matters declarations are kept by the organisation department and read by the commission.
    Capability.VIEW_DECLARATIONS: frozenset(
        {Role.COMMISSION_ANALYST, Role.CASE_OFFICER, Role.ORG_OFFICER, Role.ADMIN}
    ),
    Capability.VIEW_AUDIT_LOG: frozenset({Role.ADMIN}),
    Capability.IMPORT_DATA: frozenset({Role.ADMIN}),
    # The organisation department reads alerts too, but only on its own business (rotation); which
    # rules that is, and recusal, are row filters in `scoping`.
    Capability.VIEW_ALERTS: frozenset(
        {Role.COMMISSION_ANALYST, Role.CASE_OFFICER, Role.ORG_OFFICER, Role.ADMIN}
    ),
    Capability.DECIDE_ALERTS: frozenset({Role.COMMISSION_ANALYST, Role.ADMIN}),
    # Bidding is a focus field of supervision, so the commission reads every tender and bid. A department
    # officer reads the tenders their own unit and the units below it ran as buyer (self-examination,
    # 查摆剖析); an enterprise user reads only the tenders their firm bid in, and of those only their own
    # bid: the others' prices, contacts and project managers are their competitors' business secrets.
    # Liaison leaders and service agents work for firms, and meddling in tenders is on the negative list,
    # so they get no tender data; nor does the organisation department, whose business is cadres.
    Capability.VIEW_TENDERS: frozenset(
        {Role.COMMISSION_ANALYST, Role.CASE_OFFICER, Role.DEPT_OFFICER, Role.ENTERPRISE_USER, Role.ADMIN}
    ),
    # Market views that put firms side by side (a buyer's winners' shares, who bids against whom) are for
    # oversight; a firm would see only itself in them, so it has its own bids page instead.
    Capability.ANALYSE_TENDERS: frozenset(
        {Role.COMMISSION_ANALYST, Role.CASE_OFFICER, Role.DEPT_OFFICER, Role.ADMIN}
    ),
}


def role_has(role: str | None, capability: Capability) -> bool:
    return role is not None and role in GRANTS[capability]

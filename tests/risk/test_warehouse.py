"""The scan's columnar copy follows the application database through the audit log, and an incremental
scan runs only the rules whose inputs changed — with the alerts a full scan would give."""

from __future__ import annotations

import datetime as dt
import shutil

import polars as pl
import pytest

from qinqing.contract.importer import import_dataset
from qinqing.contract.schema import TABLE_BY_NAME
from qinqing.risk import catalog
from qinqing.risk.engine.base import plan
from qinqing.risk.models import Alert
from qinqing.risk.services import run_scan
from qinqing.risk.sources import engine_schema, read_stored, typed
from qinqing.risk.warehouse import Warehouse

AS_OF = dt.date(2025, 6, 30)
KIN = catalog.rule("kin_stake_decisions")
CASE = KIN.folder / "fixtures" / "relative_chain"
OVERDUE = catalog.rule("overdue_matters")
OVERDUE_CASE = OVERDUE.folder / "fixtures" / "holidays"


@pytest.fixture
def warehouse(tmp_path):
    return Warehouse(tmp_path / "copy.duckdb")


def stored_copy(warehouse: Warehouse, name: str) -> pl.DataFrame:
    with warehouse.open() as con:
        frame = warehouse.frames(con, [name])[name]
    return frame.sort(frame.columns)


def database_rows(name: str) -> pl.DataFrame:
    table = TABLE_BY_NAME[name]
    frame = typed(table, read_stored(table)).select(list(engine_schema(table)))
    return frame.sort(frame.columns)


def sync(warehouse: Warehouse, tables: list[str], **kwargs):
    with warehouse.open() as con:
        return warehouse.sync(con, tables, **kwargs)


def test_first_sync_loads_the_tables_and_a_second_does_nothing(db, warehouse):
    assert import_dataset(CASE).ok
    first = sync(warehouse, ["applications", "holdings"])
    assert first.rebuilt and first.loaded == ["holdings", "applications"]
    for name in ("applications", "holdings"):
        assert stored_copy(warehouse, name).equals(database_rows(name))
    second = sync(warehouse, ["applications", "holdings"])
    assert not second.rebuilt and not second.loaded and not second.patched
    assert second.versions == first.versions


def test_an_import_is_applied_by_key_and_an_edit_or_delete_by_row(db, warehouse, tmp_path):
    from qinqing.registry.models import Holding
    from qinqing.service.models import Application

    assert import_dataset(CASE).ok
    before = sync(warehouse, ["applications", "holdings"]).versions
    extra = tmp_path / "more"
    extra.mkdir()
    text = (CASE / "applications.csv").read_text(encoding="utf-8").splitlines()
    header, first = text[0], text[1]
    row = first.split(",")
    row[0] = "BJ0777"
    (extra / "applications.csv").write_text(header + "\n" + ",".join(row) + "\n", encoding="utf-8")
    assert import_dataset(extra).ok
    Application.objects.filter(application_id="BJ0005").delete()
    holding = Holding.objects.order_by("id").first()
    holding.share_ratio = holding.share_ratio / 2
    holding.save()

    report = sync(warehouse, ["applications", "holdings"])
    assert not report.loaded
    assert report.patched == {"holdings": 1, "applications": 1}  # BJ0777 read; BJ0005 found gone
    assert report.versions["applications"] > before["applications"]
    assert report.versions["holdings"] > before["holdings"]
    for name in ("applications", "holdings"):
        assert stored_copy(warehouse, name).equals(database_rows(name))


def test_a_changed_history_rebuilds_the_copy(db, warehouse):
    assert import_dataset(CASE).ok
    sync(warehouse, ["applications"])
    with warehouse.open() as con:  # the copy claims an event the database does not have
        con.execute("UPDATE _state SET hash = 'not-this-history'")
    report = sync(warehouse, ["applications"])
    assert report.rebuilt and report.loaded == ["applications"]
    assert stored_copy(warehouse, "applications").equals(database_rows("applications"))


def test_an_incremental_scan_runs_only_what_changed_and_agrees_with_a_full_scan(db, warehouse, tmp_path):
    from qinqing.service.models import Application

    assert import_dataset(OVERDUE_CASE).ok
    assert import_dataset(CASE).ok  # second: its officials and firms are those of the kin case
    codes = [KIN.code, OVERDUE.code]
    first = run_scan(rule_codes=codes, as_of=AS_OF, warehouse=warehouse)
    assert set(first.outcomes) == set(codes)
    # A change to a table neither rule reads (the contact positive list): both carried forward.
    assert "lists" not in plan([KIN, OVERDUE]).tables
    (tmp_path / "lists.csv").write_text("code,list,title\nvisit,positive,走访企业\n", encoding="utf-8")
    assert import_dataset(tmp_path).ok
    assert set(run_scan(rule_codes=codes, as_of=AS_OF, warehouse=warehouse).carried) == set(codes)
    # A new matter of a firm no kin relation reaches: the matters the kin rule can name (kin_matters) are
    # patched to the very same rows, so it keeps its alerts; the overdue counts change, that rule runs.
    kin_firms = {row[2] for row in kept_rows(warehouse, "kin_matters")}
    stranger = Application.objects.exclude(enterprise_id__in=kin_firms).order_by("application_id").first()
    stranger.pk = stranger.application_id = "BJ0099"
    stranger.save()
    steps: list[tuple[str, str]] = []
    unrelated = run_scan(rule_codes=codes, as_of=AS_OF, warehouse=warehouse,
                         progress=lambda phase, name: steps.append((phase, name)))
    assert ("patched", "kin_matters") in steps
    assert set(unrelated.outcomes) == {OVERDUE.code} and unrelated.carried == [KIN.code]
    # A new decision for the kin firm: both rules run again.
    new = Application.objects.get(application_id="BJ0001")
    new.pk = new.application_id = "BJ0100"
    new.save()
    second = run_scan(rule_codes=codes, as_of=AS_OF, warehouse=warehouse)
    assert set(second.outcomes) == set(codes) and not second.carried
    incremental = {a.key: (a.evidence_hash, a.score, a.active) for a in Alert.objects.all()}
    # Another scan date changes what is overdue: the calendar-dependent rule runs again.
    assert OVERDUE.code in run_scan(rule_codes=codes, as_of=AS_OF + dt.timedelta(days=1),
                                    warehouse=warehouse).outcomes
    run_scan(rule_codes=codes, as_of=AS_OF, warehouse=warehouse)
    # A fresh copy and a full scan give exactly the alerts the incremental path kept.
    shutil.rmtree(warehouse.path.parent)
    full = run_scan(rule_codes=codes, as_of=AS_OF, full=True, warehouse=Warehouse(warehouse.path))
    assert not full.carried
    assert {a.key: (a.evidence_hash, a.score, a.active) for a in Alert.objects.all()} == incremental


def test_parameters_and_holidays_are_part_of_what_a_rule_depends_on(db, warehouse):
    from qinqing.core.models import CalendarDay

    assert import_dataset(OVERDUE_CASE).ok
    run_scan(rule_codes=[OVERDUE.code], as_of=AS_OF, warehouse=warehouse)
    assert run_scan(rule_codes=[OVERDUE.code], as_of=AS_OF, warehouse=warehouse).carried == [OVERDUE.code]
    param = next(iter(OVERDUE.params))
    default = OVERDUE.params[param].default
    changed = {OVERDUE.code: {param: default * 2 if isinstance(default, int | float) else default}}
    if changed[OVERDUE.code][param] != default:
        assert not run_scan(rule_codes=[OVERDUE.code], as_of=AS_OF, overrides=changed,
                            warehouse=warehouse).carried
    # An administrator declares a day off inside the matters' period: working days change.
    CalendarDay.objects.create(date=dt.date(2025, 3, 12), is_working_day=False, name="test", source="administrator")
    assert not run_scan(rule_codes=[OVERDUE.code], as_of=AS_OF, warehouse=warehouse).carried


SPEED = catalog.rule("selective_speed")
RETURNS = catalog.rule("repeated_returns")


def kept_rows(warehouse: Warehouse, name: str) -> list[tuple]:
    with warehouse.open() as con:
        return con.sql(f"SELECT * FROM cache.{name} ORDER BY ALL").fetchall()


def test_a_kept_relation_follows_new_changed_and_deleted_rows_by_key(db, warehouse, tmp_path):
    """matter_times (`-- @patch applications.application_id`) re-times only the applications an import
    or an edit touched; overdue_groups and speed_groups (grouped over matter_times) and return_counts
    (grouped over applications) count again only the handler × items those applications left or joined; each holds
    exactly what deriving it whole gives."""
    from qinqing.service.models import Application

    assert import_dataset(OVERDUE_CASE).ok
    assert import_dataset(SPEED.folder / "fixtures" / "favoured_firms").ok  # handler × items worth testing
    codes = [OVERDUE.code, SPEED.code, RETURNS.code]
    run_scan(rule_codes=codes, as_of=AS_OF, warehouse=warehouse)
    before = kept_rows(warehouse, "matter_times")
    assert before
    worth_testing = {(row[0], row[1]) for row in kept_rows(warehouse, "speed_groups") if row[2] >= 6}
    tested = [row[0] for row in before if (row[3], row[1]) in worth_testing]  # by handler, item
    timed = [row[0] for row in before if row[0] not in tested[:2]]
    assert len(tested) >= 2 and len(timed) >= 2
    copied, moved = (Application.objects.get(pk=key) for key in tested[:2])
    changed, gone = (Application.objects.get(pk=key) for key in timed[:2])
    other = Application.objects.exclude(handler_id=moved.handler_id).exclude(handler_id=None).first()
    moved.handler_id = other.handler_id  # leaves its handler × item for another one
    moved.save()
    changed.status, changed.completed_at = "accepted", None  # reopened: timed up to the scan date now
    changed.save()
    copied.pk = copied.application_id = "BJ9100"
    copied.save()
    gone.delete()

    steps: list[tuple[str, str]] = []
    result = run_scan(rule_codes=codes, as_of=AS_OF, warehouse=warehouse,
                      progress=lambda phase, name: steps.append((phase, name)))
    assert ("patched", "matter_times") in steps
    assert ("patched", "overdue_groups") in steps  # grouped over matter_times: the groups touched, again
    assert ("patched", "speed_groups") in steps
    assert ("patched", "late_matters") in steps  # grouped over matter_times by application
    assert ("patched", "return_counts") in steps and ("patched", "return_totals") in steps  # over applications
    patched = kept_rows(warehouse, "matter_times")
    regrouped = {name: kept_rows(warehouse, name)
                 for name in ("overdue_groups", "speed_groups", "late_matters", "return_counts", "return_totals")}
    assert patched != before and all(regrouped.values())
    keys = {row[0] for row in patched}
    assert "BJ9100" in keys and gone.application_id not in keys

    # Derived whole from a fresh copy: the same rows, and the same alerts.
    alerts = {a.key: (a.evidence_hash, a.score, a.active) for a in Alert.objects.all()}
    fresh = Warehouse(tmp_path / "fresh" / "copy.duckdb")
    steps.clear()
    run_scan(rule_codes=codes, as_of=AS_OF, full=True, warehouse=fresh,
             progress=lambda phase, name: steps.append((phase, name)))
    assert ("patched", "matter_times") not in steps
    assert kept_rows(fresh, "matter_times") == patched
    assert {name: kept_rows(fresh, name) for name in regrouped} == regrouped
    assert {a.key: (a.evidence_hash, a.score, a.active) for a in Alert.objects.all()} == alerts
    assert set(result.outcomes) == set(codes)


def test_new_matters_alone_are_folded_into_the_kept_counts(db, warehouse, tmp_path):
    """overdue_groups, return_counts and return_totals declare what their counts are over a group's rows (`sum(...)`,
    `max(...)`): after an import of new applications alone, the groups they join take in the new rows'
    own counts (and the worst excess grows) without counting the groups' other rows again; a new group is
    added; a matter without a handler goes to the group whose handler is NULL. Each kept relation then
    holds exactly what deriving it whole gives, and the rules the alerts of a full scan."""
    from qinqing.registry.models import Official
    from qinqing.service.models import Application

    assert import_dataset(OVERDUE_CASE).ok
    assert import_dataset(SPEED.folder / "fixtures" / "favoured_firms").ok
    codes = [OVERDUE.code, SPEED.code, RETURNS.code]
    run_scan(rule_codes=codes, as_of=AS_OF, warehouse=warehouse)
    late = kept_rows(warehouse, "late_matters")
    assert late
    stored = Application.objects.order_by("application_id")
    joining = Application.objects.get(pk=late[0][0])  # late: its group's count and worst excess grow
    joining.pk = joining.application_id = "BJ9300"
    joining.submitted_at -= dt.timedelta(days=60)  # later still than the matter it copies
    alone = Application.objects.get(pk=stored.first().pk)  # a handler × item of its own: a new group
    alone.pk = alone.application_id = "BJ9301"
    alone.handler_id = Official.objects.exclude(official_id__in=stored.values("handler_id")).first().pk
    nobody = Application.objects.get(pk=stored.last().pk)  # no handler
    nobody.pk, nobody.application_id, nobody.handler_id = "BJ9302", "BJ9302", None
    for new in (joining, alone, nobody):
        new.save()

    steps: list[tuple[str, str]] = []
    run_scan(rule_codes=codes, as_of=AS_OF, warehouse=warehouse, progress=lambda *step: steps.append(step))
    assert {("folded", name) for name in ("overdue_groups", "return_counts", "return_totals")} <= set(steps)
    assert ("patched", "speed_groups") in steps  # most of one firm: not a fold of the new rows alone
    kept = {name: kept_rows(warehouse, name)
            for name in ("overdue_groups", "return_counts", "return_totals", "speed_groups")}
    assert all(kept.values())
    alerts = {a.key: (a.evidence_hash, a.score, a.active) for a in Alert.objects.all()}

    fresh = Warehouse(tmp_path / "fresh" / "copy.duckdb")
    run_scan(rule_codes=codes, as_of=AS_OF, full=True, warehouse=fresh)
    assert {name: kept_rows(fresh, name) for name in kept} == kept
    assert {a.key: (a.evidence_hash, a.score, a.active) for a in Alert.objects.all()} == alerts
    # An edit of a stored matter is not a new row: the groups it left and joined are counted again.
    steps.clear()
    edited = Application.objects.get(application_id="BJ9300")
    edited.returns = 7
    edited.save()
    run_scan(rule_codes=codes, as_of=AS_OF, warehouse=warehouse, progress=lambda *step: steps.append(step))
    assert ("patched", "return_counts") in steps and ("folded", "return_counts") not in steps


@pytest.mark.parametrize(("code", "case", "view"), [
    ("kin_stake_decisions", "relative_chain", "kin_decisions"),
    ("money_to_kin_firm", "micro_loan", "kin_matters"),
    ("contact_violations", "gifts_and_pending", "contact_matters"),
    ("blacklisted_firm_active", "payments_alone", "blacklisted_matters"),
])
def test_the_matters_a_rule_can_name_follow_new_changed_and_deleted_applications(db, warehouse, tmp_path,
                                                                                 code, case, view):
    """The kept supersets of matters the local rules read (`-- @patch applications.application_id`)
    follow an import or an edit by those applications alone, and hold what deriving them whole gives; the
    rule's alerts are those of a full scan on a fresh copy."""
    from qinqing.service.models import Application

    rule = catalog.rule(code)
    assert import_dataset(rule.folder / "fixtures" / case).ok
    run_scan(rule_codes=[code], as_of=AS_OF, warehouse=warehouse)
    before = kept_rows(warehouse, view)
    assert before, f"{view} holds no matter of the fixture"
    firm_matter = Application.objects.get(application_id=before[0][0])
    copied = Application.objects.get(pk=firm_matter.pk)
    copied.pk = copied.application_id = "BJ9100"  # a new matter of a firm the rule watches
    copied.save()
    firm_matter.status, firm_matter.completed_at = "accepted", None  # reopened
    firm_matter.save()
    if len(before) > 1:
        Application.objects.filter(application_id=before[1][0]).delete()
    steps: list[tuple[str, str]] = []
    run_scan(rule_codes=[code], as_of=AS_OF, warehouse=warehouse,
             progress=lambda phase, name: steps.append((phase, name)))
    assert ("patched", view) in steps
    patched = kept_rows(warehouse, view)
    assert "BJ9100" in {row[0] for row in patched} and patched != before
    alerts = {a.key: (a.evidence_hash, a.score, a.active) for a in Alert.objects.all()}

    fresh = Warehouse(tmp_path / "fresh" / "copy.duckdb")
    run_scan(rule_codes=[code], as_of=AS_OF, full=True, warehouse=fresh)
    assert kept_rows(fresh, view) == patched
    assert {a.key: (a.evidence_hash, a.score, a.active) for a in Alert.objects.all()} == alerts


@pytest.mark.parametrize(("code", "case", "named"), [
    ("kin_stake_decisions", "relative_chain", "kin_decisions"),
    ("contact_violations", "gifts_and_pending", "contact_matters"),
])
def test_a_new_matter_the_rule_cannot_name_leaves_its_alerts_as_they_are(db, warehouse, tmp_path, code, case, named):
    """kin_stake_decisions names decisions: a matter of a kin firm still pending joins kin_matters (the
    money rule may name it) but not kin_decisions, so the rule is carried. contact_violations names matters
    pending at a contact or completed before one: a matter submitted after its firm's last contact leaves
    contact_matters as it is. A matter that can count makes the rule run, with a full scan's alerts."""
    from qinqing.service.models import Application

    rule = catalog.rule(code)
    assert import_dataset(rule.folder / "fixtures" / case).ok
    run_scan(rule_codes=[code], as_of=AS_OF, warehouse=warehouse)
    watched = Application.objects.get(application_id=kept_rows(warehouse, named)[0][0])
    pending = Application.objects.get(pk=watched.pk)
    pending.pk = pending.application_id = "BJ9200"
    pending.status, pending.accepted_at, pending.completed_at = "submitted", None, None
    if code == "contact_violations":  # the day after the firm's last contact, before the scan date
        last = dict((firm, day) for firm, day in kept_rows(warehouse, "contact_firms"))[watched.enterprise_id]
        assert last < AS_OF
        pending.submitted_at = pending.submitted_at.replace(year=last.year, month=last.month, day=last.day)
        pending.submitted_at += dt.timedelta(days=1)
    pending.save()
    result = run_scan(rule_codes=[code], as_of=AS_OF, warehouse=warehouse)
    assert result.carried == [code]
    if code == "kin_stake_decisions":  # the superset both kin rules read has it
        assert "BJ9200" in {row[0] for row in kept_rows(warehouse, "kin_matters")}

    decided = Application.objects.get(pk=watched.pk)  # the same matter again, on the same dates
    decided.pk = decided.application_id = "BJ9201"
    decided.save()
    assert run_scan(rule_codes=[code], as_of=AS_OF, warehouse=warehouse).carried == []
    assert "BJ9201" in {row[0] for row in kept_rows(warehouse, named)}
    alerts = {a.key: (a.evidence_hash, a.score, a.active) for a in Alert.objects.all()}
    run_scan(rule_codes=[code], as_of=AS_OF, full=True, warehouse=Warehouse(tmp_path / "fresh" / "copy.duckdb"))
    assert {a.key: (a.evidence_hash, a.score, a.active) for a in Alert.objects.all()} == alerts


def test_a_kept_relation_is_derived_whole_when_more_than_its_table_changed(db, warehouse):
    from qinqing.service.models import Application, ServiceItem

    assert import_dataset(OVERDUE_CASE).ok
    codes = [OVERDUE.code, SPEED.code]
    run_scan(rule_codes=codes, as_of=AS_OF, warehouse=warehouse)
    new = Application.objects.order_by("application_id").first()
    new.pk = new.application_id = "BJ9101"
    new.save()
    item = ServiceItem.objects.order_by("item_code").first()
    item.time_limit_days += 5  # the statutory limit of every matter of the item changes
    item.save()
    steps: list[tuple[str, str]] = []
    run_scan(rule_codes=codes, as_of=AS_OF, warehouse=warehouse,
             progress=lambda phase, name: steps.append((phase, name)))
    assert ("view", "matter_times") in steps and ("patched", "matter_times") not in steps
    derived = kept_rows(warehouse, "matter_times")
    fresh = Warehouse(warehouse.path.parent / "fresh" / "copy.duckdb")
    run_scan(rule_codes=codes, as_of=AS_OF, full=True, warehouse=fresh)
    assert kept_rows(fresh, "matter_times") == derived


def test_a_sync_stopped_between_tables_is_finished_by_the_next(db, warehouse, tmp_path, monkeypatch):
    """Tables read whole are committed one by one (memory); a sync stopped after some of them leaves a
    copy the next sync brings to exactly the database's rows."""
    from qinqing.service.models import Application

    assert import_dataset(CASE).ok
    tables = ["holdings", "applications"]
    sync(warehouse, tables)
    new = Application.objects.get(application_id="BJ0001")
    new.pk = new.application_id = "BJ0101"
    new.save()
    real_load = Warehouse._load

    def load_then_stop(self, con, table):
        real_load(self, con, table)
        if table.name == "holdings":
            raise KeyboardInterrupt("stopped after the first table")

    monkeypatch.setattr(Warehouse, "_load", load_then_stop)
    with pytest.raises(KeyboardInterrupt):
        sync(warehouse, tables, rebuild=True)
    monkeypatch.setattr(Warehouse, "_load", real_load)
    report = sync(warehouse, tables)
    assert "applications" in report.loaded
    for name in tables:
        assert stored_copy(warehouse, name).equals(database_rows(name))


def test_a_day_off_entered_by_an_administrator_reaches_the_kept_relations(db, warehouse, tmp_path):
    """A kept relation over the calendar (matter_times) is derived again when the calendar changes, not
    only when the tables change: its matters' working days are counted anew."""
    from qinqing.core.models import CalendarDay

    assert import_dataset(OVERDUE_CASE).ok
    codes = [OVERDUE.code, SPEED.code]
    run_scan(rule_codes=codes, as_of=AS_OF, warehouse=warehouse)
    before = kept_rows(warehouse, "matter_times")
    CalendarDay.objects.create(date=dt.date(2025, 3, 12), is_working_day=False, name="test", source="administrator")
    run_scan(rule_codes=codes, as_of=AS_OF, warehouse=warehouse)
    after = kept_rows(warehouse, "matter_times")
    assert after != before
    alerts = {a.key: (a.evidence_hash, a.score, a.active) for a in Alert.objects.all()}
    run_scan(rule_codes=codes, as_of=AS_OF, full=True, warehouse=Warehouse(tmp_path / "fresh" / "copy.duckdb"))
    assert kept_rows(Warehouse(tmp_path / "fresh" / "copy.duckdb"), "matter_times") == after
    assert {a.key: (a.evidence_hash, a.score, a.active) for a in Alert.objects.all()} == alerts

"""The audit log's hash chain: tampering in the database is found, named and located.

Each tampering is checked twice: through `services.verify` and through `qinqing audit verify`
(`call_command`), which must print the break and end with exit status 1.
"""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from qinqing.audit.models import AuditEvent
from qinqing.audit.services import GENESIS, event_digest, record, verify

pytestmark = pytest.mark.django_db


@pytest.fixture
def chain() -> list[AuditEvent]:
    """Five events: imports by the system, views by a user id, one with detail."""
    events = [record(action="import", detail={"rows": 120, "tables": ["officials"]})]
    events += [record(action="view", object_type="registry.official", object_id=f"O{i}") for i in range(1, 4)]
    events.append(record(action="update", object_type="registry.enterprise", object_id="X", detail={"n": 1}))
    return events


def run_verify() -> tuple[str, int]:
    """(printed output, exit status) of `qinqing audit verify`."""
    out = StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError as error:
        return out.getvalue(), error.returncode
    return out.getvalue(), 0


def kinds_at(problems) -> set[tuple[int, str]]:
    return {(p.seq, p.kind) for p in problems}


def test_intact_chain_verifies(chain):
    assert verify() == (5, [])
    output, status = run_verify()
    assert status == 0
    assert "checked 5 events" in output
    assert "intact" in output


def test_empty_log_verifies(db):
    assert verify() == (0, [])
    assert run_verify()[1] == 0


def test_chain_links_each_event_to_its_predecessor(chain):
    assert chain[0].prev_hash == GENESIS
    assert [e.prev_hash for e in chain[1:]] == [e.hash for e in chain[:-1]]
    assert all(event_digest(e) == e.hash for e in AuditEvent.objects.all())


@pytest.mark.parametrize("change", [
    {"detail": {"rows": 999, "tables": ["officials"]}},
    {"actor_id": 42},
    {"actor_role": "admin"},
    {"action": "delete"},
    {"object_id": "O99"},
])
def test_editing_a_row_is_found_as_edited_at_its_seq(chain, change):
    seq = 1 if "detail" in change else 3
    AuditEvent.objects.filter(seq=seq).update(**change)
    checked, problems = verify()
    assert checked == 5
    assert kinds_at(problems) == {(seq, "edited")}
    output, status = run_verify()
    assert status == 1
    assert f"break at seq {seq} (edited)" in output


def test_editing_a_row_and_its_hash_breaks_the_link_to_the_next(chain):
    # A tamperer who recomputes the edited row's hash still cannot make the next row point at it.
    event = AuditEvent.objects.get(seq=2)
    event.object_id = "O99"
    event.hash = event_digest(event)
    event.save()
    _, problems = verify()
    assert kinds_at(problems) == {(3, "inserted")}
    assert run_verify()[1] == 1


def test_deleting_a_middle_row_is_found_as_deleted(chain):
    AuditEvent.objects.filter(seq=3).delete()
    checked, problems = verify()
    assert checked == 4
    assert kinds_at(problems) == {(3, "deleted")}
    output, status = run_verify()
    assert status == 1
    assert "break at seq 3 (deleted)" in output


def test_deleting_the_first_row_is_found(chain):
    AuditEvent.objects.filter(seq=1).delete()
    assert kinds_at(verify()[1]) == {(1, "deleted")}


def test_deleting_a_row_and_renumbering_the_rest_is_found(chain):
    # Closing the gap changes the seq of every later row, and seq is part of each hash.
    AuditEvent.objects.filter(seq=3).delete()
    for seq in (4, 5):
        AuditEvent.objects.filter(seq=seq).update(seq=seq - 1)
    _, problems = verify()
    assert problems
    assert min(p.seq for p in problems) == 3
    assert run_verify()[1] == 1


def shift_up_from(seq: int) -> None:
    """Make room at `seq` as a tamperer would: renumber every later row (highest first: seq is unique)."""
    for later in AuditEvent.objects.filter(seq__gte=seq).order_by("-seq").values_list("seq", flat=True):
        AuditEvent.objects.filter(seq=later).update(seq=later + 1)


def test_inserting_a_forged_row_with_a_made_up_hash_is_found(chain):
    shift_up_from(3)
    forged = AuditEvent.objects.create(seq=3, at=chain[2].at, action="view", object_type="registry.official",
                                       object_id="O7", prev_hash=chain[1].hash, hash="f" * 64)
    checked, problems = verify()
    assert checked == 6
    assert (forged.seq, "edited") in kinds_at(problems)  # its content does not produce its hash
    output, status = run_verify()
    assert status == 1
    assert "break at seq 3" in output


def test_inserting_a_forged_row_with_a_correct_own_hash_is_found(chain):
    # The forger knows the hash formula; the row is self-consistent but cannot claim a real predecessor
    # without the renumbered original after it failing its own hash.
    shift_up_from(3)
    forged = AuditEvent(seq=3, at=chain[2].at, action="view", object_type="registry.official", object_id="O7",
                        prev_hash="e" * 64)
    forged.hash = event_digest(forged)
    forged.save()
    _, problems = verify()
    assert (3, "inserted") in kinds_at(problems)
    assert (4, "edited") in kinds_at(problems)  # the original third event, now carrying seq 4
    assert run_verify()[1] == 1


def test_replacing_a_row_is_found_at_the_row_and_its_successor(chain):
    AuditEvent.objects.filter(seq=2).delete()
    AuditEvent.objects.create(seq=2, at=chain[1].at, action="view", object_type="registry.official",
                              object_id="O9", prev_hash=chain[0].hash, hash="a" * 64)
    assert kinds_at(verify()[1]) == {(2, "edited"), (3, "inserted")}


def test_timestamps_read_back_exactly_as_hashed(chain):
    # Microseconds are dropped at write time; a stored value that differed from the hashed one would
    # make every event look edited on some backends.
    fresh = AuditEvent.objects.get(seq=2)
    assert fresh.at == chain[1].at
    assert event_digest(fresh) == fresh.hash


def test_tail_prints_the_latest_events_oldest_first(chain):
    out = StringIO()
    call_command("audit", "tail", "-n", "2", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split("\t")[0] for line in lines] == ["4", "5"]
    assert "registry.enterprise:X" in lines[1]
    assert '{"n": 1}' in lines[1]


def test_tail_defaults_to_twenty_and_handles_short_logs(chain):
    out = StringIO()
    call_command("audit", "tail", stdout=out)
    assert len(out.getvalue().splitlines()) == 5


def test_audit_command_requires_a_subcommand(db):
    with pytest.raises(CommandError):
        call_command("audit")


def test_verify_prints_the_head_to_anchor_outside_the_database(chain):
    output, _ = run_verify()
    assert f"head: seq 5 hash {chain[-1].hash}" in output


def test_cut_or_rewritten_tail_passes_verify_but_changes_the_head(chain):
    # What the chain alone cannot catch, and why the printed head must be kept elsewhere.
    head_before = run_verify()[0].splitlines()[1]
    AuditEvent.objects.filter(seq=5).delete()
    assert verify() == (4, [])
    assert run_verify()[0].splitlines()[1] != head_before


def test_a_row_slipped_in_front_of_the_first_is_found_as_inserted(chain):
    forged = AuditEvent(seq=0, at=chain[0].at, action="import", prev_hash=GENESIS)
    forged.hash = event_digest(forged)
    forged.save()
    _, problems = verify()
    assert kinds_at(problems) == {(0, "inserted"), (1, "inserted")}
    assert "before the first event" in problems[0].message

"""Writing and verifying the hash-chained audit log."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from qinqing.audit.models import AuditEvent

GENESIS = "0" * 64


def _digest(prev_hash: str, seq: int, at: str, actor_id, actor_role: str, action: str,
            object_type: str, object_id: str, detail: Any) -> str:
    payload = json.dumps(
        [prev_hash, seq, at, actor_id, actor_role, action, object_type, object_id, detail],
        ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()


def event_digest(event: AuditEvent) -> str:
    at = event.at.isoformat() if hasattr(event.at, "isoformat") else str(event.at)
    return _digest(event.prev_hash, event.seq, at, event.actor_id, event.actor_role, event.action,
                   event.object_type, event.object_id, event.detail)


def _lock_chain() -> None:
    # Appends must be serial or two events would claim the same predecessor. SQLite's IMMEDIATE
    # transactions already serialise writers; PostgreSQL needs an explicit lock.
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(781066)")


def next_event(last: tuple[int, str] | None, *, action: str, actor=None, object_type: str = "",
               object_id: str = "", detail: dict | None = None) -> AuditEvent:
    """The (unsaved) event that follows `last` = (seq, hash) of the newest event, hash computed.

    Whoever saves it must hold the chain's lock, so that no other event claims the same predecessor.
    """
    seq, prev = (last[0] + 1, last[1]) if last else (1, GENESIS)
    # Microseconds dropped so the stored timestamp reads back exactly as hashed on every backend.
    at = timezone.now().replace(microsecond=0)
    actor_id = actor.pk if actor is not None and getattr(actor, "is_authenticated", False) else None
    role = getattr(actor, "role", "") or "" if actor_id else ""
    event = AuditEvent(seq=seq, at=at, actor_id=actor_id, actor_role=role, action=action,
                       object_type=object_type, object_id=str(object_id), detail=detail or {}, prev_hash=prev)
    event.hash = event_digest(event)
    return event


def record(*, action: str, actor=None, object_type: str = "", object_id: str = "",
           detail: dict | None = None) -> AuditEvent:
    """Append one event. `detail` must hold no personal data: ids and counts, not names."""
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-seq").values_list("seq", "hash").first()
        event = next_event(last, action=action, actor=actor, object_type=object_type, object_id=object_id,
                           detail=detail)
        event.save()
        return event


def record_view(user, obj) -> AuditEvent:
    """A view of a person's record (official, relative): who looked, at what, never what it showed."""
    return record(action="view", actor=user, object_type=obj._meta.label_lower, object_id=str(obj.pk))


@dataclass(frozen=True)
class ChainProblem:
    seq: int
    kind: str  # edited | inserted | deleted | reordered
    message: str


def verify(batch_size: int = 5000) -> tuple[int, list[ChainProblem]]:
    """Walk the chain; return the number of events checked and every break found."""
    problems: list[ChainProblem] = []
    prev_hash, expected_seq, count = GENESIS, 1, 0
    for event in AuditEvent.objects.order_by("seq").iterator(chunk_size=batch_size):
        count += 1
        if event.seq != expected_seq:
            if event.seq > expected_seq:
                problems.append(ChainProblem(expected_seq, "deleted",
                                             f"events {expected_seq}..{event.seq - 1} are missing"))
            else:
                # Seqs are unique and read in order, so one can only fall behind below the first event:
                # a row numbered 0 or less was slipped in front of the chain (it cannot "repeat").
                problems.append(ChainProblem(event.seq, "inserted",
                                             f"event {event.seq} is numbered before the first event"))
        own = event_digest(event)
        if own != event.hash:
            problems.append(ChainProblem(
                event.seq, "edited", f"event {event.seq} does not match its hash: its content was changed"))
        elif event.prev_hash != prev_hash and event.seq == expected_seq:
            problems.append(ChainProblem(event.seq, "inserted",
                                         f"event {event.seq} does not follow event {event.seq - 1}: "
                                         "an event was inserted or replaced before it"))
        prev_hash, expected_seq = event.hash, event.seq + 1
    return count, problems

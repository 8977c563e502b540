"""Leases: a named role held by one process at a time, and its heartbeat.

The table holds no deadline: a holder proves it is alive by incrementing `beat`, and whoever
wants the role measures on its own clock how long the beat has stood still
(`bot.delivery.leader`). So no two machines' clocks are ever compared. Every change is a
compare-and-set on (name, holder) or (name, beat), so two contenders never both win.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select, update

from bot.db.engine import Repository
from bot.db.models.base import utc_now
from bot.db.models.delivery import Lease


@dataclass(frozen=True)
class LeaseState:
    holder: str | None  # None: given up, anyone may take it
    beat: int


class LeaseStore(Repository):

    def state(self, name: str) -> LeaseState | None:
        """The lease as stored; None when nobody ever held it."""
        with self._read() as session:
            row = session.execute(select(Lease.holder, Lease.beat).where(Lease.name == name)).one_or_none()
        return None if row is None else LeaseState(row.holder, int(row.beat))

    def take(self, name: str, holder: str, seen: LeaseState | None) -> bool:
        """Become the holder, provided the lease is still as `seen` (None: never held). False
        when someone else renewed or took it meanwhile."""
        lease = Lease
        with self._write() as session, session.begin():
            if seen is None:
                stmt = (self._insert(lease).values(name=name, holder=holder[:64], beat=1, renewed_at=utc_now())
                        .on_conflict_do_nothing(index_elements=["name"]).returning(lease.name))
                return session.execute(stmt).first() is not None
            stmt = (update(lease).where(lease.name == name, lease.beat == seen.beat)
                    .values(holder=holder[:64], beat=lease.beat + 1, renewed_at=utc_now())
                    .execution_options(synchronize_session=False))
            return bool(session.execute(stmt).rowcount)

    def renew(self, name: str, holder: str) -> bool:
        """One heartbeat; False when `holder` no longer holds the lease."""
        return self._owned(name, holder, holder[:64])

    def release(self, name: str, holder: str) -> bool:
        """Give the lease up so that another process takes it at once."""
        return self._owned(name, holder, None)

    def _owned(self, name: str, holder: str, new_holder: str | None) -> bool:
        lease = Lease
        stmt = (update(lease).where(lease.name == name, lease.holder == holder[:64])
                .values(holder=new_holder, beat=lease.beat + 1, renewed_at=utc_now())
                .execution_options(synchronize_session=False))
        with self._write() as session, session.begin():
            return bool(session.execute(stmt).rowcount)

"""The load history: one row per attempt, allowed or refused.

Bodies of the history methods of ``api.Connection``, run in their
transactions. Rows have no foreign key: the record of who tried what
outlives a board that leaves its host.
"""

from __future__ import annotations

import dataclasses
from typing import Any

import sqlalchemy as sa
from sqlalchemy import orm

from cyborg_fpga.db import models

History = models.ProgramHistory

# Who made an attempt and on what: the columns every row has.
WHO = ('deployable_uuid', 'host', 'bitstream_uuid', 'user_id', 'project_id',
       'request_id')


@dataclasses.dataclass(frozen=True)
class Finished:
    """How a started load ended, beside the outcome the deployable gets."""

    history_id: int
    result: str
    duration_ms: int

    def __post_init__(self) -> None:
        if self.result not in (models.SUCCEEDED, models.FAILED):
            raise ValueError('a finished load succeeded or failed, not %r'
                             % self.result)


def start(session: orm.Session, who: dict[str, Any]) -> int:
    record = History(started_at=models.utcnow(), result=models.IN_PROGRESS,
                     **who)
    session.add(record)
    session.flush()
    return record.id


def finish(session: orm.Session, history_id: int,
           values: dict[str, Any]) -> bool:
    """Record how a load ended; False if the record is gone."""
    changed = session.execute(
        sa.update(History).where(History.id == history_id)
        .values(finished_at=models.utcnow(), **values)
        .execution_options(synchronize_session=False))
    return bool(changed.rowcount == 1)  # type: ignore[attr-defined]


def refused(session: orm.Session, who: dict[str, Any], error_code: str,
            reason: str) -> int:
    """A whole row for an attempt refused before the deployable was locked.

    Started and finished at once: nothing ran, so there is no agent code.
    """
    now = models.utcnow()
    record = History(started_at=now, finished_at=now, duration_ms=0,
                     result=models.REFUSED, error_code=error_code,
                     reason=reason, **who)
    session.add(record)
    session.flush()
    return record.id


def latest(session: orm.Session, deployable_uuid: str, limit: int,
           project_id: str | None) -> list[models.ProgramHistory]:
    """Newest first; only attempts from ``project_id`` unless it is None."""
    query = (sa.select(History)
             .where(History.deployable_uuid == deployable_uuid)
             .order_by(History.id.desc()).limit(limit))
    if project_id is not None:
        query = query.where(History.project_id == project_id)
    return list(session.scalars(query))

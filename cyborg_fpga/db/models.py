"""Tables of the conductor's database.

Every time is naive UTC in whole seconds (``utcnow``): MariaDB's DATETIME
keeps no fraction, so cutting it here makes an object returned by a write
equal to the same row read back on every backend.

``to_dict()`` gives JSON-friendly values; times become ISO 8601 UTC strings
such as ``'2026-11-21T10:00:00Z'``, or None.
"""

from __future__ import annotations

import datetime
from typing import Any

from oslo_utils import timeutils
import sqlalchemy as sa
from sqlalchemy import orm

# Deployable.kind. A board and its PR regions are what agents report; the
# PFs and VFs below them come from the topology of the bitstream loaded
# (``cyborg_fpga.topology``), so they live and die with that load.
BOARD = 'board'
REGION = 'region'
PF = 'pf'
VF = 'vf'
KINDS = (BOARD, REGION, PF, VF)
TOPOLOGY_KINDS = (PF, VF)

# The keys of a load's metadata (the bitstream metadata standard's names)
# and the columns that keep them.
LOADED_METADATA = {
    'bs_uuid': 'loaded_bs_uuid',
    'function_uuid': 'loaded_function_uuid',
    'function_name': 'loaded_function_name',
    'driver': 'loaded_driver',
    'driver_ver': 'loaded_driver_ver',
    'driver_path': 'loaded_driver_path',
}

# Deployable.state
READY = 'ready'
PROGRAMMING = 'programming'
ERROR = 'error'
STATES = (READY, PROGRAMMING, ERROR)

# ProgramHistory.result
IN_PROGRESS = 'in_progress'
SUCCEEDED = 'succeeded'
FAILED = 'failed'
# Refused before the deployable was locked (policy, assignment, maintenance,
# a bitstream the caller cannot see or that does not fit, busy): the device
# was never touched.
REFUSED = 'refused'
RESULTS = (IN_PROGRESS, SUCCEEDED, FAILED, REFUSED)

# Constraint names follow one rule so that a later migration can drop or
# alter a constraint by name on every backend.
NAMING_CONVENTION = {
    'ix': 'ix_%(table_name)s_%(column_0_N_name)s',
    'uq': 'uq_%(table_name)s_%(column_0_N_name)s',
    'fk': 'fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s',
    'pk': 'pk_%(table_name)s',
}

# InnoDB for transactions and row locks; utf8mb4 so any name fits.
MYSQL_TABLE_ARGS = {'mysql_engine': 'InnoDB', 'mysql_charset': 'utf8mb4'}


def utcnow() -> datetime.datetime:
    """Now, as every column of this schema stores it."""
    return timeutils.utcnow().replace(microsecond=0)


def isotime(value: datetime.datetime | None) -> str | None:
    return None if value is None else value.strftime('%Y-%m-%dT%H:%M:%SZ')


class Base(orm.DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)

    def to_dict(self) -> dict[str, Any]:
        """Every column by name; times as ISO 8601 UTC strings."""
        result: dict[str, Any] = {}
        for column in self.__table__.columns:
            value = getattr(self, column.key)
            if isinstance(value, datetime.datetime):
                value = isotime(value)
            result[column.key] = value
        return result


class Deployable(Base):
    """A board, a PR region, or a PF or VF of what one of them holds."""

    __tablename__ = 'deployables'
    __table_args__ = (
        sa.Index('ix_deployables_parent_uuid', 'parent_uuid'),
        sa.Index('ix_deployables_host', 'host'),
        # Serves a project's list of deployables.
        sa.Index('ix_deployables_project_id', 'project_id'),
        MYSQL_TABLE_ARGS,
    )

    id: orm.Mapped[int] = orm.mapped_column(
        sa.Integer, primary_key=True, autoincrement=True)
    uuid: orm.Mapped[str] = orm.mapped_column(
        sa.String(36), nullable=False, unique=True)
    # A region points at its board, a PF at the board or region whose load
    # made it, a VF at its PF. Children are deleted before their parents.
    parent_uuid: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(36), sa.ForeignKey('deployables.uuid'), nullable=True)
    host: orm.Mapped[str] = orm.mapped_column(sa.String(255), nullable=False)
    kind: orm.Mapped[str] = orm.mapped_column(sa.String(16), nullable=False)
    name: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    vendor: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    board: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    address: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    driver: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    region_type_uuid: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(36))
    # The Glance image on the device now; None when nothing known is.
    loaded_bitstream: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(36))
    loaded_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        sa.DateTime)
    # What the hardware says it holds: for a board the shell's interface
    # UUID (a PR bitstream's shell_id must match it), for a region the
    # function's. Reported by the agent, so it is known even when no Glance
    # image is.
    loaded_bs_uuid: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(36))
    # The metadata of loaded_bitstream, kept at load time so that reads
    # need no image service; None whenever loaded_bitstream is.
    loaded_function_uuid: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(36))
    loaded_function_name: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(255))
    loaded_driver: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(255))
    loaded_driver_ver: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(64))
    loaded_driver_path: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(1024))
    # A PF or VF, as the bitstream's topology describes it.
    pci_offset: orm.Mapped[str | None] = orm.mapped_column(sa.String(16))
    capability: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    kpi: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    state: orm.Mapped[str] = orm.mapped_column(
        sa.String(16), nullable=False, default=READY, server_default=READY)
    # The request that holds the deployable while it is PROGRAMMING.
    lock_owner: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    locked_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        sa.DateTime)
    # The outcome of the last load: agent code 0-3, or None when the agent
    # never answered.
    last_code: orm.Mapped[int | None] = orm.mapped_column(sa.Integer)
    last_error_code: orm.Mapped[str | None] = orm.mapped_column(
        sa.String(64))
    last_reason: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    last_bitstream: orm.Mapped[str | None] = orm.mapped_column(sa.String(36))
    last_program_at: orm.Mapped[datetime.datetime | None] = (
        orm.mapped_column(sa.DateTime))
    # The operator's, never the hardware's: an inventory sync leaves these
    # three alone (db/assignment.py). The project a board or region is
    # assigned to, None for the admins' alone; always None on a PF or VF,
    # which takes its board's or region's rather than a copy of it.
    project_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    # A deployable in maintenance takes no load, except an admin's forced one.
    maintenance: orm.Mapped[bool] = orm.mapped_column(
        sa.Boolean, nullable=False, default=False, server_default=sa.false())
    maintenance_reason: orm.Mapped[str | None] = orm.mapped_column(sa.Text)
    created_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        sa.DateTime, default=utcnow)
    updated_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        sa.DateTime, onupdate=utcnow)

    def __repr__(self) -> str:
        return '<Deployable %s %s %s>' % (self.uuid, self.kind, self.state)


class ProgramHistory(Base):
    """One load of a bitstream, kept after its deployable is gone."""

    __tablename__ = 'program_history'
    __table_args__ = (
        # Serves "the latest loads of one deployable", newest first.
        sa.Index('ix_program_history_deployable_uuid_id',
                 'deployable_uuid', 'id'),
        MYSQL_TABLE_ARGS,
    )

    id: orm.Mapped[int] = orm.mapped_column(
        sa.Integer, primary_key=True, autoincrement=True)
    # No foreign key: the record outlives a board that leaves the host.
    deployable_uuid: orm.Mapped[str] = orm.mapped_column(
        sa.String(36), nullable=False)
    host: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    bitstream_uuid: orm.Mapped[str | None] = orm.mapped_column(sa.String(36))
    user_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    project_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    request_id: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    started_at: orm.Mapped[datetime.datetime] = orm.mapped_column(
        sa.DateTime, nullable=False)
    finished_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        sa.DateTime)
    duration_ms: orm.Mapped[int | None] = orm.mapped_column(sa.Integer)
    result: orm.Mapped[str] = orm.mapped_column(sa.String(16), nullable=False)
    code: orm.Mapped[int | None] = orm.mapped_column(sa.Integer)
    error_code: orm.Mapped[str | None] = orm.mapped_column(sa.String(64))
    reason: orm.Mapped[str | None] = orm.mapped_column(sa.Text)

    def __repr__(self) -> str:
        return '<ProgramHistory %s %s %s>' % (
            self.id, self.deployable_uuid, self.result)


class Agent(Base):
    """A host whose agent has reported its inventory."""

    __tablename__ = 'agents'
    __table_args__ = (MYSQL_TABLE_ARGS,)

    host: orm.Mapped[str] = orm.mapped_column(sa.String(255), primary_key=True)
    # Comma-separated names of the drivers the agent runs.
    drivers: orm.Mapped[str | None] = orm.mapped_column(sa.String(255))
    # When this host first reported; kept across later reports.
    started_at: orm.Mapped[datetime.datetime | None] = orm.mapped_column(
        sa.DateTime)
    last_report_at: orm.Mapped[datetime.datetime] = orm.mapped_column(
        sa.DateTime, nullable=False)

    @property
    def driver_names(self) -> list[str]:
        return self.drivers.split(',') if self.drivers else []

    def to_dict(self) -> dict[str, Any]:
        """As ``Base.to_dict``, with ``drivers`` as a list of names."""
        result = super().to_dict()
        result['drivers'] = self.driver_names
        return result

    def __repr__(self) -> str:
        return '<Agent %s>' % self.host

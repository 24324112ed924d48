"""In-memory stand-ins for the layers below the API.

The database and the image service are tested on their own; here they only
have to answer like them. The conductor stub enforces fpga:program on the
deployable with the real enforcer and authz, as the real conductor does.
"""

from __future__ import annotations

from collections.abc import Sequence
import dataclasses
import datetime
import typing
from typing import Any

from cyborg_fpga import authz
from cyborg_fpga.db import assignment
from cyborg_fpga import exception
from cyborg_fpga.image import base as image_base

DEPLOYABLE_FIELDS = (
    'uuid', 'parent_uuid', 'host', 'kind', 'name', 'vendor', 'board',
    'address', 'driver', 'region_type_uuid', 'loaded_bitstream', 'loaded_at',
    'loaded_bs_uuid', 'loaded_function_uuid', 'loaded_function_name',
    'loaded_driver', 'loaded_driver_ver', 'loaded_driver_path', 'pci_offset',
    'capability', 'kpi', 'state', 'last_code', 'last_error_code',
    'last_reason', 'last_bitstream', 'last_program_at', 'project_id',
    'maintenance', 'maintenance_reason', 'created_at', 'updated_at')

NOW = datetime.datetime(2024, 5, 1, 12, 0, 0)


@dataclasses.dataclass
class Row:
    """A database row: attributes and to_dict(), like the real models."""

    values: dict[str, Any]

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__['values'][name]
        except KeyError:
            raise AttributeError(name) from None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.values)


def deployable(uuid: str, **values: Any) -> Row:
    """A board of project p1 unless told otherwise.

    A PF or VF carries no project: it takes its board's or region's.
    """
    row = dict.fromkeys(DEPLOYABLE_FIELDS)
    row.update(uuid=uuid, host='host-1', kind='board', name='fpga0',
               vendor='xilinx', board='u250', state='ready',
               maintenance=False, created_at=NOW, updated_at=NOW)
    row.update(values)
    if 'project_id' not in values and row['kind'] in ('board', 'region'):
        row['project_id'] = 'p1'
    return Row(row)


def history(deployable_uuid: str, **values: Any) -> Row:
    row = dict(deployable_uuid=deployable_uuid, host='host-1',
               bitstream_uuid=None, user_id='alice', project_id='p1',
               request_id='req-1', started_at=NOW, finished_at=NOW,
               duration_ms=1500, result='success', code=0, error_code=None,
               reason=None)
    row.update(values)
    return Row(row)


class FakeDB:
    def __init__(self) -> None:
        self.deployables: dict[str, Row] = {}
        self.histories: dict[str, list[Row]] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []

    def add(self, row: Row) -> Row:
        self.deployables[row.uuid] = row
        return row

    def get_deployable(self, uuid: str) -> Row:
        try:
            return self.deployables[uuid]
        except KeyError:
            raise exception.DeployableNotFound(uuid=uuid) from None

    def get_access(self, uuid: str) -> assignment.Access:
        row = self.get_deployable(uuid)
        root = row
        while root.kind in ('pf', 'vf') and root.parent_uuid:
            root = self.get_deployable(root.parent_uuid)
        board = (self.deployables.get(root.parent_uuid)
                 if root.kind == 'region' else None)
        down = next((r for r in (root, board) if r and r.maintenance), None)
        return assignment.Access(
            deployable=typing.cast(Any, row), project_id=root.project_id,
            maintenance=assignment.Maintenance(
                down.uuid, down.maintenance_reason) if down else None)

    def list_deployables(self, *, limit: int | None = None,
                         marker: str | None = None,
                         project_id: str | None = None,
                         **filters: Any) -> list[Row]:
        self.calls.append(('list_deployables',
                           dict(filters, limit=limit, marker=marker,
                                project_id=project_id)))
        rows = sorted(self.deployables.values(), key=lambda r: r.uuid)
        rows = [r for r in rows
                if all(v is None or getattr(r, k) == v
                       for k, v in filters.items())
                and project_id in (None,
                                   self.get_access(r.uuid).project_id)]
        if marker is not None:
            if marker not in self.deployables:
                raise exception.InvalidRequest(
                    reason='marker %s is not a deployable' % marker)
            rows = [r for r in rows if r.uuid > marker]
        return rows[:limit] if limit else rows

    def list_children(self, uuid: str) -> list[Row]:
        return [r for r in self.deployables.values() if r.parent_uuid == uuid]

    def get_tree(self, uuid: str) -> tuple[Row, list[Row]]:
        root = self.get_deployable(uuid)
        below: list[Row] = []
        level = self.list_children(uuid)
        while level:
            below.extend(level)
            level = [c for r in level for c in self.list_children(r.uuid)]
        return root, below

    def list_history(self, deployable_uuid: str, limit: int = 50,
                     project_id: str | None = None) -> list[Row]:
        self.calls.append(('list_history', {'limit': limit,
                                            'project_id': project_id}))
        return [row for row in self.histories.get(deployable_uuid, [])
                if project_id in (None, row.project_id)][:limit]

    def assign(self, uuid: str, project_id: str | None) -> Row:
        return self._update(uuid, project_id=project_id)

    def set_maintenance(self, uuid: str, on: bool,
                        reason: str | None = None) -> Row:
        return self._update(uuid, maintenance=on,
                            maintenance_reason=reason if on else None)

    def _update(self, uuid: str, **values: Any) -> Row:
        row = self.get_deployable(uuid)
        if row.kind not in ('board', 'region'):
            raise exception.InvalidRequest(reason='a PF or VF')
        self.calls.append(('update', dict(values, uuid=uuid)))
        return self.add(Row(dict(row.values, **values)))


class FakeImageService(image_base.ImageService):
    def __init__(self, images: list[image_base.Bitstream]) -> None:
        self.images = images
        self.calls: list[tuple[Any, Any, Any]] = []

    def get(self, ctxt: Any, uuid: str) -> image_base.Bitstream:
        for image in self.images:
            if image.uuid == uuid:
                return image
        raise exception.BitstreamNotFound(uuid=uuid)

    def list(self, ctxt: Any, filters: dict[str, str] | None = None,
             limit: int | None = None) -> list[image_base.Bitstream]:
        self.calls.append((ctxt, filters, limit))
        return self.images[:limit]

    def download(self, ctxt: Any, uuid: str, dest_path: str,
                 hashers: Sequence[Any] = (), durable: bool = True) -> int:
        raise NotImplementedError


class FakeConductor:
    """Checks the deployable like the conductor, then raises ``error``."""

    def __init__(self, enforcer: Any, db: FakeDB) -> None:
        self.enforcer = enforcer
        self.db = db
        self.error: BaseException | None = None
        self.calls: list[tuple[Any, str, str, bool]] = []

    def program(self, ctxt: Any, deployable_uuid: str, bitstream_uuid: str,
                force: bool = False) -> None:
        access = authz.deployable(self.enforcer, 'fpga:program', ctxt,
                                  self.db, deployable_uuid, hide=False)
        if force:
            authz.check(self.enforcer, 'fpga:program:force', ctxt,
                        deployable_uuid, access, hide=False)
        authz.ensure_loadable(access, force)
        self.calls.append((ctxt, deployable_uuid, bitstream_uuid, force))
        if self.error is not None:
            raise self.error

"""In-memory stand-ins for the layers below the API.

The database and the image service are tested on their own; here they only
have to answer like them. The conductor stub enforces fpga:program with the
real enforcer, as the real conductor does.
"""

from __future__ import annotations

from collections.abc import Sequence
import dataclasses
import datetime
from typing import Any

from cyborg_fpga import exception
from cyborg_fpga.image import base as image_base
from cyborg_fpga import policy

DEPLOYABLE_FIELDS = (
    'uuid', 'parent_uuid', 'host', 'kind', 'name', 'vendor', 'board',
    'address', 'driver', 'region_type_uuid', 'loaded_bitstream', 'loaded_at',
    'loaded_bs_uuid', 'loaded_function_uuid', 'loaded_function_name',
    'loaded_driver', 'loaded_driver_ver', 'loaded_driver_path', 'pci_offset',
    'capability', 'kpi', 'state', 'last_code', 'last_error_code',
    'last_reason', 'last_bitstream', 'last_program_at', 'created_at',
    'updated_at')

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
    row = dict.fromkeys(DEPLOYABLE_FIELDS)
    row.update(uuid=uuid, host='host-1', kind='board', name='fpga0',
               vendor='xilinx', board='u250', state='ready',
               created_at=NOW, updated_at=NOW)
    row.update(values)
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

    def list_deployables(self, *, limit: int | None = None,
                         marker: str | None = None,
                         **filters: Any) -> list[Row]:
        self.calls.append(('list_deployables',
                           dict(filters, limit=limit, marker=marker)))
        rows = sorted(self.deployables.values(), key=lambda r: r.uuid)
        rows = [r for r in rows
                if all(v is None or getattr(r, k) == v
                       for k, v in filters.items())]
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

    def list_history(self, deployable_uuid: str, limit: int = 50) -> list[Row]:
        self.calls.append(('list_history', {'limit': limit}))
        return self.histories.get(deployable_uuid, [])[:limit]


class FakeImageService(image_base.ImageService):
    def __init__(self, images: list[image_base.Bitstream]) -> None:
        self.images = images
        self.calls: list[tuple[Any, Any, Any]] = []

    def get(self, ctxt: Any, uuid: str) -> image_base.Bitstream:
        raise NotImplementedError

    def list(self, ctxt: Any, filters: dict[str, str] | None = None,
             limit: int | None = None) -> list[image_base.Bitstream]:
        self.calls.append((ctxt, filters, limit))
        return self.images[:limit]

    def download(self, ctxt: Any, uuid: str, dest_path: str,
                 hashers: Sequence[Any] = ()) -> int:
        raise NotImplementedError


class FakeConductor:
    """Checks the policy like the conductor, then raises ``error`` if set."""

    def __init__(self, enforcer: Any) -> None:
        self.enforcer = enforcer
        self.error: BaseException | None = None
        self.calls: list[tuple[Any, str, str, bool]] = []

    def program(self, ctxt: Any, deployable_uuid: str, bitstream_uuid: str,
                force: bool = False) -> None:
        policy.authorize(self.enforcer, 'fpga:program', ctxt)
        if force:
            policy.authorize(self.enforcer, 'fpga:program:force', ctxt)
        self.calls.append((ctxt, deployable_uuid, bitstream_uuid, force))
        if self.error is not None:
            raise self.error

"""How database rows and bitstreams look in responses.

Views name every field, rather than dump ``to_dict()``, so a new column
never reaches users by accident and the API stays what api-ref documents.
"""

from __future__ import annotations

from collections.abc import Iterable
import datetime
from typing import Any

# Image properties that would tell callers how the cloud stores images.
_HIDDEN_PROPERTY_PREFIXES = ('os_glance', 'direct_url', 'locations', 'stores')


def iso(value: Any) -> str | None:
    """ISO 8601 with a UTC offset; the database stores naive UTC times."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, datetime.datetime) and value.tzinfo is None:
        value = value.replace(tzinfo=datetime.UTC)
    return str(value.isoformat())


def last_program(deployable: Any) -> dict[str, Any] | None:
    """The outcome of the last load; None if it was never programmed."""
    if deployable.last_program_at is None:
        return None
    return {
        'bitstream': deployable.last_bitstream,
        'code': deployable.last_code,
        'error_code': deployable.last_error_code,
        'reason': deployable.last_reason,
        'at': iso(deployable.last_program_at),
    }


def loaded_metadata(deployable: Any) -> dict[str, Any]:
    """The metadata of what is loaded, under the standard's key names.

    ``bs_uuid`` is what the hardware reports it holds; the others were
    recorded from the bitstream's metadata when it was loaded.
    """
    return {
        'bs_uuid': deployable.loaded_bs_uuid,
        'function_uuid': deployable.loaded_function_uuid,
        'function_name': deployable.loaded_function_name,
        'driver': deployable.loaded_driver,
        'driver_ver': deployable.loaded_driver_ver,
        'driver_path': deployable.loaded_driver_path,
    }


def fpga(deployable: Any) -> dict[str, Any]:
    """GET /fpga/{uuid}: what is loaded now and how the last load went."""
    return {
        'uuid': deployable.uuid,
        'host': deployable.host,
        'kind': deployable.kind,
        'name': deployable.name,
        'state': deployable.state,
        'loaded_bitstream': deployable.loaded_bitstream,
        'loaded_at': iso(deployable.loaded_at),
        'loaded_metadata': loaded_metadata(deployable),
        'last_program': last_program(deployable),
    }


def deployable(row: Any) -> dict[str, Any]:
    view = fpga(row)
    view.update({
        'parent_uuid': row.parent_uuid,
        'vendor': row.vendor,
        'board': row.board,
        'address': row.address,
        'driver': row.driver,
        'region_type_uuid': row.region_type_uuid,
        # Set for a PF or VF, from the loaded bitstream's topology.
        'pci_offset': row.pci_offset,
        'capability': row.capability,
        'kpi': row.kpi,
        # The operator's: null on a PF or VF, which take those of the board
        # or region above them.
        'project_id': row.project_id,
        'maintenance': row.maintenance,
        'maintenance_reason': row.maintenance_reason,
        'created_at': iso(row.created_at),
        'updated_at': iso(row.updated_at),
    })
    return view


def summary(row: Any) -> dict[str, Any]:
    """A parent as GET /deployables/{uuid} names it."""
    return {'uuid': row.uuid, 'name': row.name, 'kind': row.kind}


def tree(rows: Iterable[Any], parent_uuid: str) -> list[dict[str, Any]]:
    """The children of ``parent_uuid`` among ``rows``, each with its own.

    ``rows`` is everything below the deployable shown (``get_tree``), so
    a board shows its regions, their PFs and those PFs' VFs.
    """
    by_parent: dict[str | None, list[Any]] = {}
    for row in rows:
        by_parent.setdefault(row.parent_uuid, []).append(row)

    def children(uuid: str) -> list[dict[str, Any]]:
        # Each row appears once in ``rows``, so this ends.
        return [dict(child(row), children=children(row.uuid))
                for row in by_parent.get(uuid, [])]

    return children(parent_uuid)


def child(row: Any) -> dict[str, Any]:
    # What each child holds is the point: a region's bitstream, a PF's
    # place on the bus.
    view = summary(row)
    view.update({'state': row.state,
                 'loaded_bitstream': row.loaded_bitstream,
                 'loaded_metadata': loaded_metadata(row),
                 'pci_offset': row.pci_offset,
                 'capability': row.capability,
                 'kpi': row.kpi})
    return view


def history(row: Any) -> dict[str, Any]:
    return {
        'bitstream': row.bitstream_uuid,
        'host': row.host,
        'user_id': row.user_id,
        'project_id': row.project_id,
        'request_id': row.request_id,
        'started_at': iso(row.started_at),
        'finished_at': iso(row.finished_at),
        'duration_ms': row.duration_ms,
        'result': row.result,
        'code': row.code,
        'error_code': row.error_code,
        'reason': row.reason,
    }


def bitstream(image: Any) -> dict[str, Any]:
    """Bitstream.to_dict() without the legacy MD5 checksum or store details."""
    data: dict[str, Any] = image.to_dict()
    data.pop('checksum', None)
    data['properties'] = {
        key: value for key, value in (data.get('properties') or {}).items()
        if not key.startswith(_HIDDEN_PROPERTY_PREFIXES)}
    return data

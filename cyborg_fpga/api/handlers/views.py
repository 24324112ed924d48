"""How database rows and bitstreams look in responses.

Views name every field, rather than dump ``to_dict()``, so a new column
never reaches users by accident and the API stays what api-ref documents.
"""

from __future__ import annotations

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
        'created_at': iso(row.created_at),
        'updated_at': iso(row.updated_at),
    })
    return view


def summary(row: Any) -> dict[str, Any]:
    """A parent as GET /deployables/{uuid} names it."""
    return {'uuid': row.uuid, 'name': row.name, 'kind': row.kind}


def child(row: Any) -> dict[str, Any]:
    # Children are usually PR regions: what each holds is the point.
    view = summary(row)
    view.update({'state': row.state,
                 'loaded_bitstream': row.loaded_bitstream})
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

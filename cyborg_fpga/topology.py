"""The PFs and VFs that a loaded bitstream's topology describes.

The bitstream metadata standard's ``topology`` property says how physical
and virtual functions hang together once the bitstream is loaded::

    {"pf_num": 2, "vf_num": 2,
     "pf": [{"name": "pf_1", "capability": "", "kpi": "", "pci_offset": "0",
             "vf": [{"name": "vf_1", "pci_offset": "1"}]},
            {"name": "pf_2", ...}]}

and the standard draws them as deployables under the loaded one: one 'pf'
child per PF, one 'vf' child per VF under its PF. ``children_of`` turns the
JSON into those rows; the database replaces the previous load's rows with
them in the transaction that records the load.

Pure functions of plain values: no database, no image service.
"""

from __future__ import annotations

from collections.abc import Mapping
import json
from typing import Any
import uuid as uuid_lib

PF = 'pf'
VF = 'vf'

# The widths of the deployables columns these values land in;
# cyborg_fpga.image.topology_rules refuses anything wider before a load.
FIELD_LENGTHS = {'name': 255, 'pci_offset': 16, 'capability': 255,
                 'kpi': 255}


def children_of(root_uuid: str, host: str,
                topology: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    """The deployable rows under ``root_uuid``, parents before children.

    ``topology`` is one that ``cyborg_fpga.image.metadata`` has validated
    (unique names, bounded fields), before the load, when refusing was
    still possible; None for a bitstream without one.

    Each row has uuid, parent_uuid, kind, name, host, pci_offset,
    capability and kpi; the database gives them the vendor, board and
    driver of the root, whose device they are functions of. UUIDs are
    derived from the root and the names, so loading the same bitstream
    again gives the same rows.
    """
    if not topology:
        return []
    namespace = uuid_lib.UUID(root_uuid)
    rows: list[dict[str, Any]] = []
    for pf in topology.get('pf', ()):
        pf_uuid = _child_uuid(namespace, PF, pf['name'])
        rows.append(_row(pf, pf_uuid, root_uuid, PF, host))
        for vf in pf.get('vf', ()):
            rows.append(_row(vf, _child_uuid(namespace, PF, pf['name'], VF,
                                             vf['name']),
                             pf_uuid, VF, host))
    return rows


def _row(function: Mapping[str, Any], uuid: str, parent_uuid: str, kind: str,
         host: str) -> dict[str, Any]:
    row = {field: function.get(field) for field in FIELD_LENGTHS}
    row.update(uuid=uuid, parent_uuid=parent_uuid, kind=kind, host=host)
    return row


def _child_uuid(namespace: uuid_lib.UUID, *path: str) -> str:
    # JSON of the path, not the names joined: a PF named "a/vf/b" must not
    # collide with VF "b" of PF "a".
    return str(uuid_lib.uuid5(namespace, json.dumps(list(path))))

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

# The widths of the deployables columns these values land in: a longer one
# would make the database refuse the whole load's record.
FIELD_LENGTHS = {'name': 255, 'pci_offset': 16, 'capability': 255,
                 'kpi': 255}


def children_of(root_uuid: str, host: str,
                topology: Mapping[str, Any] | str | None
                ) -> list[dict[str, Any]]:
    """The deployable rows under ``root_uuid``, parents before children.

    Each row has uuid, parent_uuid, kind, name, host, pci_offset,
    capability and kpi; the database gives them the vendor, board and
    driver of the root, whose device they are functions of. UUIDs are
    derived from the root and the names, so loading the same bitstream
    again gives the same rows.

    Never raises: it runs once the device already holds the bitstream,
    when refusing is too late. ``cyborg_fpga.image.topology_rules`` refuses
    a malformed topology before upload and load; what still does not fit
    here (an entry without a name, a repeated name, a value wider than its
    column) is left out, a PF together with its VFs.
    """
    namespace = _namespace(root_uuid)
    rows: list[dict[str, Any]] = []
    for pf, vfs in _functions(topology):
        pf_uuid = _child_uuid(namespace, PF, pf['name'])
        rows.append(dict(pf, uuid=pf_uuid, parent_uuid=root_uuid, kind=PF,
                         host=host))
        for vf in vfs:
            rows.append(dict(
                vf, uuid=_child_uuid(namespace, PF, pf['name'], VF,
                                     vf['name']),
                parent_uuid=pf_uuid, kind=VF, host=host))
    return rows


_Entry = dict[str, Any]


def _functions(topology: Mapping[str, Any] | str | None
               ) -> list[tuple[_Entry, list[_Entry]]]:
    """The PFs that fit, each with its VFs that fit."""
    if isinstance(topology, str):
        try:
            topology = json.loads(topology) if topology.strip() else None
        except ValueError:
            return []
    if not isinstance(topology, Mapping):
        return []
    pf_list = topology.get('pf')
    if not isinstance(pf_list, list):
        # The standard leaves other formats to vendors' drivers.
        return []
    pfs: list[tuple[_Entry, list[_Entry]]] = []
    pf_names: set[str] = set()
    for item in pf_list:
        pf = _entry(item, pf_names)
        if pf is None:
            continue
        vf_list = item.get('vf')
        vf_names: set[str] = set()
        vfs = [_entry(vf, vf_names)
               for vf in (vf_list if isinstance(vf_list, list) else [])]
        pfs.append((pf, [vf for vf in vfs if vf is not None]))
    return pfs


def _entry(item: Any, names: set[str]) -> _Entry | None:
    """A PF or VF's own fields, or None if they cannot be a row."""
    if not isinstance(item, Mapping):
        return None
    name = item.get('name')
    # A repeated name would repeat the first one's UUID.
    if not isinstance(name, str) or not name or name in names:
        return None
    entry: _Entry = {}
    for field, length in FIELD_LENGTHS.items():
        value = item.get(field)
        if isinstance(value, int) and not isinstance(value, bool):
            value = str(value)  # "pci_offset": 1 means "1"
        if value is not None and (not isinstance(value, str)
                                  or len(value) > length):
            return None
        entry[field] = value
    names.add(name)
    return entry


def _namespace(root_uuid: str) -> uuid_lib.UUID:
    try:
        return uuid_lib.UUID(root_uuid)
    except ValueError:
        # Deployable UUIDs come from drivers; one that is not a UUID still
        # needs a stable namespace.
        return uuid_lib.uuid5(uuid_lib.NAMESPACE_URL,
                              'cyborg-fpga:deployable:' + root_uuid)


def _child_uuid(namespace: uuid_lib.UUID, *path: str) -> str:
    # JSON of the path, not the names joined: a PF named "a/vf/b" must not
    # collide with VF "b" of PF "a".
    return str(uuid_lib.uuid5(namespace, json.dumps(list(path))))

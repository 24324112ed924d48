"""What the vendor drivers remember of their loads, and deployable UUIDs.

Hardware knows no Glance ids: a card tells the UUID of the xclbin or AFU it
holds, never the image it came from. So before each load a driver records,
per deployable, the Glance id beside the UUID the hardware will show once
the load has arrived, and reports the Glance id only while the hardware
shows that UUID. A failed load leaves the hardware on its old UUID, for
which the previous record still answers, so a few records are kept.

One file per deployable, ``<state_dir>/<uuid>.json``::

    {"deployable_uuid": "...",
     "loads": [{"bitstream": "<glance id>", "hardware_uuid": "<uuid>",
                "recorded_at": "<ISO 8601>"}, ...]}   # newest first
"""

from __future__ import annotations

import datetime
import json
import os
import threading
from typing import Any
import uuid

from oslo_log import log as logging

from cyborg_fpga import fileutils

LOG = logging.getLogger(__name__)

# Fixed forever: the deployable UUIDs of every host derive from it.
_NAMESPACE = uuid.UUID('ce5c38e4-8287-497e-a7a6-fc269277cbca')
# The newest load and those before it that a failed load may have left on
# the hardware; older ones can no longer be there.
_KEEP = 4


def deployable_uuid(host: str, address: str,
                    region: int | None = None) -> str:
    """The same UUID for the same board or region across agent restarts."""
    name = f'{host}/{address}'
    if region is not None:
        name += f'/region/{region}'
    return str(uuid.uuid5(_NAMESPACE, name))


class LoadRecords:
    """Reads and atomically rewrites the records of the deployables."""

    def __init__(self, state_dir: str) -> None:
        self.state_dir = state_dir
        self._lock = threading.Lock()

    def _path(self, deployable: str) -> str:
        return os.path.join(self.state_dir, deployable + '.json')

    def _loads(self, deployable: str) -> list[dict[str, Any]]:
        path = self._path(deployable)
        try:
            with open(path, encoding='utf-8') as f:
                loads = json.load(f)['loads']
            if not isinstance(loads, list):
                raise ValueError('"loads" is not a list')
            return [load for load in loads if isinstance(load, dict)]
        except FileNotFoundError:
            return []
        except (OSError, ValueError, KeyError, TypeError) as e:
            # Every write replaces the whole file, so only a hand edit gets
            # here; forgetting the Glance id is safer than failing the
            # inventory of the whole host.
            LOG.warning('Load record %s is unreadable (%s); deployable %s '
                        'is reported as holding nothing known', path, e,
                        deployable)
            return []

    def bitstream(self, deployable: str,
                  hardware_uuid: str | None) -> str | None:
        """The Glance image whose UUID the hardware shows now, if known."""
        if hardware_uuid is None:
            return None
        for load in self._loads(deployable):
            if load.get('hardware_uuid') == hardware_uuid:
                glance_id = load.get('bitstream')
                return glance_id if isinstance(glance_id, str) else None
        return None

    def remember(self, deployable: str, bitstream: str,
                 hardware_uuid: str) -> None:
        """Record a load about to start, before the tool touches the device.

        Recorded first so that a load which finishes later (a shell that
        runs after a cold reboot, an agent that died during the load) is
        still recognised when the hardware shows its UUID.
        """
        with self._lock:
            loads = [load for load in self._loads(deployable)
                     if load.get('hardware_uuid') != hardware_uuid]
            loads.insert(0, {
                'bitstream': bitstream, 'hardware_uuid': hardware_uuid,
                'recorded_at': datetime.datetime.now(
                    datetime.UTC).isoformat()})
            os.makedirs(self.state_dir, exist_ok=True)
            with fileutils.atomic_file(self._path(deployable), 'w') as f:
                json.dump({'deployable_uuid': deployable,
                           'loads': loads[:_KEEP]}, f, indent=2,
                          sort_keys=True)
                f.write('\n')

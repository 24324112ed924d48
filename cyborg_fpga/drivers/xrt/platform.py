"""What ``xbmgmt examine --report platform --format JSON`` says of a card.

The driver reads, for the device whose ``device_id`` is the card's
management function, ``platform.current_shell`` (``vbnv``, ``logic-uuid``,
``interface-uuid``) and ``platform.current_partitions`` (the same keys, for
the shell partitions a 2RP platform loads on top of its base), plus
``platform.device_properties.board_name``. Every other key is left alone,
and anything missing or malformed is an error quoting the report, never a
guess.
"""

from __future__ import annotations

from collections.abc import Mapping
import dataclasses
import json
from typing import Any

from cyborg_fpga.drivers import tools

# The report of a single card is a few kilobytes.
MAX_REPORT = 1024 * 1024


class InvalidReport(ValueError):
    """The report is not what XRT writes."""


@dataclasses.dataclass(frozen=True)
class Platform:
    vbnv: str
    board_name: str | None
    # The running shell first, then its partitions, innermost last.
    logic_uuids: tuple[str, ...]
    interface_uuids: tuple[str, ...]

    @property
    def shell_uuid(self) -> str | None:
        """The logic UUID of the flashed shell (a shell xclbin's UUID)."""
        return self.logic_uuids[0] if self.logic_uuids else None

    @property
    def user_interface(self) -> str | None:
        """The interface UUID a user xclbin must be built for."""
        return self.interface_uuids[-1] if self.interface_uuids else None


def parse(text: str, address: str) -> Platform:
    """The platform of the card at ``address`` from the report's text."""
    if len(text) > MAX_REPORT:
        raise InvalidReport(f'is {len(text)} bytes long')
    try:
        root = json.loads(text)
    except ValueError as e:
        raise InvalidReport(f'is not JSON: {e}') from e
    devices = root.get('devices') if isinstance(root, dict) else None
    if not isinstance(devices, list):
        raise InvalidReport('has no "devices" list')
    for device in devices:
        if (isinstance(device, dict) and
                str(device.get('device_id', '')).lower() == address.lower()):
            return _platform(device.get('platform'), address)
    raise InvalidReport(f'does not mention device {address}')


def _platform(platform: Any, address: str) -> Platform:
    if not isinstance(platform, dict):
        raise InvalidReport(f'has no "platform" for device {address}')
    shell = platform.get('current_shell')
    if not isinstance(shell, dict):
        raise InvalidReport(f'has no "current_shell" for device {address}')
    partitions = platform.get('current_partitions') or []
    if not isinstance(partitions, list):
        raise InvalidReport('has a "current_partitions" that is not a list')
    logic: list[str] = []
    interfaces: list[str] = []
    for layer in [shell, *partitions]:
        if not isinstance(layer, Mapping):
            raise InvalidReport('has a partition that is not an object')
        logic_uuid = _uuid(layer, 'logic-uuid')
        interface_uuid = _uuid(layer, 'interface-uuid')
        if logic_uuid is not None:
            logic.append(logic_uuid)
        if interface_uuid is not None:
            interfaces.append(interface_uuid)
    properties = platform.get('device_properties')
    board = (properties.get('board_name')
             if isinstance(properties, dict) else None)
    return Platform(
        vbnv=str(shell.get('vbnv') or ''),
        board_name=(str(board) if board and board != 'N/A' else None),
        logic_uuids=tuple(logic), interface_uuids=tuple(interfaces))


def _uuid(layer: Mapping[str, Any], key: str) -> str | None:
    value = layer.get(key)
    if value is None:
        return None
    try:
        return tools.canonical_uuid(str(value))
    except ValueError:
        raise InvalidReport(f'has {key} {value!r}, not a UUID') from None

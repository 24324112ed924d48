"""The simulated boards and PR regions, read from a JSON inventory file.

The file looks like::

    {"boards": [{"uuid": "...", "name": "u250-0", "vendor": "Xilinx",
                 "board": "U250", "address": "0000:3b:00.0",
                 "shell_id": "...",
                 "regions": [{"uuid": "...", "name": "region0",
                              "region_type_uuid": "..."}]}]}

``shell_id`` is optional: the interface UUID of the shell the board runs
before any load, as a card comes from its vendor with a shell flashed.

A mistake in it is reported with the board and key it concerns, since the
file is written by hand.
"""

from __future__ import annotations

from collections.abc import Callable
import dataclasses
import functools
import json
from typing import Any
import uuid as uuidlib

BOARD_KEYS = ('uuid', 'name', 'vendor', 'board', 'address')
REGION_KEYS = ('uuid', 'name', 'region_type_uuid')
UUID_KEYS = ('uuid', 'region_type_uuid', 'shell_id')


class InventoryError(ValueError):
    """The inventory file is missing or not what the fake driver expects."""


# Builds the error for a place in the file ("boards[1] (pac-0)") and a problem.
_Fail = Callable[[str, str], InventoryError]


@dataclasses.dataclass(frozen=True)
class Region:
    uuid: str
    name: str
    region_type_uuid: str


@dataclasses.dataclass(frozen=True)
class Board:
    uuid: str
    name: str
    vendor: str
    board: str
    address: str
    regions: tuple[Region, ...] = ()
    shell_id: str | None = None

    def region_address(self, region: Region) -> str:
        # A PR region has no PCI address of its own; name it within its board.
        return f'{self.address}/{region.name}'


def load(path: str | None) -> list[Board]:
    """The boards of the inventory file at ``path``."""
    if not path:
        raise InventoryError(
            '[fake_driver] inventory_file is not set; the fake driver needs '
            'it to know which boards to simulate')
    try:
        with open(path, encoding='utf-8') as f:
            data = json.load(f)
    except OSError as e:
        raise InventoryError(
            f'cannot read fake driver inventory {path}: {e}') from e
    except ValueError as e:
        raise InventoryError(
            f'fake driver inventory {path} is not valid JSON: {e}') from e
    return parse(data, path)


def parse(data: Any, source: str) -> list[Board]:
    """The boards of already-parsed inventory ``data`` read from ``source``."""
    fail = functools.partial(_error, source)
    if not isinstance(data, dict):
        raise fail('', 'must be a JSON object with a "boards" list')
    _check_keys(data, ('boards',), ('boards',), '', fail)
    if not isinstance(data['boards'], list):
        raise fail('', 'key "boards" must be a list')
    boards = [_parse_board(item, f'boards[{i}]', fail)
              for i, item in enumerate(data['boards'])]
    _check_unique(boards, fail)
    return boards


def _error(source: str, where: str, problem: str) -> InventoryError:
    place = f'{where}: ' if where else ''
    return InventoryError(f'fake driver inventory {source}: {place}{problem}')


def _parse_board(item: Any, where: str, fail: _Fail) -> Board:
    where = _name_place(item, where, fail)
    _check_keys(item, BOARD_KEYS, BOARD_KEYS + ('regions', 'shell_id'),
                where, fail)
    _check_strings(item, BOARD_KEYS, where, fail)
    if 'shell_id' in item:
        _check_strings(item, ('shell_id',), where, fail)
    regions = item.get('regions', [])
    if not isinstance(regions, list):
        raise fail(where, 'key "regions" must be a list')

    parsed = []
    for j, region in enumerate(regions):
        region_where = _name_place(region, f'{where} regions[{j}]', fail)
        _check_keys(region, REGION_KEYS, REGION_KEYS, region_where, fail)
        _check_strings(region, REGION_KEYS, region_where, fail)
        parsed.append(Region(**{k: region[k] for k in REGION_KEYS}))

    names = [r.name for r in parsed]
    for name in names:
        if names.count(name) > 1:
            raise fail(where, f'two regions are named {name!r}; region '
                              'names make their addresses, so they must '
                              'differ')
    return Board(regions=tuple(parsed), shell_id=item.get('shell_id'),
                 **{k: item[k] for k in BOARD_KEYS})


def _name_place(item: Any, where: str, fail: _Fail) -> str:
    """``where`` with the item's name, which is what the reader looks for."""
    if not isinstance(item, dict):
        raise fail(where, 'must be a JSON object')
    if isinstance(item.get('name'), str):
        where += f' ({item["name"]})'
    return where


def _check_keys(item: dict[str, Any], required: tuple[str, ...],
                allowed: tuple[str, ...], where: str, fail: _Fail) -> None:
    for key in required:
        if key not in item:
            raise fail(where, f'key "{key}" is missing')
    unknown = sorted(set(item) - set(allowed))
    if unknown:
        # Most often a typo, which would otherwise be silently ignored.
        raise fail(where, f'unknown key(s) {", ".join(unknown)}; allowed: '
                          f'{", ".join(allowed)}')


def _check_strings(item: dict[str, Any], keys: tuple[str, ...], where: str,
                   fail: _Fail) -> None:
    for key in keys:
        value = item[key]
        if not isinstance(value, str) or not value:
            raise fail(where, f'key "{key}" must be a non-empty string, '
                              f'got {value!r}')
        if key in UUID_KEYS and not _is_canonical_uuid(value):
            raise fail(where, f'key "{key}" must be a lower-case UUID with '
                              f'hyphens, got {value!r}')


def _is_canonical_uuid(value: str) -> bool:
    # The API compares deployable UUIDs as strings, so only one spelling.
    try:
        return str(uuidlib.UUID(value)) == value
    except ValueError:
        return False


def _check_unique(boards: list[Board], fail: _Fail) -> None:
    owners: dict[str, str] = {}
    addresses: dict[str, str] = {}
    for board in boards:
        if board.address in addresses:
            raise fail('', f'boards {addresses[board.address]} and '
                           f'{board.name} have the same address '
                           f'{board.address}')
        addresses[board.address] = board.name
        named = [(board.uuid, f'board {board.name}')]
        named += [(r.uuid, f'region {r.name} of board {board.name}')
                  for r in board.regions]
        for uuid, owner in named:
            if uuid in owners:
                raise fail('', f'uuid {uuid} is used by both '
                               f'{owners[uuid]} and {owner}')
            owners[uuid] = owner

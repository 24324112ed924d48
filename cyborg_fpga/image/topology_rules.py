"""The rules of a bitstream's ``topology`` property, checked before upload.

The specification gives one shape, which our drivers read to report the
deployables a loaded bitstream provides::

    {"pf_num": 2, "vf_num": 2,
     "pf": [{"name": "pf_1", "capability": "", "kpi": "", "pci_offset": "0",
             "vf": [{"name": "vf_1", "pci_offset": "1"}]}, ...]}

``pf_num`` and ``vf_num`` are the numbers of PFs and of VFs in all; every
name (PF or VF) is unique in the topology, because each becomes a
deployable; ``pci_offset`` is a non-negative integer written as a string.
Members beyond these are allowed: the specification leaves the rest to
vendors. Whatever passes here also fits the deployables rows that
``cyborg_fpga/topology.py`` makes of it after a load (same field widths).

It arrives as JSON text (as Glance stores it) or as a mapping (from a
metadata file) and is bounded before it is walked: at most 65535 bytes of
JSON (Glance keeps a property in a TEXT column, which holds no more on
MySQL), 8 levels of nesting (the reference shape has 5), 64 PFs and 256
VFs in all.
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
import json
import re
from typing import Any

# The example of the bitstream metadata specification: two PFs with one VF
# each. The all-in-one's sample bitstream carries it; tests check that it
# becomes exactly the specification's drawing.
EXAMPLE = {
    'pf_num': 2, 'vf_num': 2,
    'pf': [{'name': 'pf_1', 'capability': '', 'kpi': '', 'pci_offset': '0',
            'vf': [{'name': 'vf_1', 'pci_offset': '1'}]},
           {'name': 'pf_2', 'capability': '', 'kpi': '', 'pci_offset': '2',
            'vf': [{'name': 'vf_2', 'pci_offset': '3'}]}]}

MAX_BYTES = 65535
MAX_DEPTH = 8
MAX_PFS = 64
MAX_VFS = 256
MAX_LENGTH = 255
# The width of the deployables.pci_offset column.
MAX_OFFSET_LENGTH = 16

# fullmatch: '$' would also accept a trailing newline.
_OFFSET_RE = re.compile(r'[0-9]+')


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + '...'


def dump(topology: Any) -> str:
    # Compact and key-sorted: the same topology is always the same text.
    # NaN and Infinity are not JSON; other parsers would reject the text.
    return json.dumps(topology, separators=(',', ':'), sort_keys=True,
                      allow_nan=False)


def _no_constants(name: str) -> Any:
    raise ValueError('%s is not JSON' % name)


def _no_duplicate_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads keeps the last of two equal members silently.
    seen: dict[str, Any] = {}
    for name, value in pairs:
        if name in seen:
            raise ValueError('the member %r appears twice in one object'
                             % name)
        seen[name] = value
    return seen


def _depth(data: Any) -> int:
    # Iterative: a deeply nested value must not exhaust Python's stack.
    deepest = 0
    stack = [(data, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, Mapping):
            children: Iterable[Any] = item.values()
        elif isinstance(item, list | tuple):
            children = item
        else:
            continue
        deepest = max(deepest, depth)
        if deepest > MAX_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


def load(value: Any) -> tuple[dict[str, Any] | None, list[str]]:
    """The parsed topology (None when null) and every problem found in it.

    The topology is returned only when there is no problem, as plain dicts
    and lists whatever mapping it came as.
    """
    if value is None or value == '':
        return None, []
    too_deep = 'nests deeper than the limit of %d levels' % MAX_DEPTH
    if isinstance(value, str):
        size = len(value.encode('utf-8'))
        if size > MAX_BYTES:
            return None, ['is %d bytes of JSON; the limit is %d bytes'
                          % (size, MAX_BYTES)]
        try:
            data = json.loads(value, object_pairs_hook=_no_duplicate_members,
                              parse_constant=_no_constants)
        except RecursionError:
            return None, [too_deep]
        except ValueError as e:
            return None, ['is not valid JSON: %s' % e]
    elif isinstance(value, Mapping):
        data = value
    else:
        return None, ['must be JSON text or an object, not %s'
                      % type(value).__name__]
    if not isinstance(data, Mapping):
        return None, ['must be a JSON object, not %s' % type(data).__name__]
    if _depth(data) > MAX_DEPTH:
        return None, [too_deep]
    if not isinstance(value, str):
        try:
            size = len(dump(data).encode('utf-8'))
        except (TypeError, ValueError) as e:
            return None, ['cannot be written as JSON: %s' % e]
        if size > MAX_BYTES:
            return None, ['is %d bytes of JSON; the limit is %d bytes'
                          % (size, MAX_BYTES)]
    problems = _shape_problems(data)
    return (None if problems else json.loads(dump(data))), problems


def _is_count(value: Any) -> bool:
    # bool is an int in Python, never in a topology.
    return (isinstance(value, int) and not isinstance(value, bool)
            and value >= 0)


def _function_problems(function: Mapping[str, Any], path: str,
                       fields: tuple[str, ...], names: dict[str, str]
                       ) -> list[str]:
    """Problems of one PF or VF; ``names`` maps each name to where it is."""
    found = []
    for field in fields:
        if field not in function:
            found.append('%s has no %r' % (path, field))
            continue
        value = function[field]
        where = '%s.%s' % (path, field)
        limit = MAX_OFFSET_LENGTH if field == 'pci_offset' else MAX_LENGTH
        if not isinstance(value, str):
            found.append('%s must be a string, not %s'
                         % (where, type(value).__name__))
        elif len(value) > limit:
            found.append('%s is %d characters long; the limit is %d'
                         % (where, len(value), limit))
        elif field == 'name':
            # Each name becomes a deployable of its own, found by name.
            if not value:
                found.append('%s may not be empty' % where)
            elif value in names:
                found.append('%s %r is also the name of %s'
                             % (where, value, names[value]))
            else:
                names[value] = path
        elif field == 'pci_offset' and not _OFFSET_RE.fullmatch(value):
            found.append('%s must be a non-negative integer written as a '
                         'string, such as "0", got %s'
                         % (where, _shown(value)))
    return found


def _shape_problems(data: Mapping[str, Any]) -> list[str]:
    """How ``data`` differs from the specification's reference topology."""
    found = []
    for count in ('pf_num', 'vf_num'):
        if count not in data:
            found.append('has no %r' % count)
        elif not _is_count(data[count]):
            found.append('%s must be a non-negative integer, got %s'
                         % (count, _shown(data[count])))
    if 'pf' not in data:
        return found + ["has no 'pf' list"]
    pfs = data['pf']
    if not isinstance(pfs, list):
        return found + ['pf must be a list, not %s' % type(pfs).__name__]
    if len(pfs) > MAX_PFS:
        return found + ['has %d PFs; the limit is %d' % (len(pfs), MAX_PFS)]
    vf_total = sum(len(pf['vf']) for pf in pfs
                   if isinstance(pf, Mapping)
                   and isinstance(pf.get('vf'), list))
    if vf_total > MAX_VFS:
        return found + ['has %d VFs; the limit is %d in all'
                        % (vf_total, MAX_VFS)]
    if _is_count(data.get('pf_num')) and data['pf_num'] != len(pfs):
        found.append('pf_num is %d but pf lists %d PFs'
                     % (data['pf_num'], len(pfs)))
    if _is_count(data.get('vf_num')) and data['vf_num'] != vf_total:
        found.append('vf_num is %d but the PFs list %d VFs'
                     % (data['vf_num'], vf_total))
    names: dict[str, str] = {}
    for i, pf in enumerate(pfs):
        path = 'pf[%d]' % i
        if not isinstance(pf, Mapping):
            found.append('%s must be an object' % path)
            continue
        found.extend(_function_problems(
            pf, path, ('name', 'capability', 'kpi', 'pci_offset'), names))
        if 'vf' not in pf:
            found.append('%s has no \'vf\' list (write [] for none)' % path)
            continue
        if not isinstance(pf['vf'], list):
            found.append('%s.vf must be a list' % path)
            continue
        for j, vf in enumerate(pf['vf']):
            vf_path = '%s.vf[%d]' % (path, j)
            if not isinstance(vf, Mapping):
                found.append('%s must be an object' % vf_path)
                continue
            found.extend(_function_problems(vf, vf_path,
                                            ('name', 'pci_offset'), names))
    return found

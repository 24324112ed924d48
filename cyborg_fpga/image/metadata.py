"""The bitstream metadata standard, as code.

The specification (``FPGA Bitstream metadata``, Rocky) stores a
bitstream's metadata as Glance image properties. Its table has fourteen
keys, in this order: ``bs-name``, ``bs-uuid``, ``vendor``, ``board``,
``shell_id``, ``version``, ``driver``, ``driver_ver``, ``driver_path``,
``topology``, ``description``, ``region_uuid``, ``function_uuid`` and
``function_name``. The standard's fifteenth rule is not a key: every
bitstream is tagged ``FPGA`` in Glance. A tag is not a property, so
``KEYS`` has fourteen entries and the tag is checked apart, when
``validate()`` is given the image's tags.

Null in Glance: Glance stores every property as a string and has no JSON
null, so a nullable key is null when it is absent or the empty string. A
key that is not nullable must be present and not empty. A metadata file may
also write null as JSON ``null``; ``to_properties()`` drops null keys.

Where this service departs from the specification's table, and why:

* ``topology`` is nullable although the table says otherwise: the
  specification's own note under ``[topology]`` says it "is not mandatory
  to fill in, as long as vendor driver can figure out what resources to
  report". When given, it must have the reference shape, because our
  drivers read it.
* ``driver_path`` is required only when ``driver`` is set. The table makes
  it mandatory, but a bitstream without a driver package has nothing to
  point at, and the rest of the system fetches a driver package only when
  ``driver`` is set. Without ``driver`` it is accepted and ignored.

Formats: ``bs-uuid``, ``shell_id``, ``region_uuid`` and ``function_uuid``
are UUIDs; ``topology`` is JSON of the specification's reference shape
(``topology_rules.py`` has its rules and bounds); every other key is text.
Text is at most 255 characters (the ``vendor`` and ``board`` columns of
the deployables it is matched with are that long), except ``description``
and ``driver_path`` (a paragraph, a URL: 1024).
"""

from __future__ import annotations

from collections.abc import Iterable
from collections.abc import Mapping
import dataclasses
import re
from typing import Any

from cyborg_fpga import exception
from cyborg_fpga.image import base
from cyborg_fpga.image import topology_rules

FPGA_TAG = base.FPGA_TAG
MAX_LENGTH = 255
MAX_LONG_LENGTH = 1024

TEXT = 'text'
UUID = 'uuid'
TOPOLOGY = 'topology'


@dataclasses.dataclass(frozen=True)
class Key:
    name: str
    nullable: bool
    kind: str = TEXT
    max_length: int = MAX_LENGTH
    # Set: this key may be null only while the named key is null too.
    required_with: str | None = None

    @property
    def attr(self) -> str:
        return self.name.replace('-', '_')


KEYS: tuple[Key, ...] = (
    Key('bs-name', nullable=False),
    Key('bs-uuid', nullable=False, kind=UUID),
    Key('vendor', nullable=False),
    Key('board', nullable=False),
    Key('shell_id', nullable=True, kind=UUID),
    Key('version', nullable=False),
    Key('driver', nullable=True),
    Key('driver_ver', nullable=False),
    Key('driver_path', nullable=True, max_length=MAX_LONG_LENGTH,
        required_with='driver'),
    Key('topology', nullable=True, kind=TOPOLOGY,
        max_length=topology_rules.MAX_BYTES),
    Key('description', nullable=True, max_length=MAX_LONG_LENGTH),
    Key('region_uuid', nullable=True, kind=UUID),
    Key('function_uuid', nullable=False, kind=UUID),
    Key('function_name', nullable=True),
)
KEY_NAMES: tuple[str, ...] = tuple(key.name for key in KEYS)
# What `cyborg-fpga-manage bitstream list` filters on; Glance applies each
# as a query parameter. ``name`` is the Glance image name.
FILTER_KEYS: tuple[str, ...] = ('vendor', 'board', 'function_uuid',
                                'region_uuid', 'shell_id', 'name')

# The canonical form only: shell_id is compared as text with the UUID that
# a board reports, so '{...}' or undashed forms would never match.
_UUID_RE = re.compile(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-'
                      r'[0-9a-f]{12}', re.IGNORECASE)
_CONTROL_RE = re.compile(r'[\x00-\x1f\x7f]')
# A typo such as 'bs_name' or 'Shell-ID' would otherwise pass as some
# other property and leave the real key null.
_NORMALISED = {name.lower().replace('-', '_'): name for name in KEY_NAMES}


@dataclasses.dataclass(frozen=True)
class Problem:
    key: str
    message: str

    def __str__(self) -> str:
        return '%s: %s' % (self.key, self.message)


@dataclasses.dataclass(frozen=True)
class Metadata:
    bs_name: str
    bs_uuid: str
    vendor: str
    board: str
    shell_id: str | None
    version: str
    driver: str | None
    driver_ver: str
    driver_path: str | None
    # The parsed JSON; a dict cannot be hashed, so it is left out of hash().
    topology: dict[str, Any] | None = dataclasses.field(hash=False)
    description: str | None
    region_uuid: str | None
    function_uuid: str
    function_name: str | None

    @property
    def is_shell(self) -> bool:
        # The specification: a null shell_id means a shell bitstream.
        return self.shell_id is None


def _is_null(value: Any) -> bool:
    return value is None or value == ''


def _shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + '...'


def _text_problems(value: Any, max_length: int, free_text: bool = False
                   ) -> list[str]:
    if not isinstance(value, str):
        return ['must be a string, not %s: Glance stores properties as '
                'strings' % type(value).__name__]
    found = []
    if len(value) > max_length:
        found.append('is %d characters long; the limit is %d'
                     % (len(value), max_length))
    if not free_text:
        # Glance filters match exactly: 'Xilinx ' would never be found.
        if value != value.strip():
            found.append('has leading or trailing whitespace')
        if _CONTROL_RE.search(value):
            found.append('contains control characters')
    return found


def _key_problems(key: Key, properties: Mapping[str, Any]) -> list[str]:
    value = properties.get(key.name)
    if _is_null(value):
        if key.required_with and not _is_null(
                properties.get(key.required_with)):
            return ['is required when %s is set' % key.required_with]
        if not key.nullable:
            return ['is required and may not be empty']
        return []
    if key.kind == TOPOLOGY:
        return topology_rules.load(value)[1]
    found = _text_problems(value, key.max_length,
                           free_text=key.name == 'description')
    if (not found and key.kind == UUID and isinstance(value, str)
            and not _UUID_RE.fullmatch(value)):
        found.append('must be a UUID (8-4-4-4-12 hexadecimal digits), got %s'
                     % _shown(value))
    return found


def _other_problems(key: str, value: Any) -> list[str]:
    found = []
    near = _NORMALISED.get(key.lower().replace('-', '_'))
    if near is not None:
        found.append('is not a key of the standard; did you mean %r?' % near)
    if not isinstance(value, str | None):
        found.append('must be a string, not %s: Glance stores properties as '
                     'strings' % type(value).__name__)
    return found


def validate(properties: Mapping[str, Any],
             tags: Iterable[str] | None = None) -> list[Problem]:
    """Every way ``properties`` (and ``tags``, if given) miss the standard.

    An empty list means the metadata meets it. Properties that are not keys
    of the standard are allowed (Glance images carry others), as long as
    they are strings and not a misspelt key of the standard.
    """
    problems: list[Problem] = []
    for key in KEYS:
        problems.extend(Problem(key.name, message)
                        for message in _key_problems(key, properties))
    for name in sorted(set(properties) - set(KEY_NAMES)):
        problems.extend(Problem(name, message)
                        for message in _other_problems(name,
                                                       properties[name]))
    if tags is not None and FPGA_TAG not in set(tags):
        problems.append(Problem('tags', 'the %s tag is missing; every '
                                'bitstream is tagged %s in Glance'
                                % (FPGA_TAG, FPGA_TAG)))
    return problems


def _raise(problems: Iterable[Problem | str]) -> None:
    raise exception.InvalidMetadata(
        problems='; '.join(str(p) for p in problems))


def check(properties: Mapping[str, Any],
          tags: Iterable[str] | None = None) -> Metadata:
    """The metadata of ``properties``; InvalidMetadata naming every fault."""
    problems = validate(properties, tags)
    if problems:
        _raise(problems)
    values: dict[str, Any] = {}
    for key in KEYS:
        value = properties.get(key.name)
        values[key.attr] = None if _is_null(value) else value
    values['topology'] = topology_rules.load(properties.get('topology'))[0]
    return Metadata(**values)


def parse_topology(value: str | Mapping[str, Any] | None
                   ) -> dict[str, Any] | None:
    """The topology as a dict (None when null), from JSON text or a mapping.

    Raises InvalidMetadata naming every fault of its shape.
    """
    topology, problems = topology_rules.load(value)
    if problems:
        _raise(Problem('topology', message) for message in problems)
    return topology


def to_properties(metadata: Mapping[str, Any]) -> dict[str, str]:
    """What goes to Glance: null keys dropped, the topology as compact JSON.

    Raises InvalidMetadata if ``metadata`` does not meet the standard, so
    nothing invalid is ever stored.
    """
    check(metadata)
    properties = {}
    for name, value in metadata.items():
        if _is_null(value):
            continue
        if name == 'topology':
            value = topology_rules.dump(parse_topology(value))
        properties[name] = value
    return properties

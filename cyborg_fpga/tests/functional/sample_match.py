"""Compare an answer of the API with its sample in the API reference.

The sample and the answer must have the same keys at every level, lists of
the same length whose items match pairwise, and the same JSON types. Values
that differ from one deployment to the next (UUIDs, times, hosts, project
and user ids, sizes, hashes, request ids, links) are compared by form, and
the sample's own value must have that form too, so the reference never
shows a shortened UUID; every other value is compared exactly, with any
UUID inside a string (a message naming a deployable) masked on both sides.
"""

from __future__ import annotations

from collections.abc import Callable
import datetime
import re
from typing import Any
import urllib.parse

UUID_RE = re.compile(
    r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}')
_HEX_RE = re.compile(r'[0-9a-f]+')
_REQUEST_ID_RE = re.compile('req-' + UUID_RE.pattern)

# (the sample's value, the API's value) -> whether both have the form.
Form = Callable[[Any, Any], bool]


def _each(check: Callable[[Any], bool]) -> Form:
    return lambda sample, actual: check(sample) and check(actual)


def is_uuid(value: Any) -> bool:
    return isinstance(value, str) and bool(UUID_RE.fullmatch(value))


def is_time(value: Any) -> bool:
    """ISO 8601 with a UTC offset, as the API writes every time."""
    if not isinstance(value, str) or 'T' not in value:
        return False
    try:
        parsed = datetime.datetime.fromisoformat(value)
    except ValueError:
        return False
    return parsed.tzinfo is not None


def is_text(value: Any) -> bool:
    return isinstance(value, str) and bool(value)


def is_count(value: Any) -> bool:
    # bool is an int to Python, never to JSON.
    return (isinstance(value, int) and not isinstance(value, bool)
            and value >= 0)


def is_hex(value: Any) -> bool:
    return isinstance(value, str) and bool(_HEX_RE.fullmatch(value))


def is_request_id(value: Any) -> bool:
    return isinstance(value, str) and bool(_REQUEST_ID_RE.fullmatch(value))


def is_link(value: Any) -> bool:
    if not isinstance(value, str):
        return False
    parts = urllib.parse.urlsplit(value)
    return parts.scheme in ('http', 'https') and bool(parts.netloc)


def same_page_link(sample: Any, actual: Any) -> bool:
    """A ``next`` link: same resource and query, another deployment's URL.

    The reference shows the API behind a path prefix, a deployment serves it
    at the root; the query (filters, limit, marker) must agree.
    """
    if not (is_link(sample) and is_link(actual)):
        return False
    ours = urllib.parse.urlsplit(sample)
    theirs = urllib.parse.urlsplit(actual)
    return (ours.path.rsplit('/', 1)[-1] == theirs.path.rsplit('/', 1)[-1]
            and _masked_query(ours.query) == _masked_query(theirs.query))


def _masked_query(query: str) -> list[tuple[str, str]]:
    return sorted((key, mask(value)) for key, value
                  in urllib.parse.parse_qsl(query, keep_blank_values=True))


def mask(text: str) -> str:
    return UUID_RE.sub('<uuid>', text)


# By key; ``parent.key`` takes precedence over ``key`` where one name means
# two things (a deployable's driver is the agent's, its loaded metadata's
# driver is the bitstream's).
FORMS: dict[str, Form] = {
    **{key: _each(is_uuid) for key in (
        'uuid', 'parent_uuid', 'loaded_bitstream', 'bitstream',
        'region_type_uuid', 'bs_uuid', 'function_uuid',
        # The metadata standard's UUIDs among a bitstream's properties.
        'bs-uuid', 'shell_id', 'region_uuid')},
    **{key: _each(is_time) for key in (
        'created_at', 'updated_at', 'loaded_at', 'at', 'started_at',
        'finished_at')},
    **{key: _each(is_text) for key in (
        'host', 'name', 'address', 'driver', 'project_id', 'user_id',
        'owner')},
    'loaded_metadata.driver': lambda sample, actual: sample == actual,
    'request_id': _each(is_request_id),
    'size': _each(is_count),
    'duration_ms': _each(is_count),
    'os_hash_value': _each(is_hex),
    'href': _each(is_link),
    'next': same_page_link,
}


def _type(value: Any) -> str:
    if value is None:
        return 'null'
    if isinstance(value, bool):
        return 'boolean'
    if isinstance(value, int | float):
        return 'number'
    if isinstance(value, str):
        return 'string'
    if isinstance(value, list):
        return 'array'
    if isinstance(value, dict):
        return 'object'
    return type(value).__name__


def _form(path: list[str]) -> Form | None:
    keys = [part for part in path if not part.startswith('[')]
    if len(keys) >= 2 and '.'.join(keys[-2:]) in FORMS:
        return FORMS['.'.join(keys[-2:])]
    return FORMS.get(keys[-1]) if keys else None


def _where(path: list[str]) -> str:
    return ''.join(part if part.startswith('[') else '.' + part
                   for part in path).lstrip('.') or '(the body)'


def mismatches(sample: Any, actual: Any,
               path: list[str] | None = None) -> list[str]:
    """Where ``actual`` breaks ``sample``, one line each; [] when it fits."""
    path = path or []
    where = _where(path)
    if _type(sample) != _type(actual):
        return ['%s: the sample has %s %r, the API %s %r'
                % (where, _type(sample), sample, _type(actual), actual)]
    if isinstance(sample, dict):
        found = []
        if set(sample) != set(actual):
            found.append('%s: keys only in the sample %s, only in the API %s'
                         % (where, sorted(set(sample) - set(actual)),
                            sorted(set(actual) - set(sample))))
        for key in sorted(set(sample) & set(actual)):
            found += mismatches(sample[key], actual[key], path + [key])
        return found
    if isinstance(sample, list):
        if len(sample) != len(actual):
            return ['%s: the sample lists %d items, the API %d'
                    % (where, len(sample), len(actual))]
        found = []
        for i, (ours, theirs) in enumerate(zip(sample, actual, strict=True)):
            found += mismatches(ours, theirs, path + ['[%d]' % i])
        return found
    form = _form(path)
    if sample is None:
        return []
    if form is not None:
        if form(sample, actual):
            return []
        return ['%s: %r (sample) and %r (API) are not both of the form '
                'the reference promises' % (where, sample, actual)]
    if isinstance(sample, str):
        if mask(sample) == mask(actual):
            return []
    elif sample == actual:
        return []
    return ['%s: the sample has %r, the API %r' % (where, sample, actual)]

"""The one way a request's input is checked: JSON Schema.

Bodies (JSON or a urlencoded form) and query strings are first turned into
a dict of strings or JSON values, then validated against the resource's
schema in ``cyborg_fpga/api/schemas/``. A UUID that is not one becomes
``fpga.invalid_uuid`` naming the field; anything else ``fpga.invalid_request``.
"""

from __future__ import annotations

import json
import re
from typing import Any

import jsonschema
import webob

from cyborg_fpga.api import errors
from cyborg_fpga import exception

JSON_TYPE = 'application/json'
FORM_TYPE = 'application/x-www-form-urlencoded'

# Canonical 8-4-4-4-12 form only, as Glance and our database write them;
# uuid.UUID() would also take braces, URNs and no hyphens.
_UUID_RE = re.compile(r'[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}')

_FORMATS = jsonschema.FormatChecker(formats=())


@_FORMATS.checks('uuid')
def _is_uuid(value: object) -> bool:
    return not isinstance(value, str) or bool(_UUID_RE.fullmatch(value))


def check_uuid(name: str, value: str) -> str:
    """``value`` in lower case; InvalidUUID naming ``name`` if not a UUID."""
    if not _UUID_RE.fullmatch(value):
        raise exception.InvalidUUID(name=name, value=value)
    return value.lower()


def validate(schema: dict[str, Any], data: dict[str, Any]) -> None:
    validator = jsonschema.Draft202012Validator(schema,
                                                format_checker=_FORMATS)
    error = jsonschema.exceptions.best_match(validator.iter_errors(data))
    if error is None:
        return
    field = '.'.join(str(part) for part in error.absolute_path)
    if error.validator == 'format' and error.validator_value == 'uuid':
        raise exception.InvalidUUID(name=field, value=error.instance)
    # A schema may say in words what a field must be, for errors such as
    # 'pattern' whose own message only shows a regular expression.
    described = (error.schema.get('description')
                 if isinstance(error.schema, dict) else None)
    if field and described:
        reason = f'{field} must be {described}, got {error.instance!r}'
    elif field:
        reason = f'{field}: {error.message}'
    else:
        reason = error.message
    raise exception.InvalidRequest(reason=reason)


def _single_values(pairs: webob.multidict.MultiDict,
                   where: str) -> dict[str, str]:
    values: dict[str, str] = {}
    for key, value in pairs.items():
        if key in values:
            raise exception.InvalidRequest(
                reason=f'{where} {key} is given more than once')
        values[key] = value
    return values


def body(request: webob.Request, schema: dict[str, Any],
         form_schema: dict[str, Any] | None = None) -> dict[str, Any]:
    """The validated body, sent as JSON or as a urlencoded form.

    ``form_schema``, if given, checks a form instead of ``schema``: a form
    has only strings, where JSON has booleans.
    """
    if not request.content_type and not request.body:
        # Nothing sent at all: say which field is missing, not which media
        # types exist.
        data: dict[str, Any] = {}
    elif request.content_type == JSON_TYPE:
        try:
            data = json.loads(request.body)
        except ValueError as exc:
            raise exception.InvalidRequest(
                reason=f'the body is not valid JSON: {exc}') from None
        if not isinstance(data, dict):
            raise exception.InvalidRequest(
                reason='the body must be a JSON object')
    elif request.content_type == FORM_TYPE:
        data = _single_values(request.POST, 'form field')
        schema = form_schema or schema
    else:
        raise errors.UnsupportedMediaType(
            content_type=request.content_type)
    validate(schema, data)
    return data


def query(request: webob.Request, schema: dict[str, Any]) -> dict[str, str]:
    """The validated query string, as a dict of strings."""
    params = _single_values(request.GET, 'query parameter')
    validate(schema, params)
    return params


def limit(params: dict[str, str], default: int, maximum: int) -> int:
    """The page size asked for, never above ``maximum``."""
    # Clamped rather than refused, as other OpenStack APIs do.
    return min(int(params.get('limit', default)), maximum)

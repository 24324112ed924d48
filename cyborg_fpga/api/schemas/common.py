"""Pieces shared by the schemas of every resource."""

from typing import Any

UUID = {'type': 'string', 'format': 'uuid'}

LIMIT = {'type': 'string', 'pattern': '^[1-9][0-9]{0,8}$',
         'description': 'a positive integer'}

# A filter on a name, host, vendor or board: a non-empty string.
NAME = {'type': 'string', 'minLength': 1, 'maxLength': 255}


def query(**properties: dict[str, Any]) -> dict[str, Any]:
    """A query string with exactly these parameters, none required."""
    return {'type': 'object', 'properties': properties,
            'additionalProperties': False}


# For resources that take no query parameters: a stray one is a typo.
NO_QUERY = query()

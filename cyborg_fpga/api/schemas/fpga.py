"""Input of /fpga/{deployable_uuid}."""

from cyborg_fpga.api.schemas import common

# The specification's only field; anything else (``force`` too) is refused
# so that a typo never goes unnoticed.
PROGRAM = {
    'type': 'object',
    'properties': {'glance_bitstream_uuid': common.UUID},
    'required': ['glance_bitstream_uuid'],
    'additionalProperties': False,
}

SHOW_QUERY = common.NO_QUERY

HISTORY_QUERY = common.query(limit=common.LIMIT)

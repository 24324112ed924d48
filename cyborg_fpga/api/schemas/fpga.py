"""Input of /fpga/{deployable_uuid}."""

from cyborg_fpga.api.schemas import common

# The specification's field and our ``force``; anything else is refused so
# that a typo never goes unnoticed.
PROGRAM = {
    'type': 'object',
    'properties': {
        'glance_bitstream_uuid': common.UUID,
        'force': {'type': 'boolean', 'description': 'true or false'},
    },
    'required': ['glance_bitstream_uuid'],
    'additionalProperties': False,
}

# A form has only strings.
FORM_TRUE = ('true', '1')
PROGRAM_FORM = dict(PROGRAM, properties={
    'glance_bitstream_uuid': common.UUID,
    'force': {'type': 'string', 'enum': ['true', 'false', '1', '0'],
              'description': 'true, false, 1 or 0'},
})

SHOW_QUERY = common.NO_QUERY

HISTORY_QUERY = common.query(limit=common.LIMIT)

COMPATIBLE_QUERY = common.query(limit=common.LIMIT)

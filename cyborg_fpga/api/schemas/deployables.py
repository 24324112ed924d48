"""Input of /deployables."""

from cyborg_fpga.api.schemas import common
from cyborg_fpga import compatibility
from cyborg_fpga import topology

# Every kind there is, so that a misspelt one is an error, not an empty
# list.
KIND = {'type': 'string',
        'enum': [compatibility.BOARD, compatibility.REGION, topology.PF,
                 topology.VF],
        'description': 'one of board, region, pf or vf'}

# Keystone's project ids are 32 hex digits, but the column takes any id up
# to 255 characters; what Keystone would refuse is still not a project.
PROJECT_ID = {'type': 'string', 'pattern': r'^\S{1,255}$',
              'description': 'a project id: 1 to 255 characters, no spaces'}

FILTERS = ('host', 'kind', 'vendor', 'board', 'state', 'parent_uuid',
           'project_id', 'name', 'loaded_bitstream', 'function_uuid',
           'function_name')

# The function filters are text, as bitstreams spell their UUIDs.
LIST_QUERY = common.query(
    host=common.NAME, kind=KIND, vendor=common.NAME,
    board=common.NAME, state=common.NAME, parent_uuid=common.UUID,
    project_id=PROJECT_ID, name=common.NAME, loaded_bitstream=common.UUID,
    function_uuid=common.NAME, function_name=common.NAME,
    limit=common.LIMIT, marker=common.UUID)

SHOW_QUERY = common.NO_QUERY

# PATCH /deployables/{uuid}: the operator's fields, nothing of the
# hardware's. At least one field; a reason only when going into maintenance.
UPDATE = {
    'type': 'object',
    'properties': {
        'project_id': {'anyOf': [PROJECT_ID, {'type': 'null'}],
                       'description': 'a project id or null'},
        'maintenance': {'type': 'boolean', 'description': 'true or false'},
        'maintenance_reason': {'type': ['string', 'null'],
                               'maxLength': 1024,
                               'description': 'a text of at most 1024 '
                                              'characters, or null'},
    },
    'additionalProperties': False,
    'minProperties': 1,
    'dependentSchemas': {
        'maintenance_reason': {
            'properties': {'maintenance': {
                'const': True,
                'description': 'true when maintenance_reason is given'}},
            'required': ['maintenance'],
        },
    },
}

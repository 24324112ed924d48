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

FILTERS = ('host', 'kind', 'vendor', 'board', 'state', 'parent_uuid')

LIST_QUERY = common.query(
    host=common.NAME, kind=KIND, vendor=common.NAME,
    board=common.NAME, state=common.NAME, parent_uuid=common.UUID,
    limit=common.LIMIT, marker=common.UUID)

SHOW_QUERY = common.NO_QUERY

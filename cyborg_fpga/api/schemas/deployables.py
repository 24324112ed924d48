"""Input of /deployables."""

from cyborg_fpga.api.schemas import common

FILTERS = ('host', 'kind', 'vendor', 'board', 'state', 'parent_uuid')

LIST_QUERY = common.query(
    host=common.NAME, kind=common.NAME, vendor=common.NAME,
    board=common.NAME, state=common.NAME, parent_uuid=common.UUID,
    limit=common.LIMIT, marker=common.UUID)

SHOW_QUERY = common.NO_QUERY

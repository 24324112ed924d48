"""Input of /bitstreams."""

from cyborg_fpga.api.schemas import common

FILTERS = ('vendor', 'board', 'name')

LIST_QUERY = common.query(vendor=common.NAME, board=common.NAME,
                          name=common.NAME, limit=common.LIMIT)

"""Input of /bitstreams."""

from cyborg_fpga.api.schemas import common

# Passed to the image service, which filters on its side. The UUIDs are
# text: the standard's UUIDs come from synthesis tools, in their spelling.
FILTERS = ('vendor', 'board', 'name', 'function_uuid', 'region_uuid',
           'shell_id')

LIST_QUERY = common.query(limit=common.LIMIT,
                          **dict.fromkeys(FILTERS, common.NAME))

SHOW_QUERY = common.NO_QUERY

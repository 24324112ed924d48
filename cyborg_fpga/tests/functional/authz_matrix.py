"""Who may do what to whose FPGA: the authorization matrix, as data.

``ROWS`` is every (method, path template, persona, case, expected status)
that ``test_authz.AuthzMatrixTests`` checks against a real deployment, with
noauth tokens or Keystone's. The tables below are how it is written: one
per kind of route, a status per persona for each case.

Personas are those of the default policy (doc/source/authorization.rst):
an admin (of project ``own``), a member and a reader of project ``own``,
and a service user (project ``service``); ``anonymous`` sends no token and
``invalid`` one that is not a token.

Cases say whose the deployable is, and for loads whose the bitstream is:
``own`` is the personas' project, ``other`` another tenant. Every bitstream
fits the deployable it is loaded on, so that only authorization decides.
"""

from __future__ import annotations

import dataclasses

ADMIN = 'admin'
MEMBER = 'member'
READER = 'reader'
SERVICE = 'service'
ANONYMOUS = 'anonymous'
INVALID = 'invalid'
# The order of the statuses in the tables below.
PERSONAS = (ADMIN, MEMBER, READER, SERVICE)

# Whose the deployable is.
OWN = 'own project'
OTHER = 'other project'
UNASSIGNED = 'unassigned'
MAINTENANCE = 'in maintenance'  # the own project's, in maintenance
MISSING = 'no such deployable'
DEPLOYABLE_CASES = (OWN, OTHER, UNASSIGNED, MAINTENANCE, MISSING)
# Whose the bitstream is, loaded onto the own project's deployable. Without
# one of these, a load takes a private bitstream of the own project.
PUBLIC = 'public bitstream'
SHARED = 'shared bitstream'  # the other project's, shared with own
OTHERS_PRIVATE = "other project's private bitstream"
NO_BITSTREAM = 'no such bitstream'
BITSTREAM_CASES = (PUBLIC, SHARED, OTHERS_PRIVATE, NO_BITSTREAM)

MAINTENANCE_REASON = 'replacing the fan of this board'


@dataclasses.dataclass(frozen=True)
class Row:
    method: str
    # '{deployable}' stands for the deployable of the case.
    path: str
    persona: str
    case: str
    status: int
    # POST only: the load is sent with "force": true.
    force: bool = False

    def __str__(self) -> str:
        return '%s %s%s as %s, %s: %d' % (
            self.method, self.path, ' (force)' if self.force else '',
            self.persona, self.case, self.status)


# GET of one deployable: a reader of its project sees it; anyone who may
# not see it gets 404, exactly as for one that does not exist. One who may
# see it but not use the route gets the spec's 422.
#            admin member reader service
READ = {
    OWN: (200, 200, 200, 200),
    OTHER: (200, 404, 404, 200),
    UNASSIGNED: (200, 404, 404, 200),
    MAINTENANCE: (200, 200, 200, 200),
    MISSING: (404, 404, 404, 404),
}

# What fits a deployable, as Glance shows the caller: not for services,
# which have no bitstreams of their own to see.
READ_BITSTREAMS = {
    OWN: (200, 200, 200, 422),
    OTHER: (200, 404, 404, 422),
    UNASSIGNED: (200, 404, 404, 422),
    MAINTENANCE: (200, 200, 200, 422),
    MISSING: (404, 404, 404, 404),
}

# GETs that name no deployable: the list is filtered for the caller.
LIST = {OWN: (200, 200, 200, 200)}
LIST_BITSTREAMS = {OWN: (200, 200, 200, 422)}

# PATCH /deployables/{uuid}: admins only; the spec's 422 for anyone else,
# whether the deployable exists or not.
UPDATE = {
    OWN: (200, 422, 422, 422),
    OTHER: (200, 422, 422, 422),
    UNASSIGNED: (200, 422, 422, 422),
    MAINTENANCE: (200, 422, 422, 422),
    MISSING: (404, 422, 422, 422),
}

# POST /fpga/{uuid}: members of the deployable's project, and admins; the
# bitstream must be one the caller can see in Glance.
PROGRAM = {
    OWN: (200, 200, 422, 422),
    OTHER: (200, 422, 422, 422),
    UNASSIGNED: (200, 422, 422, 422),
    MAINTENANCE: (409, 409, 422, 422),
    MISSING: (404, 422, 422, 422),
    PUBLIC: (200, 200, 422, 422),
    SHARED: (200, 200, 422, 422),
    OTHERS_PRIVATE: (200, 422, 422, 422),
    NO_BITSTREAM: (422, 422, 422, 422),
}
# POST with force: admins only, and an admin's force passes maintenance.
PROGRAM_FORCE = {
    OWN: (200, 422, 422, 422),
    MAINTENANCE: (200, 422, 422, 422),
}

TABLES = (
    ('GET', '/fpga/{deployable}', READ, False),
    ('GET', '/fpga/{deployable}/history', READ, False),
    ('GET', '/fpga/{deployable}/bitstreams', READ_BITSTREAMS, False),
    ('GET', '/deployables/{deployable}', READ, False),
    ('GET', '/deployables', LIST, False),
    ('GET', '/bitstreams', LIST_BITSTREAMS, False),
    ('PATCH', '/deployables/{deployable}', UPDATE, False),
    ('POST', '/fpga/{deployable}', PROGRAM, False),
    ('POST', '/fpga/{deployable}', PROGRAM_FORCE, True),
)


def _rows() -> tuple[Row, ...]:
    rows = []
    for method, path, table, force in TABLES:
        for case, statuses in table.items():
            for persona, status in zip(PERSONAS, statuses, strict=True):
                rows.append(Row(method, path, persona, case, status, force))
        # Without a valid token nothing else matters: the spec's 401.
        for persona in (ANONYMOUS, INVALID):
            rows.append(Row(method, path, persona, OWN, 401, force))
    return tuple(rows)


ROWS = _rows()

# GET /deployables: which of the cases' deployables each persona finds.
LISTED = {
    ADMIN: {OWN, OTHER, UNASSIGNED, MAINTENANCE},
    MEMBER: {OWN, MAINTENANCE},
    READER: {OWN, MAINTENANCE},
    SERVICE: {OWN, OTHER, UNASSIGNED, MAINTENANCE},
}

"""The authorization matrix on the noauth deployment.

The tests are in ``authz_base.AuthzMatrixTests`` and the matrix in
``authz_matrix.py``; this class says who the personas are with noauth
tokens ('user:project:roles') and reaches Glance with identity headers.
"""

from __future__ import annotations

from typing import Any

import requests

from cyborg_fpga.tests.fixtures import glance
from cyborg_fpga.tests.functional import authz_base
from cyborg_fpga.tests.functional import authz_matrix as matrix
from cyborg_fpga.tests.functional import base


class NoauthAuthzTest(authz_base.AuthzMatrixTests,
                      base.DeploymentTestCase):
    """The matrix on the noauth deployment: tokens 'user:project:roles'."""

    backend = 'mysql'

    TOKENS = {
        matrix.ADMIN: 'admin:%s:admin,member,reader',
        matrix.MEMBER: 'm:%s:member,reader',
        matrix.READER: 'r:%s:reader',
        matrix.SERVICE: 's:%s:service',
    }

    def projects(self) -> authz_base.Projects:
        return authz_base.Projects(own=self.new_project(),
                                   other=self.new_project(),
                                   service='service')

    def token_for(self, persona: str, project: str) -> str:
        return self.TOKENS[persona] % project

    def create_bitstream(self, project: str, properties: dict[str, Any],
                         visibility: str) -> str:
        return self.bitstream(project, properties=properties,
                              visibility=visibility)

    def share_bitstream(self, image: str, owner: str, member: str) -> None:
        # Glance's image members API, as the owner and then as the member.
        url = '%s/v2/images/%s/members' % (self.glance.endpoint, image)
        added = requests.post(url, json={'member': member}, timeout=60,
                              headers=glance.identity_headers(owner))
        self.assertEqual(200, added.status_code, added.text)
        accepted = requests.put('%s/%s' % (url, member), timeout=60,
                                json={'status': 'accepted'},
                                headers=glance.identity_headers(member))
        self.assertEqual(200, accepted.status_code, accepted.text)

"""The authorization matrix again, with real Keystone tokens and Glance.

The same rows as ``test_authz.NoauthAuthzTest``; here keystonemiddleware
checks every token, roles come from Keystone's role assignments and implied
roles, and Glance applies its own rules to the caller's forwarded token.
"""

from __future__ import annotations

from typing import Any

import requests

from cyborg_fpga.tests.fixtures import cloud
from cyborg_fpga.tests.functional import authz_base
from cyborg_fpga.tests.functional import authz_matrix as matrix
from cyborg_fpga.tests.functional.keystone import base


class KeystoneAuthzTest(authz_base.AuthzMatrixTests, base.KeystoneTestCase):
    """Project ``own`` is the cloud's project one, ``other`` project two."""

    # The CloudFixture persona of each matrix persona, by project key.
    USERS = {matrix.MEMBER: {'one': 'member-one', 'two': 'member-two'},
             matrix.READER: {'one': 'reader', 'two': 'reader-two'}}

    def projects(self) -> authz_base.Projects:
        ids = self.cloud.projects
        return authz_base.Projects(own=ids['one'], other=ids['two'],
                                   service=ids['service'])

    def token_for(self, persona: str, project: str) -> str:
        if persona == matrix.ADMIN:
            return self.cloud.token('admin', project)
        if persona == matrix.SERVICE:
            self.assertEqual(self.cloud.projects['service'], project)
            return self.cloud.token('service')
        return self.cloud.token(self.USERS[persona][self._key(project)])

    def _key(self, project: str) -> str:
        return {v: k for k, v in self.cloud.projects.items()}[project]

    def create_bitstream(self, project: str, properties: dict[str, Any],
                         visibility: str) -> str:
        # Only an admin may publish; its token is scoped to the owner.
        persona = (matrix.ADMIN if visibility == 'public'
                   else matrix.MEMBER)
        return cloud.create_bitstream(
            self.glance.endpoint, self.token_for(persona, project),
            b'\x5a' * 4096, properties=properties, visibility=visibility)

    def share_bitstream(self, image: str, owner: str, member: str) -> None:
        # Glance's image members API, as the owner and then as the member.
        url = '%s/v2/images/%s/members' % (self.glance.endpoint, image)
        added = requests.post(url, json={'member': member}, timeout=60,
                              headers=self._auth(owner))
        self.assertEqual(200, added.status_code, added.text)
        accepted = requests.put('%s/%s' % (url, member), timeout=60,
                                json={'status': 'accepted'},
                                headers=self._auth(member))
        self.assertEqual(200, accepted.status_code, accepted.text)

    def _auth(self, project: str) -> dict[str, str]:
        return {'X-Auth-Token': self.token_for(matrix.MEMBER, project)}

"""The tests that run the authorization matrix against a deployment.

``AuthzMatrixTests`` holds the tests and needs from its subclass only who
the personas are: ``projects()`` and ``token_for(persona, project)``, and
how bitstreams reach Glance as a project (``create_bitstream``,
``share_bitstream``). ``test_authz.NoauthAuthzTest`` runs it on the noauth
deployment of the other functional tests; a Keystone-backed deployment runs
it again by mixing ``AuthzMatrixTests`` into its own test case class::

    class KeystoneAuthzTest(authz_base.AuthzMatrixTests,
                            KeystoneDeploymentTestCase):
        def projects(self): ...          # Projects(own, other, service)
        def token_for(self, persona, project): ...
        def create_bitstream(self, project, properties, visibility): ...
        def share_bitstream(self, image, owner, member): ...

``self.deployment`` must be a ``fixtures.deployment.Deployment`` (or one
like it): hosts ``host-a`` and ``host-b`` with two regions each,
``request()``, and its processes' logs in ``root``. The mixin is no
TestCase itself, and this module's name does not start with ``test``, so
that it is never collected and run without personas.
"""

from __future__ import annotations

import dataclasses
import json
import os
from typing import Any
from typing import TYPE_CHECKING
import uuid

import requests

from cyborg_fpga.image import topology_rules
from cyborg_fpga.tests.functional import authz_matrix as matrix
from cyborg_fpga.tests.functional import base

LOG_IN = b'{"error": "Log in"}'
NOT_AUTHORIZED = b'{"error": "User is not authorized to use the resource"}'
CODE_HEADER = 'Cyborg-FPGA-Error-Code'

if TYPE_CHECKING:
    _Base = base.DeploymentTestCase
else:
    _Base = object


@dataclasses.dataclass(frozen=True)
class Projects:
    own: str
    other: str
    service: str


class AuthzMatrixTests(_Base):
    """The matrix and the promises around it; see the module docstring."""

    # Who the personas are, for the subclass to say.

    def projects(self) -> Projects:
        raise NotImplementedError

    def token_for(self, persona: str, project: str) -> str:
        """A token of ``persona`` (authz_matrix.PERSONAS) in ``project``."""
        raise NotImplementedError

    def create_bitstream(self, project: str, properties: dict[str, Any],
                         visibility: str) -> str:
        """An active FPGA image owned by ``project``; its id."""
        raise NotImplementedError

    def share_bitstream(self, image: str, owner: str, member: str) -> None:
        """Share ``image`` with ``member``, who accepts it."""
        raise NotImplementedError

    # The cases, set up afresh for every test.

    def setUp(self) -> None:
        super().setUp()
        self.used_tokens: set[str] = set()
        self.p = self.projects()
        self.host_a = self.deployment.hosts['host-a']
        self.host_b = self.deployment.hosts['host-b']
        self.deployables = {
            matrix.OWN: self.host_a.regions[0],
            matrix.OTHER: self.host_a.regions[1],
            matrix.UNASSIGNED: self.host_b.regions[0],
            matrix.MAINTENANCE: self.host_b.regions[1],
            matrix.MISSING: str(uuid.uuid4()),
        }
        self.owners = {matrix.OWN: self.p.own, matrix.OTHER: self.p.other,
                       matrix.UNASSIGNED: None,
                       matrix.MAINTENANCE: self.p.own}
        for case in self.owners:
            self.update_case(case, self.token(matrix.ADMIN), expect=200)
        mine_a = self.create_bitstream(self.p.own,
                                       self.host_a.pr_properties(), 'private')
        mine_b = self.create_bitstream(self.p.own,
                                       self.host_b.pr_properties(), 'private')
        shared = self.create_bitstream(self.p.other,
                                       self.host_a.pr_properties(), 'shared')
        self.share_bitstream(shared, self.p.other, self.p.own)
        self.bitstreams = {
            matrix.OWN: mine_a, matrix.OTHER: mine_a,
            matrix.MISSING: mine_a,
            matrix.UNASSIGNED: mine_b, matrix.MAINTENANCE: mine_b,
            matrix.PUBLIC: self.create_bitstream(
                self.p.other, self.host_a.pr_properties(), 'public'),
            matrix.SHARED: shared,
            matrix.OTHERS_PRIVATE: self.create_bitstream(
                self.p.other, self.host_a.pr_properties(), 'private'),
            matrix.NO_BITSTREAM: str(uuid.uuid4()),
        }

    def token(self, persona: str) -> str | None:
        if persona == matrix.ANONYMOUS:
            return None
        if persona == matrix.INVALID:
            return 'not-a-valid-token'
        project = (self.p.service if persona == matrix.SERVICE
                   else self.p.own)
        token = self.token_for(persona, project)
        self.used_tokens.add(token)
        return token

    def deployable(self, case: str) -> str:
        # Bitstream cases load onto the own project's deployable.
        return self.deployables.get(case, self.deployables[matrix.OWN])

    def update_case(self, case: str, token: str | None,
                    expect: int | None = None) -> requests.Response:
        # What the case already is, so that the matrix changes nothing.
        body: dict[str, Any] = {'project_id': self.owners.get(case)}
        if case == matrix.MAINTENANCE:
            body.update(maintenance=True,
                        maintenance_reason=matrix.MAINTENANCE_REASON)
        elif case in self.owners:
            body['maintenance'] = False
        response = self.deployment.request(
            'PATCH', '/deployables/%s' % self.deployable(case), token=token,
            json=body)
        if expect is not None:
            self.assertEqual(expect, response.status_code, response.text)
        return response

    def send(self, row: matrix.Row) -> requests.Response:
        token = self.token(row.persona)
        if row.method == 'PATCH':
            return self.update_case(row.case, token)
        path = row.path.format(deployable=self.deployable(row.case))
        if row.method == 'POST':
            body: dict[str, Any] = {
                'glance_bitstream_uuid': self.bitstreams[row.case]}
            if row.force:
                body['force'] = True
            return self.deployment.request('POST', path, token=token,
                                           json=body)
        return self.deployment.request(row.method, path, token=token)

    # The tests.

    def test_matrix(self) -> None:
        wrong = []
        for row in matrix.ROWS:
            response = self.send(row)
            if response.status_code != row.status:
                wrong.append('%s, got %d %s' % (row, response.status_code,
                                                response.text[:200]))
            elif row.status == 401 and response.content != LOG_IN:
                wrong.append('%s, body %r' % (row, response.content))
            elif row.status == 422 and response.content != NOT_AUTHORIZED:
                wrong.append('%s, body %r' % (row, response.content))
        self.assertEqual([], wrong, '\n'.join(wrong))

    def test_lists_hold_what_each_persona_may_see(self) -> None:
        cases = {uuid: case for case, uuid in self.deployables.items()}
        for persona, expected in matrix.LISTED.items():
            response = self.deployment.request(
                'GET', '/deployables?kind=region', token=self.token(persona))
            self.assertEqual(200, response.status_code, response.text)
            found = {cases.get(d['uuid'], d['uuid'])
                     for d in response.json()['deployables']}
            self.assertEqual(expected, found & set(matrix.DEPLOYABLE_CASES),
                             persona)

    def test_invisible_and_missing_bitstreams_answer_byte_for_byte(self):
        answers = [self.send(matrix.Row('POST', '/fpga/{deployable}',
                                        matrix.MEMBER, case, 422))
                   for case in (matrix.OTHERS_PRIVATE, matrix.NO_BITSTREAM)]
        private, missing = answers
        self.assertEqual(NOT_AUTHORIZED, private.content)
        self.assertEqual(private.content, missing.content)
        self.assertEqual((422, 'fpga.not_authorized'),
                         (private.status_code, private.headers[CODE_HEADER]))
        self.assertEqual((missing.status_code, missing.headers[CODE_HEADER]),
                         (private.status_code, private.headers[CODE_HEADER]))

    def test_hidden_deployables_answer_as_missing_ones(self) -> None:
        member = self.token(matrix.MEMBER)
        hidden_uuid = self.deployables[matrix.OTHER]
        missing_uuid = self.deployables[matrix.MISSING]
        hidden = self.deployment.request('GET', '/deployables/' + hidden_uuid,
                                         token=member)
        missing = self.deployment.request(
            'GET', '/deployables/' + missing_uuid, token=member)
        self.assertEqual(404, hidden.status_code)
        self.assertEqual(missing.content.replace(missing_uuid.encode(),
                                                 hidden_uuid.encode()),
                         hidden.content)
        # A load answers the spec's 422 for both.
        loads = [self.send(matrix.Row('POST', '/fpga/{deployable}',
                                      matrix.MEMBER, case, 422))
                 for case in (matrix.OTHER, matrix.MISSING)]
        self.assertEqual([NOT_AUTHORIZED] * 2, [r.content for r in loads])

    def test_maintenance_says_why(self) -> None:
        response = self.send(matrix.Row('POST', '/fpga/{deployable}',
                                        matrix.MEMBER, matrix.MAINTENANCE,
                                        409))
        self.assertEqual(409, response.status_code, response.text)
        self.assertEqual('fpga.deployable_in_maintenance',
                         response.json()['code'])
        self.assertIn(matrix.MAINTENANCE_REASON, response.json()['error'])

    def test_refused_attempts_are_in_the_history(self) -> None:
        response = self.send(matrix.Row('POST', '/fpga/{deployable}',
                                        matrix.MEMBER, matrix.OTHER, 422))
        request_id = response.headers['x-openstack-request-id']
        history = self.deployment.request(
            'GET', '/fpga/%s/history' % self.deployables[matrix.OTHER],
            token=self.token(matrix.ADMIN)).json()['history']
        [entry] = [h for h in history if h['request_id'] == request_id]
        self.assertEqual(('refused', 'fpga.not_authorized', self.p.own,
                          self.bitstreams[matrix.OTHER]),
                         (entry['result'], entry['error_code'],
                          entry['project_id'], entry['bitstream']))
        self.assertIsNotNone(entry['user_id'])
        # The owner's readers do not see who elsewhere tried.
        other_reader = self.token_for(matrix.READER, self.p.other)
        theirs = self.deployment.request(
            'GET', '/fpga/%s/history' % self.deployables[matrix.OTHER],
            token=other_reader).json()['history']
        self.assertNotIn(request_id, [h['request_id'] for h in theirs])

    def test_pfs_and_vfs_are_their_region_s(self) -> None:
        region = self.deployables[matrix.OWN]
        topology = self.host_a.pr_properties(
            topology=json.dumps(topology_rules.EXAMPLE))
        image = self.create_bitstream(self.p.own, topology, 'private')
        loaded = self.send_load(region, image)
        self.assertEqual(200, loaded.status_code, loaded.text)
        reader = self.token(matrix.READER)
        children = self.deployment.request(
            'GET', '/deployables?parent_uuid=%s' % region,
            token=reader).json()['deployables']
        self.assertEqual({'pf'}, {c['kind'] for c in children})
        pf = children[0]['uuid']
        self.assertEqual(200, self.deployment.request(
            'GET', '/deployables/' + pf, token=reader).status_code)
        stranger = self.token_for(matrix.READER, self.p.other)
        self.assertEqual(404, self.deployment.request(
            'GET', '/deployables/' + pf, token=stranger).status_code)

    def send_load(self, deployable: str, image: str) -> requests.Response:
        return self.deployment.request(
            'POST', '/fpga/%s' % deployable, token=self.token(matrix.MEMBER),
            json={'glance_bitstream_uuid': image})

    def test_no_token_reaches_a_log(self) -> None:
        for row in matrix.ROWS[::7]:
            self.send(row)
        logs = ''
        for name in os.listdir(self.deployment.root):
            if name.endswith('.log'):
                with open(os.path.join(self.deployment.root, name),
                          errors='replace') as f:
                    logs += f.read()
        self.assertIn(self.p.own, logs)
        for token in self.used_tokens:
            self.assertNotIn(token, logs)

"""PATCH /deployables/{uuid}: the admin assigns and sets maintenance."""

from __future__ import annotations

from typing import Any

from cyborg_fpga.tests.unit.api import base
from cyborg_fpga.tests.unit.api import fakes

ADMIN = 'admin:p-admin:admin,member,reader'
PF = 'f0000000-0000-4000-8000-000000000006'
MISSING = 'd0000000-0000-4000-8000-000000000004'
NOT_AUTHORIZED = b'{"error": "User is not authorized to use the resource"}'


class TestUpdate(base.ApiTestCase):

    def send(self, body: Any, token: str | None = ADMIN,
              uuid: str = base.DEPLOYABLE, **kwargs: Any) -> Any:
        return self.call('PATCH', '/deployables/' + uuid, token=token,
                         json_body=body, **kwargs)

    def test_assign_and_take_back(self) -> None:
        response = self.send({'project_id': 'p2'})
        self.assertEqual(200, response.status_int, response.body)
        view = response.json['deployable']
        self.assertEqual(('p2', False, None),
                         (view['project_id'], view['maintenance'],
                          view['maintenance_reason']))
        self.assertEqual('p2', self.db.deployables[base.DEPLOYABLE]
                         .project_id)
        view = self.send({'project_id': None}).json['deployable']
        self.assertIsNone(view['project_id'])
        self.assertIn('changed by user admin of project p-admin',
                      self.log.output)

    def test_maintenance_with_and_without_reason(self) -> None:
        view = self.send({'maintenance': True,
                           'maintenance_reason': 'fans'}).json['deployable']
        self.assertEqual((True, 'fans'), (view['maintenance'],
                                          view['maintenance_reason']))
        view = self.send({'maintenance': False}).json['deployable']
        self.assertEqual((False, None), (view['maintenance'],
                                         view['maintenance_reason']))
        view = self.send({'maintenance': True}).json['deployable']
        self.assertEqual((True, None), (view['maintenance'],
                                        view['maintenance_reason']))

    def test_all_at_once(self) -> None:
        view = self.send({'project_id': 'p3', 'maintenance': True,
                           'maintenance_reason': None}).json['deployable']
        self.assertEqual(('p3', True), (view['project_id'],
                                        view['maintenance']))

    def test_only_admins(self) -> None:
        for token in ('alice:p1:member,reader', 'bob:p1:reader',
                      's:service:service', 'eve:p2:member'):
            for uuid in (base.DEPLOYABLE, MISSING):
                response = self.send({'project_id': 'p9'}, token=token,
                                      uuid=uuid)
                self.assertError(response, 422, 'fpga.not_authorized')
                self.assertEqual(NOT_AUTHORIZED, response.body)
        self.assertEqual('p1', self.db.deployables[base.DEPLOYABLE]
                         .project_id)
        self.assertError(self.send({'project_id': 'p9'}, token=None), 401,
                         'fpga.not_authenticated')

    def test_unknown_deployable(self) -> None:
        self.assertError(self.send({'project_id': 'p2'}, uuid=MISSING),
                         404, 'fpga.deployable_not_found')
        self.assertError(self.send({'project_id': 'p2'}, uuid='nope'),
                         400, 'fpga.invalid_uuid')

    def test_pfs_and_vfs_take_their_root_s(self) -> None:
        self.db.add(fakes.deployable(PF, kind='pf',
                                     parent_uuid=base.DEPLOYABLE))
        data = self.assertError(self.send({'project_id': 'p2'}, uuid=PF),
                                400, 'fpga.invalid_request')
        self.assertIn('PF or VF', data['error'])

    def test_invalid_bodies(self) -> None:
        cases = [
            ({}, 'should be non-empty'),
            ({'project_id': 'p2', 'colour': 'red'}, 'colour'),
            ({'owner': 'p2'}, 'owner'),
            ({'project_id': ''}, 'project_id'),
            ({'project_id': 'has space'}, 'project_id'),
            ({'project_id': 'x' * 256}, 'project_id'),
            ({'project_id': 7}, 'project_id'),
            ({'maintenance': 'yes'}, 'maintenance'),
            ({'maintenance_reason': 'why'}, 'maintenance'),
            ({'maintenance': False, 'maintenance_reason': 'why'},
             'maintenance must be true when maintenance_reason is given'),
            ({'maintenance': True, 'maintenance_reason': 'x' * 1025},
             'maintenance_reason'),
        ]
        for body, words in cases:
            data = self.assertError(self.send(body), 400,
                                    'fpga.invalid_request')
            self.assertIn(words, data['error'], str(body))
        self.assertEqual([], [c for c in self.db.calls if c[0] == 'update'])

    def test_json_object_only(self) -> None:
        self.assertError(self.send(['project_id']), 400,
                         'fpga.invalid_request')
        response = self.call('PATCH', '/deployables/' + base.DEPLOYABLE,
                             token=ADMIN, body=b'project_id=p2',
                             content_type='text/plain')
        self.assertError(response, 415, 'fpga.unsupported_media_type')

    def test_body_size_limit(self) -> None:
        self.conf.set_override('max_request_body_size', 64, group='api')
        response = self.send({'maintenance': True,
                               'maintenance_reason': 'x' * 100})
        self.assertError(response, 413, 'fpga.request_too_large')

"""Rules on the deployable, not the caller: what each persona sees and does.

The fake database has DEPLOYABLE (a board) assigned to p1; the tests add a
board of p2, an unassigned board, regions and PFs as they need them.
"""

from __future__ import annotations

from cyborg_fpga.tests.unit.api import base
from cyborg_fpga.tests.unit.api import fakes

OTHER = 'b0000000-0000-4000-8000-000000000002'
NOBODY_S = 'c0000000-0000-4000-8000-000000000003'
MISSING = 'd0000000-0000-4000-8000-000000000004'
REGION = 'e0000000-0000-4000-8000-000000000005'
PF = 'f0000000-0000-4000-8000-000000000006'

ADMIN = 'admin:p-admin:admin,member,reader'
MEMBER = 'alice:p1:member,reader'
READER = 'bob:p1:reader'
SERVICE = 'nova:service:service'
NOT_AUTHORIZED = b'{"error": "User is not authorized to use the resource"}'

READS = ('/fpga/%s', '/fpga/%s/history', '/fpga/%s/bitstreams',
         '/deployables/%s')
# Services see deployables, not bitstreams, which Glance would not show them.
SERVICE_READS = ('/fpga/%s', '/fpga/%s/history', '/deployables/%s')


class AuthorizationTestCase(base.ApiTestCase):

    def setUp(self) -> None:
        super().setUp()
        self.db.add(fakes.deployable(OTHER, project_id='p2'))
        self.db.add(fakes.deployable(NOBODY_S, project_id=None))


class TestReads(AuthorizationTestCase):

    def test_readers_of_the_owner_read(self) -> None:
        for token in (ADMIN, MEMBER, READER, SERVICE):
            for path in READS if token != SERVICE else SERVICE_READS:
                response = self.call('GET', path % base.DEPLOYABLE,
                                     token=token)
                self.assertEqual(200, response.status_int, path)

    def test_other_projects_and_unassigned_look_missing(self) -> None:
        for token in (MEMBER, READER, 'carol:p1:guest'):
            for uuid in (OTHER, NOBODY_S):
                for path in READS:
                    hidden = self.call('GET', path % uuid, token=token)
                    missing = self.call('GET', path % MISSING, token=token)
                    self.assertError(hidden, 404,
                                     'fpga.deployable_not_found')
                    # The same answer, but for the uuid it names.
                    self.assertEqual(missing.body.replace(
                        MISSING.encode(), uuid.encode()), hidden.body)

    def test_admins_and_services_see_everything(self) -> None:
        for token, paths in ((ADMIN, READS), (SERVICE, SERVICE_READS)):
            for uuid in (OTHER, NOBODY_S):
                for path in paths:
                    self.assertEqual(200, self.call(
                        'GET', path % uuid, token=token).status_int)

    def test_a_route_refusing_one_who_sees_the_deployable_is_422(
            self) -> None:
        response = self.call('GET', '/fpga/%s/bitstreams' % OTHER,
                             token=SERVICE)
        self.assertError(response, 422, 'fpga.not_authorized')
        self.assertEqual(NOT_AUTHORIZED, response.body)

    def test_pfs_and_vfs_are_their_root_s(self) -> None:
        self.db.add(fakes.deployable(REGION, kind='region',
                                     parent_uuid=OTHER, project_id='p1'))
        self.db.add(fakes.deployable(PF, kind='pf', parent_uuid=REGION))
        self.assertEqual(200, self.call('GET', '/deployables/' + PF,
                                        token=READER).status_int)
        self.db.assign(REGION, 'p2')
        self.assertError(self.call('GET', '/deployables/' + PF,
                                   token=READER),
                         404, 'fpga.deployable_not_found')

    def test_a_board_shows_only_the_regions_the_caller_may_see(self) -> None:
        regions = ['e0000000-0000-4000-8000-00000000001%d' % i
                   for i in range(3)]
        for region, project in zip(regions, ('p1', 'p2', None),
                                   strict=True):
            self.db.add(fakes.deployable(region, kind='region',
                                         parent_uuid=base.DEPLOYABLE,
                                         project_id=project))
        self.db.add(fakes.deployable(PF, kind='pf', parent_uuid=regions[1]))
        for token, shown in ((READER, regions[:1]), (ADMIN, regions)):
            body = self.call('GET', '/deployables/' + base.DEPLOYABLE,
                             token=token).json['deployable']
            self.assertEqual(shown, sorted(c['uuid']
                                           for c in body['children']))
        admin_view = self.call('GET', '/deployables/' + base.DEPLOYABLE,
                               token=ADMIN).json['deployable']
        self.assertEqual([PF], [pf['uuid'] for c in admin_view['children']
                                for pf in c['children']])

    def test_history_shows_the_caller_s_project_only(self) -> None:
        self.db.histories[base.DEPLOYABLE] = [
            fakes.history(base.DEPLOYABLE, project_id='p1'),
            fakes.history(base.DEPLOYABLE, project_id='p2',
                          result='refused'),
        ]
        path = '/fpga/%s/history' % base.DEPLOYABLE
        mine = self.call('GET', path, token=READER).json['history']
        self.assertEqual(['p1'], [h['project_id'] for h in mine])
        for token in (ADMIN, SERVICE):
            everyone = self.call('GET', path, token=token).json['history']
            self.assertEqual(['p1', 'p2'],
                             [h['project_id'] for h in everyone])


class TestList(AuthorizationTestCase):

    def uuids(self, token: str, query: str = '') -> list[str]:
        response = self.call('GET', '/deployables' + query, token=token)
        self.assertEqual(200, response.status_int, response.body)
        return [d['uuid'] for d in response.json['deployables']]

    def test_non_admins_list_their_project_s_in_the_database(self) -> None:
        self.assertEqual([base.DEPLOYABLE], self.uuids(READER))
        # Filtered by the database, not after it.
        self.assertEqual('p1', self.db.calls[-1][1]['project_id'])
        self.assertEqual([OTHER], self.uuids('eve:p2:reader'))
        self.assertEqual([], self.uuids('eve:p3:member,reader'))

    def test_admins_and_services_list_everything(self) -> None:
        for token in (ADMIN, SERVICE):
            self.assertEqual(sorted([base.DEPLOYABLE, OTHER, NOBODY_S]),
                             sorted(self.uuids(token)))
            self.assertIsNone(self.db.calls[-1][1]['project_id'])
        self.assertEqual([OTHER], self.uuids(ADMIN, '?project_id=p2'))

    def test_a_non_admin_asking_for_another_project_gets_none(self) -> None:
        calls = len(self.db.calls)
        self.assertEqual([], self.uuids(READER, '?project_id=p2'))
        self.assertEqual(calls, len(self.db.calls))
        self.assertEqual([base.DEPLOYABLE],
                         self.uuids(READER, '?project_id=p1'))

    def test_the_next_link_does_not_add_the_project(self) -> None:
        self.db.add(fakes.deployable(REGION, kind='region',
                                     parent_uuid=base.DEPLOYABLE))
        body = self.call('GET', '/deployables?limit=1', token=READER).json
        self.assertNotIn('project_id', body['next'])


class TestProgram(AuthorizationTestCase):

    def test_members_of_the_owner_program(self) -> None:
        self.assertEqual(200, self.program(token=MEMBER).status_int)

    def test_refusals_are_the_spec_s_422_missing_ones_too(self) -> None:
        for token in (MEMBER, READER, SERVICE):
            for uuid in (OTHER, NOBODY_S, MISSING):
                response = self.program(deployable=uuid, token=token)
                self.assertError(response, 422, 'fpga.not_authorized')
                self.assertEqual(NOT_AUTHORIZED, response.body)
        for token in (READER, SERVICE):
            self.assertEqual(NOT_AUTHORIZED, self.program(token=token).body)

    def test_admins_program_anything_and_learn_what_is_missing(self) -> None:
        for uuid in (OTHER, NOBODY_S):
            self.assertEqual(200, self.program(deployable=uuid,
                                               token=ADMIN).status_int)
        self.assertError(self.program(deployable=MISSING, token=ADMIN),
                         404, 'fpga.deployable_not_found')

    def test_maintenance_is_409_with_the_reason(self) -> None:
        self.db.set_maintenance(base.DEPLOYABLE, True, 'new fans')
        for token in (MEMBER, ADMIN):
            data = self.assertError(self.program(token=token), 409,
                                    'fpga.deployable_in_maintenance')
            self.assertIn('new fans', data['error'])
        response = self.program(token=ADMIN, json_body={
            'glance_bitstream_uuid': base.BITSTREAM, 'force': True})
        self.assertEqual(200, response.status_int)

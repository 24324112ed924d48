"""Our API, Glance and the deployment behind a real Keystone.

Real tokens all the way: keystonemiddleware in our API checks them, the
conductor and the agent hand the caller's token to Glance, and Glance checks
it again and applies its own ownership rules.
"""

from __future__ import annotations

import uuid

import requests

from cyborg_fpga.tests.functional.keystone import base


class KeystoneFixtureTest(base.KeystoneTestCase):
    """The fixtures themselves: personas, their tokens and the catalog."""

    def test_every_persona_has_a_project_scoped_token(self):
        expected = {'admin': ('admin', {'admin', 'member', 'reader'}),
                    'cyborg-fpga': ('service', {'admin', 'service'}),
                    'glance': ('service', {'admin', 'service'}),
                    'service': ('service', {'service'}),
                    'member-one': ('one', {'member', 'reader'}),
                    'member-two': ('two', {'member', 'reader'}),
                    'reader': ('one', {'reader'}),
                    'reader-two': ('two', {'reader'})}
        self.assertEqual(set(expected), set(self.cloud.users))
        admin = self.cloud.session('admin')
        for persona, (project, roles) in expected.items():
            token = self.cloud.token(persona)
            # Keystone itself says what the token is worth.
            shown = admin.get(self.keystone.auth_url + '/auth/tokens',
                              headers={'X-Subject-Token': token}).json()
            self.assertEqual(self.cloud.projects[project],
                             shown['token']['project']['id'], persona)
            self.assertEqual(self.cloud.users[persona].id,
                             shown['token']['user']['id'], persona)
            names = {role['name'] for role in shown['token']['roles']}
            self.assertTrue(roles <= names, (persona, names))
            if 'admin' not in roles:
                self.assertNotIn('admin', names, persona)
            if persona.startswith(('reader', 'service')):
                self.assertNotIn('member', names, persona)
        self.assertEqual(8, len({self.cloud.token(p) for p in expected}))
        # The admin is an admin of the tenant projects too.
        admin_in_two = self.cloud.token('admin', self.cloud.projects['two'])
        shown = admin.get(self.keystone.auth_url + '/auth/tokens',
                          headers={'X-Subject-Token': admin_in_two}).json()
        self.assertEqual(self.cloud.projects['two'],
                         shown['token']['project']['id'])
        self.assertIn('admin', {r['name'] for r in shown['token']['roles']})

    def test_catalog_names_glance_and_our_api(self):
        catalog = {service['type']: service
                   for service in self.cloud.catalog('member-one')}
        self.assertEqual('cyborg-fpga', catalog['fpga']['name'])
        for service_type, url in (('image', self.glance.endpoint),
                                  ('fpga', self.deployment.url),
                                  ('identity', self.keystone.auth_url)):
            self.assertEqual(
                {('public', url), ('internal', url)},
                {(e['interface'], e['url'])
                 for e in catalog[service_type]['endpoints']}, service_type)

    def test_glance_checks_tokens(self):
        image = self.environment.bitstream('member-one')
        for persona, status in (('member-one', 200), ('reader', 200),
                                ('member-two', 404)):
            response = self._glance_get(image, self.cloud.token(persona))
            self.assertEqual(status, response.status_code, persona)
        self.assertEqual(401, self._glance_get(image, 'bogus').status_code)

    def _glance_get(self, image, token):
        return requests.get(self.glance.endpoint + '/v2/images/' + image,
                            headers={'X-Auth-Token': token}, timeout=30)


class KeystoneProgrammingTest(base.KeystoneTestCase):
    """POST /fpga/{uuid} with Keystone tokens: the contract's bodies."""

    def setUp(self):
        super().setUp()
        self.host = self.deployment.hosts['host-a']
        self.data = uuid.uuid4().bytes * 1024

    def private_bitstream(self, persona):
        return self.environment.bitstream(
            persona, self.data, properties=self.host.pr_properties())

    def assertResponse(self, status, body, response):
        self.assertEqual((status, body),
                         (response.status_code, response.content))

    def test_no_token(self):
        image = self.private_bitstream('member-one')
        response = self.program(self.host.regions[0], image, None)
        self.assertResponse(401, base.LOG_IN, response)

    def test_invalid_token(self):
        image = self.private_bitstream('member-one')
        for token in ('not-a-token', self.cloud.token('member-one')[:-4]):
            response = self.program(self.host.regions[0], image, token)
            self.assertResponse(401, base.LOG_IN, response)

    def test_member_loads_its_own_private_bitstream(self):
        region = self.host.regions[0]
        self.assign(region, self.cloud.projects['one'])
        image = self.private_bitstream('member-one')
        response = self.program(region, image, self.cloud.token('member-one'))
        self.assertResponse(200, base.SUCCESS, response)
        device = self.host.devices.read(region)
        self.assertEqual((image, len(self.data)),
                         (device.loaded_bitstream, device.size))
        member = self.cloud.users['member-one']
        history = self.deployment.db.list_history(region)
        self.assertEqual(('succeeded', member.id, member.project_id),
                         (history[0].result, history[0].user_id,
                          history[0].project_id))

    def test_private_bitstream_of_another_project(self):
        region = self.host.regions[1]
        self.assign(region, self.cloud.projects['two'])
        image = self.private_bitstream('member-one')
        before = self.host.devices.read(region).sha256
        response = self.program(region, image, self.cloud.token('member-two'))
        self.assertResponse(422, base.NOT_AUTHORIZED, response)
        self.assertEqual(before, self.host.devices.read(region).sha256)

    def test_public_bitstream_of_the_admin(self):
        region = self.host.regions[1]
        self.assign(region, self.cloud.projects['two'])
        image = self.environment.bitstream(
            'admin', self.data, visibility='public',
            properties=self.host.pr_properties())
        response = self.program(region, image, self.cloud.token('member-two'))
        self.assertResponse(200, base.SUCCESS, response)
        self.assertEqual(image,
                         self.host.devices.read(region).loaded_bitstream)

    def test_reader_may_not_load(self):
        region = self.host.regions[0]
        self.assign(region, self.cloud.projects['one'])
        image = self.private_bitstream('member-one')
        response = self.program(region, image, self.cloud.token('reader'))
        self.assertResponse(422, base.NOT_AUTHORIZED, response)

    def test_service_catalog_finds_the_api(self):
        # What a client does: the fpga endpoint from the catalog, then a call.
        session = self.cloud.session('member-one')
        url = session.get_endpoint(service_type='fpga', interface='public')
        self.assertEqual(self.deployment.url, url)
        region = self.host.regions[0]
        self.assign(region, self.cloud.projects['one'])
        response = session.get(url + '/fpga/%s' % region)
        self.assertEqual(region, response.json()['deployable']['uuid'])

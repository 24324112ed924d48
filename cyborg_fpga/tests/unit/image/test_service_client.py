"""The service's own Glance identity, as configured; no request is made.

Token mode against a real Keystone is not exercised here: the test suite
has no Keystone. What is checked is that the standard keystoneauth options
of [glance] reach the auth plugin and the session.
"""

from __future__ import annotations

import os

import fixtures
from keystoneauth1.identity import generic
from oslo_config import cfg

from cyborg_fpga import conf as cyborg_conf
from cyborg_fpga.conf import opts
from cyborg_fpga.image import service_client
from cyborg_fpga.tests import base


class TestServiceClient(base.TestCase):

    def load(self, glance: str) -> cfg.ConfigOpts:
        # A file, not overrides: keystoneauth registers the plugin's options
        # only when it loads the plugin, and reads them from the files.
        path = os.path.join(self.useFixture(fixtures.TempDir()).path,
                            'cyborg-fpga.conf')
        with open(path, 'w') as f:
            f.write('[glance]\nendpoint = http://glance.example:9292/\n'
                    + glance)
        return cyborg_conf.load([], default_config_files=[path])

    def test_token_mode_uses_the_keystoneauth_options(self) -> None:
        conf = self.load('auth_type = password\n'
                         'auth_url = http://keystone.example/identity\n'
                         'username = cyborg-fpga\npassword = secret\n'
                         'user_domain_name = Default\n'
                         'project_name = service\n'
                         'project_domain_name = Default\n'
                         'cafile = /etc/ssl/cloud-ca.pem\ntimeout = 7.5\n')
        session = service_client.session(conf)
        auth = session.auth
        assert isinstance(auth, generic.Password)
        self.assertEqual('http://keystone.example/identity', auth.auth_url)
        self.assertEqual('service', auth._project_name)
        self.assertEqual('/etc/ssl/cloud-ca.pem', session.verify)
        # The one [glance] timeout serves both the service and the session.
        self.assertEqual(7.5, session.timeout)
        client = service_client.client(conf)
        self.assertEqual('http://glance.example:9292',
                         client.http_client.endpoint_override)

    def test_token_mode_needs_an_auth_type(self) -> None:
        error = self.assertRaises(cfg.RequiredOptError,
                                  service_client.client, self.load(''))
        self.assertIn('auth_type', str(error))

    def test_headers_mode_needs_no_keystone(self) -> None:
        conf = self.load('identity_forwarding = headers\n'
                         'headers_project_id = p1\nheaders_user_id = u1\n'
                         'headers_roles = member,reader\ninsecure = true\n')
        session = service_client.session(conf)
        self.assertIsNone(session.auth)
        self.assertFalse(session.verify)
        ctxt = service_client.service_context(conf)
        self.assertEqual(('u1', 'p1', ['member', 'reader']),
                         (ctxt.user_id, ctxt.project_id, ctxt.roles))
        client = service_client.client(conf)
        self.assertEqual({'X-Identity-Status': 'Confirmed',
                          'X-User-Id': 'u1', 'X-Project-Id': 'p1',
                          'X-Roles': 'member,reader'},
                         client.http_client.additional_headers)

    def test_sample_configuration_lists_the_options(self) -> None:
        glance = dict(opts.list_opts())['glance']
        names = [opt.dest for opt in glance]
        for name in ('headers_project_id', 'headers_user_id',
                     'headers_roles', 'auth_type', 'auth_section',
                     'auth_url', 'username', 'password', 'cafile',
                     'insecure', 'timeout'):
            self.assertIn(name, names)
        self.assertEqual(len(names), len(set(names)))

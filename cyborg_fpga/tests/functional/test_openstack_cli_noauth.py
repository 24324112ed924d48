"""``openstack fpga`` without Keystone: an endpoint and a token given.

A deployment with ``[api] auth_strategy = noauth`` (the all-in-one, these
tests' own) has no catalog: ``--os-endpoint`` with ``--os-token`` makes the
OpenStack client use keystoneauth's ``admin_token`` plugin, and
``--os-fpga-endpoint`` names our API whatever the other endpoint is.
"""

from __future__ import annotations

import fixtures

from cyborg_fpga.tests.functional import base
from cyborg_fpga.tests.functional import openstack_cli


class OpenstackCliNoauthTest(base.DeploymentTestCase):

    def setUp(self):
        super().setUp()
        self.home = self.useFixture(fixtures.TempDir()).path
        self.host_a = self.deployment.hosts['host-a']

    def openstack(self, *argv):
        result = openstack_cli.run(list(argv), {}, self.home)
        self.assertEqual(0, result.returncode, str(result))
        return result

    def test_endpoint_and_token(self):
        listed = self.openstack(
            '--os-endpoint', self.deployment.url,
            '--os-token', self.ADMIN_TOKEN,
            'fpga', 'deployable', 'list', '--host', 'host-a',
            '-f', 'json').json()
        self.assertEqual(set(self.host_a.deployables),
                         {d['UUID'] for d in listed})

    def test_fpga_endpoint_wins(self):
        project = self.new_project()
        region = self.host_a.regions[0]
        self.assign(region, project)
        image = self.bitstream(project, name='noauth-aes',
                               properties=self.host_a.pr_properties())
        # Nothing listens on the general endpoint: every request must go
        # to the one given for the fpga service.
        shown = self.openstack(
            '--os-endpoint', 'http://127.0.0.1:9',
            '--os-token', 'alice:%s' % project,
            '--os-fpga-endpoint', self.deployment.url,
            'fpga', 'program', 'host-a:region0', 'noauth-aes',
            '-f', 'json').json()
        self.assertEqual((image, 0), (shown['loaded_bitstream'],
                                      shown['last_program']['code']))
        self.assertEqual(image,
                         self.host_a.devices.read(region).loaded_bitstream)

"""The devstack plugin, run phase by phase against real services.

devstack itself cannot run here, so ``shim/functions`` stands in for the
part of it that the plugin calls, with real effects: ini files written,
processes started and stopped, a MariaDB database created, users, roles,
services and endpoints created in a real Keystone. What only a real
devstack would show (Apache, systemd units, a clone from git) is listed in
``doc/source/testing.rst``.
"""

from __future__ import annotations

import configparser
import getpass
import json
import os
import secrets
import socket
import subprocess
import sys
import time
from typing import Any, NoReturn

import fixtures
import requests
import sqlalchemy as sa
from sqlalchemy import pool
import testtools
from testtools import content

from cyborg_fpga.drivers.fake import devices
from cyborg_fpga.tests import base
from cyborg_fpga.tests.fixtures import cloud
from cyborg_fpga.tests.fixtures import database
from cyborg_fpga.tests.fixtures import glance
from cyborg_fpga.tests.fixtures import keystone
from cyborg_fpga.tests.fixtures import services

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), '..', '..',
                                    '..', '..'))
RUN = os.path.join(os.path.dirname(__file__), 'shim', 'run')
SAMPLE_METADATA = os.path.join(REPO, 'devstack', 'files',
                               'sample-bitstream-metadata.json')
INVENTORY = os.path.join(REPO, 'etc', 'fake-inventory.json.sample')
SERVICES = ('cyborg-fpga-api', 'cyborg-fpga-cond', 'cyborg-fpga-agent')
SUCCESS = b'{"msg": "bitstream has been loaded successfully"}'
# What devstack enables besides us; tempest, for the test-config phase.
OTHER_SERVICES = 'key,g-api,mysql,rabbit,tempest'


def _alive(pid: int) -> bool:
    # A zombie has exited; whoever adopted it may not have reaped it yet.
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError:
        return False


class DevstackTestCase(base.TestCase):
    """Runs ``shim/run`` with devstack's variables for this test."""

    def setUp(self) -> None:
        super().setUp()
        self.tmp = self.useFixture(fixtures.TempDir()).path
        self.logdir = os.path.join(self.tmp, 'logs')
        self.shim_state = os.path.join(self.tmp, 'shim')
        self.conf_dir = os.path.join(self.tmp, 'etc', 'cyborg-fpga')
        self.state_path = os.path.join(self.tmp, 'data', 'cyborg-fpga')
        self.env = dict(
            os.environ,
            # uwsgi and the test's interpreter, as devstack's venv has them.
            PATH=os.path.dirname(sys.executable) + ':' + os.environ['PATH'],
            PYTHON=sys.executable, SHIM_STATE=self.shim_state,
            LOGDIR=self.logdir, CYBORG_FPGA_DIR=REPO,
            DEST=os.path.join(self.tmp, 'opt'),
            DATA_DIR=os.path.join(self.tmp, 'data'),
            STACK_USER=getpass.getuser(), SERVICE_HOST='127.0.0.1',
            SERVICE_PROTOCOL='http', SERVICE_TIMEOUT='60',
            SERVICE_PASSWORD=secrets.token_hex(12),
            SERVICE_DOMAIN_NAME='Default', REGION_NAME=keystone.REGION,
            TEMPEST_CONFIG=os.path.join(self.tmp, 'tempest.conf'),
            ENABLED_SERVICES=OTHER_SERVICES, DISABLED_SERVICES='',
            MEMCACHE_SERVERS='', CYBORG_FPGA_CONF_DIR=self.conf_dir,
            CYBORG_FPGA_API_PORT=str(services.free_port()),
            CYBORG_FPGA_DB_NAME='cyf_devstack_' + secrets.token_hex(6))
        self.api_url = 'http://127.0.0.1:' + self.env['CYBORG_FPGA_API_PORT']
        self.addOnException(self._attach_logs)

    def run_plugin(self, *steps: str) -> str:
        started = time.monotonic()
        done = subprocess.run(['bash', RUN, *steps], env=self.env,
                              capture_output=True, text=True, timeout=300)
        output = done.stdout + done.stderr + '\n(%.1f s)\n' % (
            time.monotonic() - started)
        self.addDetail('devstack %s' % ' '.join(steps),
                       content.text_content(output))
        if done.returncode != 0:
            self.fail('%s exited with %d; its output ends:\n%s'
                      % (' '.join(steps), done.returncode, output[-6000:]))
        return output

    def pid(self, service: str) -> int:
        with open(os.path.join(self.shim_state, 'pids',
                               service + '.pid')) as f:
            return int(f.read())

    def running_pids(self) -> dict[str, int]:
        folder = os.path.join(self.shim_state, 'pids')
        if not os.path.isdir(folder):
            return {}
        return {name[:-4]: self.pid(name[:-4]) for name in os.listdir(folder)}

    def _attach_logs(self, exc_info: Any) -> None:
        if os.path.isdir(self.logdir):
            for name in sorted(os.listdir(self.logdir)):
                self.addDetail(name, content.content_from_file(
                    os.path.join(self.logdir, name), buffer_now=True))

    def ini(self, path: str) -> configparser.ConfigParser:
        parser = configparser.ConfigParser(interpolation=None)
        with open(path) as f:
            parser.read_file(f)
        return parser


class TestStack(DevstackTestCase):
    """stack, then unstack and clean, on Keystone, Glance, MariaDB, RabbitMQ.

    Keystone is one of this test's own: devstack starts from an empty
    catalog, and the shared Keystone's holds the fpga entries of other
    tests.
    """

    def setUp(self) -> None:
        super().setUp()
        self.keystone = self._start(keystone.KeystoneServer())
        self.cloud = self.useFixture(cloud.CloudFixture(self.keystone))
        self.glance = self._start(glance.GlanceServer(
            flavor='keystone', extra_config={
                'keystone_authtoken': self.cloud.authtoken_options('glance')}))
        self.cloud.register_endpoint('image', 'glance', self.glance.endpoint)
        try:
            vhost = self.useFixture(services.RabbitVhost())
        except Exception as e:
            self._unavailable(e)
        admin_url = database.admin_url('mysql')
        if admin_url is None:
            base.service_unavailable(self, 'no MariaDB admin URL')
        assert admin_url is not None
        self.db_admin = sa.engine.make_url(admin_url)
        self.addCleanup(self._drop_database)
        service_project = self.cloud.admin.get(
            self.keystone.auth_url + '/projects/'
            + self.cloud.projects['service']).json()['project']
        self.env.update(
            SERVICE_PROJECT_NAME=service_project['name'],
            KEYSTONE_SERVICE_URI=self.keystone.url,
            GLANCE_URL=self.glance.endpoint,
            OS_AUTH_URL=self.keystone.auth_url,
            OS_USERNAME=keystone.ADMIN_USER,
            OS_PASSWORD=self.keystone.admin_password,
            OS_PROJECT_NAME=keystone.ADMIN_PROJECT,
            DATABASE_USER=self.db_admin.username or 'root',
            DATABASE_PASSWORD=self.db_admin.password or '',
            DATABASE_HOST=self.db_admin.host or '127.0.0.1',
            DATABASE_PORT=str(self.db_admin.port or 3306),
            RABBIT_USERID='guest', RABBIT_PASSWORD='guest',
            RABBIT_HOST=services.RABBIT[0], RABBIT_VHOST=vhost.name)
        # Stops whatever a failed stack left running, as unstack.sh would;
        # then any process that unstack could not stop.
        self.addCleanup(self._kill_leftovers)
        self.addCleanup(self._unstack_quietly)

    def _start(self, fixture: Any) -> Any:
        try:
            return self.useFixture(fixture)
        except Exception as e:
            self._unavailable(e)

    def _unavailable(self, error: BaseException) -> NoReturn:
        # fixtures wraps what a fixture's _setUp raised, once per level.
        while isinstance(error, testtools.MultipleExceptions):
            error = error.args[0][1]
        if isinstance(error, (services.ServiceUnavailable,
                              glance.GlanceUnavailable)):
            base.service_unavailable(self, str(error))
        raise error

    def _drop_database(self) -> None:
        engine = sa.create_engine(self.db_admin, poolclass=pool.NullPool,
                                  isolation_level='AUTOCOMMIT')
        try:
            with engine.connect() as conn:
                conn.exec_driver_sql('DROP DATABASE IF EXISTS %s'
                                     % self.env['CYBORG_FPGA_DB_NAME'])
        finally:
            engine.dispose()

    def _unstack_quietly(self) -> None:
        if self.running_pids():
            subprocess.run(['bash', RUN, 'unstack'], env=self.env,
                           capture_output=True, timeout=120)

    def _kill_leftovers(self) -> None:
        for pid in self.running_pids().values():
            if _alive(pid):
                os.killpg(pid, 9)

    def api(self, method: str, path: str, token: str | None,
            **kwargs: Any) -> requests.Response:
        headers = {'X-Auth-Token': token} if token else {}
        return requests.request(method, self.api_url + path, headers=headers,
                                timeout=60, **kwargs)

    def deployable_uuids(self, token: str) -> set[str]:
        answer = self.api('GET', '/deployables', token)
        self.assertEqual(200, answer.status_code, answer.text)
        return {d['uuid'] for d in answer.json()['deployables']}

    def test_stack_load_unstack_clean(self):
        with open(INVENTORY) as f:
            board = json.load(f)['boards'][0]
        with open(SAMPLE_METADATA) as f:
            sample = json.load(f)
        regions = [r['uuid'] for r in board['regions']]

        self.run_plugin('stack:install', 'stack:post-config', 'stack:extra',
                        'stack:test-config')

        # setup_develop installed the package; the services run its scripts.
        pids = self.running_pids()
        self.assertEqual(set(SERVICES), set(pids))
        for service, pid in pids.items():
            self.assertTrue(_alive(pid), service)
        with open('/proc/%d/cmdline' % pids['cyborg-fpga-agent'],
                  'rb') as f:
            agent_cmd = f.read().split(b'\0')
        venv_bin = os.path.join(self.shim_state, 'venv', 'bin')
        self.assertEqual(os.path.join(venv_bin, 'cyborg-fpga-agent'),
                         agent_cmd[1].decode())

        # The catalog, as a client finds the service in it.
        admin = self.cloud.session('admin')
        self.assertEqual(self.api_url, admin.get_endpoint(
            service_type='fpga', interface='public'))

        # The service user, with its roles in the service project.
        users = self.cloud.admin.get(
            self.keystone.auth_url + '/users?name=cyborg-fpga').json()['users']
        self.assertEqual(1, len(users))
        assignments = self.cloud.admin.get(
            self.keystone.auth_url + '/role_assignments?include_names=true'
            '&user.id=%s&scope.project.id=%s'
            % (users[0]['id'], self.cloud.projects['service'])).json()
        self.assertEqual({'admin', 'service'},
                         {a['role']['name']
                          for a in assignments['role_assignments']})

        # Keystone tokens, checked by keystonemiddleware.
        token = self.cloud.token('admin')
        self.assertEqual(401, self.api('GET', '/deployables', None)
                         .status_code)
        self.assertEqual(401, self.api('GET', '/deployables', 'not-a-token')
                         .status_code)
        services.wait_for(
            lambda: board['uuid'] in self.deployable_uuids(token), 60,
            "the fake agent's board in GET /deployables")
        self.assertLessEqual(set(regions), self.deployable_uuids(token))

        # The sample bitstream, in Glance for everyone to see.
        images = requests.get(
            self.glance.endpoint + '/v2/images',
            params={'tag': 'FPGA', 'name': sample['bs-name']},
            headers={'X-Auth-Token': self.cloud.token('member-one')},
            timeout=60).json()['images']
        self.assertEqual(1, len(images), images)
        image = images[0]
        self.assertEqual(('public', 'active'),
                         (image['visibility'], image['status']))
        for key in ('bs-uuid', 'vendor', 'board', 'shell_id', 'region_uuid'):
            self.assertEqual(sample[key], image[key], key)

        # It loads onto the fake board's first PR region, and its bytes
        # reach the simulated device.
        answer = self.api('POST', '/fpga/' + regions[0], token,
                          data={'glance_bitstream_uuid': image['id']})
        self.assertEqual(200, answer.status_code, answer.text)
        self.assertEqual(SUCCESS, answer.content)
        store = devices.DeviceStore(os.path.join(self.state_path,
                                                 'fake-devices'))
        device = store.read(regions[0])
        self.assertEqual((image['id'], image['size']),
                         (device.loaded_bitstream, device.size))
        # A member of a project that the region is assigned to may load
        # the public sample too.
        answer = self.api('PATCH', '/deployables/' + regions[1], token,
                          json={'project_id': self.cloud.projects['one']})
        self.assertEqual(200, answer.status_code, answer.text)
        answer = self.api('POST', '/fpga/' + regions[1],
                          self.cloud.token('member-one'),
                          data={'glance_bitstream_uuid': image['id']})
        self.assertEqual(200, answer.status_code, answer.text)

        # The agent's file holds no database URL and no password but
        # RabbitMQ's; the API's checks tokens.
        agent_path = os.path.join(self.conf_dir, 'cyborg-fpga-agent.conf')
        agent = self.ini(agent_path)
        self.assertEqual({'DEFAULT', 'agent', 'fake_driver', 'image',
                          'glance'}, set(agent.sections()) | {'DEFAULT'})
        self.assertFalse([(s, o) for s in agent.sections()
                          for o in agent.options(s) if 'password' in o])
        with open(agent_path) as f:
            agent_text = f.read()
        self.assertNotIn(self.env['CYBORG_FPGA_DB_NAME'], agent_text)
        self.assertNotIn(self.env['SERVICE_PASSWORD'], agent_text)
        control = self.ini(os.path.join(self.conf_dir, 'cyborg-fpga.conf'))
        self.assertEqual('keystone', control.get('api', 'auth_strategy'))
        self.assertIn(self.env['CYBORG_FPGA_DB_NAME'],
                      control.get('database', 'connection'))

        # test-config told tempest the service is there.
        tempest = self.ini(self.env['TEMPEST_CONFIG'])
        self.assertEqual('True', tempest.get('service_available',
                                             'cyborg_fpga'))

        # Running the extra phase again starts nothing twice and uploads
        # no second sample.
        output = self.run_plugin('stack:extra')
        self.assertIn('is in Glance already', output)
        self.assertEqual(pids, self.running_pids())

        self.run_plugin('unstack')
        for service, pid in pids.items():
            self.assertFalse(_alive(pid), service)
        with socket.socket() as s:
            self.assertNotEqual(0, s.connect_ex(
                ('127.0.0.1', int(self.env['CYBORG_FPGA_API_PORT']))))

        self.run_plugin('clean')
        self.assertFalse(os.path.exists(self.conf_dir))
        self.assertFalse(os.path.exists(self.state_path))


class TestAgentOnlyHost(DevstackTestCase):
    """A compute host: the agent alone, from the same plugin.

    Keystone and the database are addresses where nothing listens, so the
    test fails if the plugin touches either.
    """

    def test_post_config_writes_the_agent_file_alone(self):
        self.env.update(
            DISABLED_SERVICES='cyborg-fpga-api,cyborg-fpga-cond',
            OS_AUTH_URL='http://127.0.0.1:9/v3', OS_USERNAME='admin',
            OS_PASSWORD='x', OS_PROJECT_NAME='admin',
            KEYSTONE_SERVICE_URI='http://127.0.0.1:9',
            GLANCE_URL='http://controller.invalid:9292',
            DATABASE_USER='root', DATABASE_PASSWORD='',
            DATABASE_HOST='127.0.0.1', DATABASE_PORT='9',
            RABBIT_USERID='guest', RABBIT_PASSWORD='guest',
            RABBIT_HOST='controller.invalid', RABBIT_VHOST='')
        self.run_plugin('stack:post-config')
        self.assertEqual(['cyborg-fpga-agent.conf'],
                         sorted(os.listdir(self.conf_dir)))
        agent = self.ini(os.path.join(self.conf_dir,
                                      'cyborg-fpga-agent.conf'))
        self.assertEqual('rabbit://guest:guest@controller.invalid:5672/',
                         agent.get('DEFAULT', 'transport_url'))
        self.assertEqual('http://controller.invalid:9292',
                         agent.get('glance', 'endpoint'))
        self.assertEqual(INVENTORY,
                         agent.get('fake_driver', 'inventory_file'))

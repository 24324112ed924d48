"""cyborg-fpga-allinone: the whole service in one process, for a first try.

API, conductor and agent share one process: SQLite, the fake driver with a
few simulated boards and PR regions, and a local folder as the bitstream
store holding one sample bitstream. The three parts call each other
directly, never through oslo.messaging's polling ``fake://`` driver.
It writes its configuration to ``<state path>/allinone.conf``, so what a
deployment configures is there to read. Never for a cloud: no Keystone.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
import hashlib
import json
import os
import sys
from typing import Any

from oslo_log import log as logging

from cyborg_fpga.agent import inventory
from cyborg_fpga.agent import manager as agent_manager
from cyborg_fpga.cmd import api as api_cmd
from cyborg_fpga.cmd import common
from cyborg_fpga.conductor import manager as conductor_manager
from cyborg_fpga.conductor import notify
from cyborg_fpga.db import api as db_api
from cyborg_fpga.db import migration
from cyborg_fpga.drivers import loader
from cyborg_fpga import exception
from cyborg_fpga.image import base as image_base
from cyborg_fpga.image import local
from cyborg_fpga.image import topology_rules
from cyborg_fpga import policy
from cyborg_fpga.wsgi import api as wsgi_api

LOG = logging.getLogger(__name__)

HOST = 'allinone'
# Fixed, so that the printed curl line works again after a restart.
U250 = 'a1c0ffee-0000-4000-8000-000000000001'
U250_REGION0 = 'a1c0ffee-0000-4000-8000-000000000011'
U250_REGION1 = 'a1c0ffee-0000-4000-8000-000000000012'
PAC = 'a1c0ffee-0000-4000-8000-000000000002'
PAC_REGION0 = 'a1c0ffee-0000-4000-8000-000000000021'
U250_REGION_TYPE = 'a1c0ffee-0000-4000-8000-0000000000a1'
PAC_REGION_TYPE = 'a1c0ffee-0000-4000-8000-0000000000a2'
# The shells the simulated boards run, as cards come with one flashed.
U250_SHELL = 'a1c0ffee-0000-4000-8000-0000000000c1'
PAC_SHELL = 'a1c0ffee-0000-4000-8000-0000000000c2'
SAMPLE_BITSTREAM = 'a1c0ffee-0000-4000-8000-0000000000b1'
SAMPLE_FUNCTION = 'a1c0ffee-0000-4000-8000-0000000000f1'

INVENTORY = {'boards': [
    {'uuid': U250, 'name': 'u250-0', 'vendor': 'Xilinx', 'board': 'U250',
     'address': '0000:3b:00.0', 'shell_id': U250_SHELL,
     'regions': [{'uuid': U250_REGION0, 'name': 'region0',
                  'region_type_uuid': U250_REGION_TYPE},
                 {'uuid': U250_REGION1, 'name': 'region1',
                  'region_type_uuid': U250_REGION_TYPE}]},
    {'uuid': PAC, 'name': 'pac-a10-0', 'vendor': 'Intel', 'board': 'PAC-A10',
     'address': '0000:5e:00.0', 'shell_id': PAC_SHELL,
     'regions': [{'uuid': PAC_REGION0, 'name': 'region0',
                  'region_type_uuid': PAC_REGION_TYPE}]},
]}

# The example topology of the bitstream metadata specification: after the
# load, the region shows two physical functions with a virtual one each.
SAMPLE_TOPOLOGY = json.dumps(topology_rules.EXAMPLE)

CONFIG = """\
# Written by cyborg-fpga-allinone. Not for a cloud: no Keystone, SQLite.
[DEFAULT]
host = {host}
state_path = {state}
use_stderr = true

[api]
host_ip = {ip}
port = {port}
# noauth: X-Auth-Token is "user:project[:role,role]"; user "admin" is an
# admin. NO AUTHENTICATION: anyone reaching the port acts as anyone.
auth_strategy = noauth

[database]
connection = sqlite:///{state}/cyborg-fpga.sqlite

[image]
backend = local

[agent]
enabled_drivers = fake

[fake_driver]
inventory_file = {state}/fake-inventory.json
program_seconds = 0.5

# The fpga.program.* and fpga.shell.* notifications, here to the log
# (doc/source/notifications.rst); a cloud sends them with messagingv2.
# [oslo_messaging_notifications]
# driver = log
"""


class InProcessAgents:
    """Stands where the agents' RPC client stands: the one agent is here."""

    def __init__(self) -> None:
        self.agents: dict[str, agent_manager.AgentManager] = {}

    def program_fpga_with_bitstream(self, ctxt: Any, host: str,
                                    deployable_uuid: str,
                                    bitstream_uuid: str,
                                    force: bool = False,
                                    bitstream: Any = None) -> Any:
        agent = self.agents.get(host)
        if agent is None:
            raise exception.AgentUnavailable(host=host, uuid=deployable_uuid,
                                             reason='no such agent')
        return agent.program_fpga_with_bitstream(
            ctxt, deployable_uuid, bitstream_uuid, force=force,
            bitstream=bitstream.to_dict() if bitstream is not None else None)


def _seed(state: str, args: argparse.Namespace) -> str:
    """Write the config, the inventory and the sample bitstream."""
    os.makedirs(state, exist_ok=True)
    config_file = os.path.join(state, 'allinone.conf')
    with open(config_file, 'w') as f:
        f.write(CONFIG.format(host=HOST, state=state, ip=args.host_ip,
                              port=args.port))
    with open(os.path.join(state, 'fake-inventory.json'), 'w') as f:
        json.dump(INVENTORY, f, indent=2)
    store = os.path.join(state, 'bitstreams')
    # Written at every start, so that a state folder of an older release
    # gets the sample as this release describes it.
    # Not a real bitstream: the fake driver only records what it got.
    data = hashlib.sha256(b'cyborg-fpga sample').digest() * 8192
    local.add_bitstream(
        store, data, uuid=SAMPLE_BITSTREAM, name='sample-aes128-u250',
        properties={'bs-name': 'aes-128', 'bs-uuid': SAMPLE_BITSTREAM,
                    'vendor': 'Xilinx', 'board': 'U250',
                    'shell_id': U250_SHELL, 'version': '1.0',
                    'driver_ver': '1.0', 'topology': SAMPLE_TOPOLOGY,
                    'description': 'Sample bitstream of the all-in-one',
                    'region_uuid': U250_REGION_TYPE,
                    'function_uuid': SAMPLE_FUNCTION,
                    'function_name': 'aes-128'})
    return config_file


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog='cyborg-fpga-allinone',
                                     description=__doc__.splitlines()[0])
    parser.add_argument('--state-path', default=os.path.join(
        os.environ.get('XDG_DATA_HOME') or os.path.expanduser(
            '~/.local/share'), 'cyborg-fpga', 'allinone'),
        help='folder for the database, the store and the fake devices')
    parser.add_argument('--host-ip', default='127.0.0.1')
    parser.add_argument('--port', type=int, default=6810)
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    state = os.path.abspath(args.state_path)

    conf = common.prepare(['--config-file', _seed(state, args)])
    migration.sync(conf)
    db = db_api.Connection.from_conf(conf)
    image_service = image_base.load(conf)
    agents = InProcessAgents()
    conductor = conductor_manager.ConductorManager(
        conf, db, image_service, agents, policy.make_enforcer(conf),
        notifier=notify.get_notifier(conf, HOST))
    drivers = loader.load_drivers(conf)
    reporter = inventory.InventoryReporter(conf, drivers, conductor)
    agents.agents[HOST] = agent_manager.AgentManager(
        conf, drivers, image_service, reporter)
    reporter.report()
    reporter.start()
    conductor.sweep_stale_locks()

    server = api_cmd.serve(wsgi_api.build_application(conf,
                                                      conductor=conductor),
                           args.host_ip, args.port)
    url = 'http://%s:%d' % (args.host_ip, args.port)
    print('cyborg-fpga all-in-one is listening on %s (state in %s).\n'
          'Load the sample bitstream onto a PR region of the simulated '
          'U250:\n\n'
          "  curl -s -X POST -H 'X-Auth-Token: admin:admin' "
          '-d glance_bitstream_uuid=%s %s/fpga/%s\n\n'
          'Then see what it holds:\n\n'
          "  curl -s -H 'X-Auth-Token: admin:admin' %s/fpga/%s\n\n"
          'Every deployable is the admins\' alone until an admin assigns it '
          'to a project,\nwhose members (X-Auth-Token: alice:demo) may '
          'then load it:\n\n'
          "  curl -s -X PATCH -H 'X-Auth-Token: admin:admin' "
          "-H 'Content-Type: application/json' "
          '-d \'{"project_id": "demo"}\' %s/deployables/%s\n'
          % (url, state, SAMPLE_BITSTREAM, url, U250_REGION0, url,
             U250_REGION0, url, U250_REGION0), flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        reporter.stop()


if __name__ == '__main__':
    main()
